import Dispatch
import Logging
import NewsIndex
import NewsSystem
import ServiceLifecycle

/// Housekeeping done once newsd has gone quiet, off the ingest path: it checkpoints the
/// write-ahead log into the database on a connection of its own and empties the log file, brings
/// what searches keep in memory up to date with the articles that arrived, then hands memory
/// back (SQLite's page caches, and the allocator's free pages). Memory that searches took (the
/// readers' page caches, the allocator's pages) goes back too once no search has run for
/// `searchQuietTime`, so that a daemon queried for an hour and then left alone shrinks again.
///
/// Why only when quiet: a checkpoint ends in an fsync, and while the file system commits it,
/// other writes wait, the next drop's among them (`Benchmarks/drop-latency` with a checkpoint
/// every second: README, "Benchmarks"). Under back-to-back writes (a bulk load, stories being
/// placed) no quiet moment comes: once the log has grown past
/// `ArticleIndex.busyCheckpointFrames`, it is copied here beside the writer (a passive
/// checkpoint, which the writer does not wait for). Otherwise the writer's commit past
/// `ArticleIndex.writerCheckpointFrames` would run one itself, and a file dropped meanwhile
/// would wait for that commit. While the ingest loop works, what searches keep in memory is
/// also brought up to date at every tick.
struct MaintenanceService: Service {
    let index: ArticleIndex
    let status: DaemonStatus
    /// The searches' gate, which says since when none has run.
    let searches: AsyncGate
    let logger: Logger

    /// How long the ingest loop must have been idle.
    static let quietTime = Duration.seconds(1)
    /// How long no search must have run before the memory searches took goes back: longer than
    /// someone reading results takes between two searches, so that they keep warm readers.
    static let searchQuietTime = Duration.seconds(10)
    static let tick = Duration.milliseconds(250)

    func run() async throws {
        var lastError: String?
        var doneAfter: ContinuousClock.Instant?
        var releasedAfterSearches: ContinuousClock.Instant?
        while true {
            // A stop does not wait for the tick; the index's close checkpoints last.
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: Self.tick) }
            } catch {
                return
            }
            // Once per spell without searches, named by the instant the last one ended.
            if let quiet = searches.quietSince, quiet != releasedAfterSearches, ContinuousClock.now - quiet >= Self.searchQuietTime {
                releasedAfterSearches = quiet
                await offCooperativePool { [index] in
                    index.releaseMemory()
                    HeapTrimmer.trim()
                }
                logger.debug("handed back the memory searches took: none has run for a while", metadata: [
                    "event": "search-memory-released", "quiet_seconds": "\(Self.searchQuietTime.components.seconds)",
                ])
            }
            let error: String?
            let idleSince = status.idleSince
            if let idleSince {
                // Once per quiet spell: the instant the ingest loop went idle names it.
                guard idleSince != doneAfter, ContinuousClock.now - idleSince >= Self.quietTime else { continue }
                doneAfter = idleSince
                error = await offCooperativePool { [index] () -> String? in
                    defer {
                        // Otherwise the first search after a burst reads every row it added (all
                        // of them after a bulk load). A failure here is a search's to report.
                        try? index.prepareSearches()
                        index.releaseMemory()
                        HeapTrimmer.trim()
                    }
                    return Self.checkpoint(index, truncating: true)
                }
            } else {
                // Not while the index is checked at start (a damaged one is replaced then) or closed.
                guard ![.starting, .stopping].contains(status.activity) else { continue }
                // What searches keep in memory follows the rows the ingest loop adds, a tick's
                // worth at a time: the first search after a bulk load (a file dropped while its
                // stories are placed) would otherwise read every one of them. A failure here is
                // a search's to report.
                await offCooperativePool { [index] in try? index.prepareSearches() }
                guard index.writeAheadLogFrames >= ArticleIndex.busyCheckpointFrames else { continue }
                error = await offCooperativePool { [index] in Self.checkpoint(index, truncating: false) }
            }
            // Logged once per new problem, and once when it clears.
            if error != lastError {
                if let error {
                    // Tried again at the next tick while the log keeps growing, and once newsd is next idle.
                    logger.warning("cannot checkpoint the index's write-ahead log; will try again", metadata: [
                        "event": "checkpoint-failed", "error": "\(error)", "while": idleSince == nil ? "busy" : "idle",
                    ])
                } else {
                    logger.notice("checkpointing the index works again", metadata: ["event": "checkpoint-recovered"])
                }
                lastError = error
            }
        }
    }

    /// Checkpoints `index`; the error's description when it cannot.
    private static func checkpoint(_ index: ArticleIndex, truncating: Bool) -> String? {
        do {
            try index.checkpoint(truncating: truncating)
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// Runs blocking work (fsync, heap walks) on a dispatch thread, not on one of the few
    /// threads every task shares.
    private func offCooperativePool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async { continuation.resume(returning: work()) }
        }
    }
}
