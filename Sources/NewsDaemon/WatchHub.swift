import NewsCore
import NewsIndex
import ServiceLifecycle
import Synchronization

/// The running `newsctl watch` requests: their queries go with every write transaction, and the
/// new articles each one matches are handed to its stream right after the commit.
///
/// As a service it ends every watch when newsd begins to stop (each client is told why), so that
/// the server, stopped after it, has no endless response to wait for.
final class WatchHub: Service {
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
        var stopping = false
    }

    private let state = Mutex(State())

    /// The most watches at once; more are refused (each costs a lookup per transaction).
    static let maxWatchers = 256
    /// Matches one watcher may have waiting; a client that reads slower than this is cut off.
    static let backlog = 10_000

    /// Waits for newsd to begin stopping, then ends every watch and refuses new ones.
    func run() async throws {
        try? await gracefulShutdown()
        let ending = state.withLock { state in
            state.stopping = true
            return Array(state.watchers.values)
        }
        for watcher in ending { watcher.continuation.finish() }
    }

    /// Whether newsd is stopping: watches end, and no new one starts.
    var isStopping: Bool { state.withLock { $0.stopping } }

    /// Starts a watch; nil when `maxWatchers` run already or newsd is stopping.
    func subscribe(_ query: SearchQuery) -> Subscription? {
        let (stream, continuation) = AsyncStream<SearchHit>.makeStream(bufferingPolicy: .bufferingOldest(Self.backlog))
        let id: Int? = state.withLock { state in
            guard state.watchers.count < Self.maxWatchers, !state.stopping else { return nil }
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
    /// called on the writer's thread right after the commit. Returns, per watch whose hits could
    /// not be read (it misses these articles), the error, for the caller to log.
    func publish(_ matches: [StandingMatch], index: ArticleIndex) -> [(articles: Int, error: any Error)] {
        var failures: [(articles: Int, error: any Error)] = []
        for (key, matches) in Dictionary(grouping: matches, by: \.key) {
            guard let query = query(of: key) else { continue }
            do {
                deliver(try index.hits(ids: matches.map(\.articleId), matching: query), to: key)
            } catch {
                failures.append((matches.count, error))
            }
        }
        return failures
    }

    /// The query of the watch `key` (a `StandingQuery`'s key); nil when it has ended.
    func query(of key: String) -> SearchQuery? {
        guard let id = Int(key) else { return nil }
        return state.withLock { $0.watchers[id]?.query }
    }

    /// Hands the watch `key` new articles it matched; a watcher too far behind is ended.
    func deliver(_ hits: [SearchHit], to key: String) {
        guard let id = Int(key), let watcher = state.withLock({ $0.watchers[id] }) else { return }
        for hit in hits {
            if case .dropped = watcher.continuation.yield(hit) {
                state.withLock { _ = $0.overflowed.insert(id) }
                watcher.continuation.finish()
                return
            }
        }
    }
}
