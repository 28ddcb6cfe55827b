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
/// every second: README, "Benchmarks"). Under back-to-back writes the writer checkpoints by
/// itself past `ArticleIndex.writerCheckpointFrames`.
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
            // Once per quiet spell: the instant the ingest loop went idle names it.
            guard let idleSince = status.idleSince, idleSince != doneAfter,
                  ContinuousClock.now - idleSince >= Self.quietTime else { continue }
            doneAfter = idleSince
            let error = await offCooperativePool { [index] () -> String? in
                defer {
                    // Otherwise the first search after a burst reads every row it added (all
                    // of them after a bulk load). A failure here is a search's to report.
                    try? index.prepareSearches()
                    index.releaseMemory()
                    HeapTrimmer.trim()
                }
                do {
                    try index.checkpoint(truncating: true)
                    return nil
                } catch {
                    return "\(error)"
                }
            }
            // Logged once per new problem, and once when it clears.
            if error != lastError {
                if let error {
                    logger.warning("cannot checkpoint the index's write-ahead log; will try again when newsd is next idle",
                                   metadata: ["event": "checkpoint-failed", "error": "\(error)"])
                } else {
                    logger.notice("checkpointing the index works again", metadata: ["event": "checkpoint-recovered"])
                }
                lastError = error
            }
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
