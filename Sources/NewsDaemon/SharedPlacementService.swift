import Foundation
import Logging
import NewsCore
import NewsIndex
import NewsPostgres
import NewsSystem
import ServiceLifecycle
import Synchronization

/// Story placement for a shared archive, run exactly once across hosts: only the host holding
/// the archive's placer lock places (`PostgresArchive.leadPlacement`); every host runs this
/// service and takes over when the placer's session ends.
///
/// The placer keeps a local index (SQLite, `placement.sqlite` in the state folder) of the
/// archive's articles, places them there with the embedded index's own placement — the same
/// stories, copy groups and first reports on both backends — and publishes what changed: each
/// article's story and copy group, each story's size and span. Placement reads dozens of rows per
/// article; locally that costs microseconds, where the database would cost a round trip each.
/// The local index is a cache: a new placer fills its own from the archive and republishes, so
/// story ids may change when the placer does.
final class SharedPlacementService: Service {
    private let archive: PostgresArchive
    private let path: String
    private let logger: Logger

    /// How often a host that does not place asks whether it may (the placer's host may be gone).
    static let standby = Duration.seconds(5)
    /// Articles copied from the archive per transaction of the local index.
    static let batch = 500

    init(archive: PostgresArchive, stateDirectory: String, logger: Logger) {
        self.archive = archive
        self.path = stateDirectory + "/placement.sqlite"
        self.logger = logger
    }

    func run() async throws {
        await cancelWhenGracefulShutdown { await self.takeTurns() }
    }

    /// Asks for the placer's lock until newsd stops; places while it holds it.
    private func takeTurns() async {
        var lastProblem: (text: String, unreachable: Bool)?
        while !Task.isCancelled {
            let problem = Mutex<(text: String, unreachable: Bool)?>(nil)
            do {
                _ = try await archive.leadPlacement { session, wake in
                    do {
                        try await self.lead(session, wake)
                    } catch let error as ArchiveError {
                        throw error
                    } catch is CancellationError {
                        return
                    } catch {
                        // The local index's own trouble: said as itself, not as the database's.
                        problem.withLock { $0 = ("the local placement index \(self.path) failed: \(error)", false) }
                    }
                }
            } catch {
                problem.withLock { $0 = $0 ?? (error.description, error.isUnreachable) }
            }
            let now = problem.withLock { $0 }
            if now?.text != lastProblem?.text {
                if let now {
                    // An outage is said once, by the archive (`database-unreachable`); here only at debug.
                    logger.log(level: now.unreachable ? .debug : .warning, "cannot place the shared archive's stories; will try again",
                               metadata: ["event": "placement-failed", "error": "\(now.text)"])
                } else if let lastProblem, !lastProblem.unreachable {
                    logger.notice("placing the shared archive's stories works again", metadata: ["event": "placement-recovered"])
                }
                lastProblem = now
            }
            try? await Task.sleep(for: Self.standby)
        }
    }

    /// Places and publishes until newsd stops or the session ends.
    private func lead(_ session: PlacementSession, _ wake: AsyncStream<Void>) async throws {
        let (path, logger) = (self.path, self.logger)
        let local = try await BlockingWork.run { try IndexRecovery.open(path, refilledFrom: "the shared archive", logger: logger) }
        do {
            try await place(into: local, session, wake)
        } catch {
            _ = try? await BlockingWork.run { try local.close() }
            throw error
        }
        _ = try? await BlockingWork.run { try local.close() }
    }

    private func place(into local: ArticleIndex, _ session: PlacementSession, _ wake: AsyncStream<Void>) async throws {
        logger.notice("this host places the shared archive's stories", metadata: ["event": "placer-elected", "path": "\(path)"])
        var published = try await session.published()
        var held = Set(try await BlockingWork.run { try local.knownStamps().keys.compactMap { Int64($0) } })
        var wakes = wake.makeAsyncIterator()
        repeat {
            try await copyChanges(from: session, into: local, held: &held, published: &published)
            while try await BlockingWork.run({ try local.placeStories(limit: Self.batch) }) > 0 {
                try Task.checkCancellation()
            }
            try await publish(local, to: session, published: &published)
            // Placement's page cache and the C heap's free pages go back before waiting, as the
            // embedded index's maintenance does when newsd goes quiet.
            try await BlockingWork.run {
                local.releaseMemory()
                HeapTrimmer.trim()
            }
        } while await wakes.next() != nil && !Task.isCancelled
    }

    /// Brings the local index to the archive's articles: those added (by id: ids of concurrent
    /// hosts' transactions commit out of order), those edited (an edit keeps the id and clears the
    /// story) and those gone.
    private func copyChanges(from session: PlacementSession, into local: ArticleIndex, held: inout Set<Int64>,
                             published: inout PublishedPlacement) async throws {
        let archived = try await session.articleIds()
        let gone = held.filter { archived[$0] == nil }
        if !gone.isEmpty {
            let changes = gone.map { IndexChange.remove(path: String($0)) }
            _ = try await BlockingWork.run { try local.apply(changes, now: Self.now) }
            held.subtract(gone)
            for id in gone { published.articles[id] = nil }
        }
        for (id, unplaced) in archived where unplaced && published.articles[id]?.storyId != nil {
            // Copied again below; nil, so that its placement is published even if unchanged.
            held.remove(id)
            published.articles[id] = nil
        }
        let current = Set(archived.keys)
        let added = current.subtracting(held).sorted()
        for start in stride(from: 0, to: added.count, by: Self.batch) {
            let rows = try await session.articles(ids: Array(added[start..<min(start + Self.batch, added.count)]))
            let changes = rows.map { row in
                // The stamp only names the row here (the article's file time travels in the article).
                IndexChange.upsert(path: String(row.id), stamp: FileStamp(inode: UInt64(row.id), size: 0, mtimeNs: 0), article: row.article)
            }
            _ = try await BlockingWork.run { try local.apply(changes, now: Self.now) }
            held.formUnion(rows.map(\.id))
            try Task.checkCancellation()
        }
    }

    /// Publishes the stories and copy groups that differ from what the archive holds.
    private func publish(_ local: ArticleIndex, to session: PlacementSession, published: inout PublishedPlacement) async throws {
        let (placements, stories) = try await BlockingWork.run { (try local.placements(), try local.storySummaries()) }
        var articles: [(id: Int64, placement: Placement)] = []
        for entry in placements {
            guard let id = Int64(entry.path) else { continue }
            let placement = Placement(storyId: entry.storyId, copyOf: entry.copyOfPath.flatMap { Int64($0) },
                                      copySimilarity: entry.copyOfPath == nil ? nil : entry.copySimilarity)
            if published.articles[id] != placement { articles.append((id, placement)) }
        }
        let current = Set(stories.map(\.id))
        let changedStories = stories.filter { published.stories[$0.id] != $0 }
        let removedStories = published.stories.keys.filter { !current.contains($0) }
        guard !articles.isEmpty || !changedStories.isEmpty || !removedStories.isEmpty else { return }
        try await session.publish(articles: articles, stories: changedStories, removedStories: removedStories)
        for (id, placement) in articles { published.articles[id] = placement }
        for story in changedStories { published.stories[story.id] = story }
        for id in removedStories { published.stories[id] = nil }
        logger.debug("published stories", metadata: [
            "event": "stories-published", "articles": "\(articles.count)", "stories": "\(changedStories.count)", "removed": "\(removedStories.count)",
        ])
    }

    private static var now: Double { Date().timeIntervalSince1970 }
}
