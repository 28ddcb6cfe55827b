import NewsCore
import NewsIndex
import Synchronization

/// The running `newsctl watch` requests: their queries go with every write transaction, and the
/// new articles each one matches are handed to its stream right after the commit.
final class WatchHub: Sendable {
    /// One watcher's id and its stream of matches (see `overflowed` for why a stream ended).
    struct Subscription: Sendable {
        let id: Int
        let hits: AsyncStream<SearchHit>
    }

    private struct Watcher {
        let query: SearchQuery
        let continuation: AsyncStream<SearchHit>.Continuation
    }

    private struct State {
        var next = 1
        var watchers: [Int: Watcher] = [:]
        var overflowed = Set<Int>()
    }

    private let state = Mutex(State())

    /// The most watches at once; more are refused (each costs a lookup per transaction).
    static let maxWatchers = 256
    /// Matches one watcher may have waiting; a client that reads slower than this is cut off.
    static let backlog = 10_000

    /// Starts a watch; nil when `maxWatchers` run already.
    func subscribe(_ query: SearchQuery) -> Subscription? {
        let (stream, continuation) = AsyncStream<SearchHit>.makeStream(bufferingPolicy: .bufferingOldest(Self.backlog))
        let id: Int? = state.withLock { state in
            guard state.watchers.count < Self.maxWatchers else { return nil }
            defer { state.next += 1 }
            state.watchers[state.next] = Watcher(query: query, continuation: continuation)
            return state.next
        }
        guard let id else { return nil }
        continuation.onTermination = { [weak self] _ in self?.unsubscribe(id) }
        return Subscription(id: id, hits: stream)
    }

    /// Ends a watch (its client went away).
    func unsubscribe(_ id: Int) {
        let watcher = state.withLock { state in
            state.overflowed.remove(id)
            return state.watchers.removeValue(forKey: id)
        }
        watcher?.continuation.finish()
    }

    /// Whether the watch was ended because its client fell behind.
    func overflowed(_ id: Int) -> Bool { state.withLock { $0.overflowed.contains(id) } }

    var count: Int { state.withLock { $0.watchers.count } }

    /// The queries to match against the next transaction's new articles.
    var standingQueries: [StandingQuery] {
        state.withLock { state in state.watchers.map { StandingQuery(key: String($0.key), query: $0.value.query) } }
    }

    /// Hands each watcher the articles it matched. Reads the hits from the index: blocking,
    /// called on the writer's thread right after the commit.
    func publish(_ matches: [StandingMatch], index: ArticleIndex) {
        let byWatcher = Dictionary(grouping: matches, by: \.key)
        for (key, matches) in byWatcher {
            guard let id = Int(key), let watcher = state.withLock({ $0.watchers[id] }) else { continue }
            guard let hits = try? index.hits(ids: matches.map(\.articleId), matching: watcher.query) else { continue }
            for hit in hits {
                if case .dropped = watcher.continuation.yield(hit) {
                    state.withLock { _ = $0.overflowed.insert(id) }
                    watcher.continuation.finish()
                    break
                }
            }
        }
    }
}
