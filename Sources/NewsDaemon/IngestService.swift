import Foundation
import Logging
import NewsCore
import NewsIndex
import NewsSystem
import ServiceLifecycle
import Synchronization

/// Keeps the index equal to the inbox: compares both at start, then follows inotify events,
/// writing each batch of changes in one transaction through the index's single writer.
final class IngestService: Service {
    private let settings: SettingsStore
    /// The archive as the writer sees it (the embedded index, or a shared database).
    private let index: any InboxStore
    private let status: DaemonStatus
    private let queue: IngestQueue
    private let logger: Logger
    /// Running watches: matched against each transaction's new articles.
    private let watches: WatchHub
    /// Told when a transaction recorded alert matches.
    private let alerts: AlertService
    /// Alert matches recorded but not yet handed to the announcer.
    private let alertsOwed = AlertsOwed()
    /// Attempts so far for work that failed for a transient reason.
    private let retries = Mutex<[IngestQueue.Item: Int]>([:])
    /// Where every blocking step of the loop runs.
    private let writer = IndexWriterQueue()
    /// Where story placement reads ahead of the writer (`PlacementForecast`).
    private let placementSurveys = BackgroundThread(name: "newsd-survey")
    /// When a file last ended a placement transaction (it arrived while articles were placed).
    private let placementGaveWay = Mutex<ContinuousClock.Instant?>(nil)

    init(settings: SettingsStore, index: any InboxStore, status: DaemonStatus, queue: IngestQueue, watches: WatchHub,
         alerts: AlertService, logger: Logger) {
        self.watches = watches
        self.alerts = alerts
        self.settings = settings
        self.index = index
        self.status = status
        self.queue = queue
        self.logger = logger
    }

    /// The configuration in force (it changes on reload; the inbox itself does not).
    private var config: DaemonConfig { settings.current }

    private var reader: ChangeReader {
        let config = self.config
        return ChangeReader(inbox: config.inbox, policy: config.namePolicy, maxFileBytes: config.maxFileBytes)
    }

    func run() async throws {
        // Watch first, then scan: a file dropped during the scan is seen by one or the other.
        // Adding a watch per folder walks the whole inbox: off the cooperative pool.
        let first = try await firstWatch()
        if first != nil { queue.add([.scan("", reread: false)]) }
        // The page-by-page check reads the whole index: it waits until newsd answers, so that
        // READY never waits for it (nor shares the CPU with it), and it comes before the first
        // write, so that a damaged index is replaced by one rebuilt from the inbox.
        try? await cancelWhenGracefulShutdown { await self.status.waitUntilReady() }
        if Task.isShuttingDownGracefully || Task.isCancelled { return first?.watcher.stop() ?? () }
        do {
            let (index, logger) = (self.index, self.logger)
            try await writer.run { try index.verifyAtStart(logger: logger) }
        } catch {
            first?.watcher.stop()
            throw error
        }

        let queue = self.queue
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.rescanUnwatchedFolders() }
            group.addTask { await self.superviseWatcher(first) }
            try await withGracefulShutdownHandler {
                try await ingestLoop()
            } onGracefulShutdown: { [index] in
                // The batch in progress finishes its transaction; then the loop sees the closed
                // queue. Text compaction, at background priority, could outlast the stop's
                // time limit on a busy machine: it ends now, and is done after the next start.
                queue.close()
                index.stopIdleWork()
            }
            group.cancelAll()
        }
    }

    /// The watch newsd starts with; nil when the inbox is missing. Made at start if missing, the
    /// inbox can still go before it is watched (moved away, unmounted): then newsd waits for it
    /// as for one that goes later. Any other reason (the inotify limits) stops newsd with the error.
    private func firstWatch() async throws -> WatchedInbox? {
        let inbox = config.inbox
        for attempt in 1...2 {
            do {
                return try await writer.run { try self.watchOrExplain() }
            } catch {
                guard try await BlockingWork.run({ InboxPresence.isPresent(inbox, asMountPoint: false) }) else {
                    reportInboxGone("\(error)")
                    return nil
                }
                // There again after a watch that found it missing: watched once more.
                if attempt == 2 { throw DaemonError(message: "\(error)") }
            }
        }
        return nil
    }

    /// A running watcher and the stream that says when it has ended.
    private struct WatchedInbox {
        let watcher: InboxWatcher
        let ended: AsyncStream<String>
        /// Whether the inbox was a mount point of its own when watching began.
        let wasMountPoint: Bool
    }

    /// `watch()`, its failure an error whose description is the watcher's message.
    private func watchOrExplain() throws -> WatchedInbox {
        do {
            return try watch()
        } catch {
            throw DaemonError(message: error.description)
        }
    }

    /// Starts watching the inbox; its events go to the queue.
    private func watch() throws(WatcherError) -> WatchedInbox {
        let inbox = config.inbox
        let watcher = try InboxWatcher(directory: inbox)
        let (ended, endedContinuation) = AsyncStream<String>.makeStream()
        let queue = self.queue
        let logger = self.logger
        watcher.start { events in
            for case .overflow in events {
                logger.warning("the inotify queue overflowed; rescanning the whole inbox",
                               metadata: ["event": "overflow", "hint": "raise the sysctl fs.inotify.max_queued_events for fewer rescans"])
            }
            for case .unwatched(let path, let reason) in events {
                logger.error("cannot watch a folder; it will be rescanned periodically",
                             metadata: ["event": "unwatched", "article_path": "\(path)", "error": "\(reason)"])
            }
            if logger.logLevel <= .debug { Self.logNoticed(events, logger) }
            queue.push(events)
            for case .inboxGone(let reason) in events {
                endedContinuation.yield(reason)
                endedContinuation.finish()
            }
        }
        return WatchedInbox(watcher: watcher, ended: ended, wasMountPoint: InboxPresence.isMountPoint(inbox))
    }

    /// Keeps the inbox watched for as long as newsd runs. When watching ends (the inbox was
    /// deleted, moved or unmounted), status says so and the index is kept as it is: a missing
    /// inbox is not an empty one. newsd then looks for the inbox every second and, once it is
    /// back (mounted again, if it was a mount point), watches it anew and reconciles. `first`:
    /// the watch made at start, nil when the inbox went before it could be made.
    private func superviseWatcher(_ first: WatchedInbox?) async {
        var current = first
        defer { current?.watcher.stop() }
        if first == nil { await waitForInbox(mountPoint: false) }
        while !Task.isCancelled {
            if let watched = current {
                var reason: String?
                for await ended in watched.ended { reason = ended }
                guard let reason, !Task.isCancelled else { return }
                watched.watcher.stop()
                current = nil
                reportInboxGone(reason)
                await waitForInbox(mountPoint: watched.wasMountPoint)
                continue
            }
            do {
                current = try await writer.run { try self.watchOrExplain() }
                status.setInboxProblem(nil)
                logger.notice("the inbox is back; watching it again and reconciling", metadata: ["event": "inbox-back", "inbox": "\(config.inbox)"])
                queue.add([.scan("", reread: false)])
            } catch {
                logger.error("cannot watch the inbox yet; trying again", metadata: ["event": "watch-failed", "error": "\(error)"])
                await waitForInbox(mountPoint: false)
            }
        }
    }

    /// Says in status and the log that the inbox cannot be watched (`reason`), and that the
    /// index is kept meanwhile.
    private func reportInboxGone(_ reason: String) {
        let problem = "inbox gone: \(reason); the index is kept, and newsd watches again once \(config.inbox) is back"
        status.setInboxProblem(problem)
        logger.critical("the inbox can no longer be watched; keeping the index and waiting for the inbox to come back", metadata: [
            "event": "inbox-gone", "inbox": "\(config.inbox)", "error": "\(reason)",
        ])
    }

    /// Says at debug level what inotify reported, so that a file that never reached the index
    /// can be told apart from an event that never came.
    private static func logNoticed(_ events: [InboxEvent], _ logger: Logger) {
        let shown = 20
        let paths = events.prefix(shown).map { event -> String in
            switch event {
            case .changed(let path): path
            case .badName(let path, _, _): path
            case .directoryAppeared(let path), .directoryGone(let path), .unwatched(let path, _): path + "/"
            case .overflow: "(overflow)"
            case .inboxGone: "(inbox gone)"
            }
        }
        logger.debug("inotify reported changes", metadata: [
            "event": "noticed", "count": "\(events.count)",
            "paths": "\(paths.joined(separator: ", "))\(events.count > shown ? ", …" : "")",
        ])
    }

    /// Returns once the inbox folder exists again (and is a mount point, if it was one), or on cancellation.
    private func waitForInbox(mountPoint: Bool) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: Self.inboxPollInterval)
            // A stat of a folder on a network mount that went away can block for long: off the pool.
            let inbox = config.inbox
            if (try? await BlockingWork.run { InboxPresence.isPresent(inbox, asMountPoint: mountPoint) }) == true { return }
        }
    }

    /// How often a missing inbox is looked for.
    static let inboxPollInterval = Duration.seconds(1)

    /// Takes batches until the queue closes. A write that fails for lack of space is rolled
    /// back, its work put back in the queue, and retried with growing pauses; queries go on meanwhile.
    private func ingestLoop() async throws {
        var backoff = Duration.seconds(1)
        while let batch = await queue.next(limit: config.batchSize) {
            // Say what is going on before the first file is touched, so a status call never
            // sees "idle" with work already taken from the queue.
            let scans = batch.items.contains { if case .scan = $0 { true } else { false } }
            status.set(scans ? .reconciling : .indexing)
            status.setBusy(true)
            defer { status.setBusy(false) }
            do {
                try await writer.run { try self.process(batch) }
                if !scans { status.countIndexed(batch.items.count) }
                if status.writeProblem != nil {
                    logger.notice("writing to the index works again", metadata: ["event": "recovered"])
                    status.setWriteProblem(nil)
                }
                backoff = .seconds(1)
            } catch let error as IndexError {
                switch error {
                case .diskFull, .lockedByAnother, .writeFailed, .archiveUnavailable:
                    if status.writeProblem != error.description {
                        logger.error("cannot write to the index; retrying", metadata: ["event": "write-failed", "error": "\(error.description)"])
                    }
                    status.setWriteProblem(error.description)
                    queue.requeue(batch)
                    logger.debug("retrying the write after a pause", metadata: [
                        "event": "write-retry", "retry_in_seconds": "\(backoff.components.seconds)",
                    ])
                    await pause(for: backoff)
                    backoff = min(backoff * 2, .seconds(60))
                default:
                    throw DaemonError(message: error.description)
                }
            }
            status.endProgress()
            if queue.pendingCount == 0 {
                status.endBurst()
                alertsOwed.queueEmptied(alerts)
            }
            let merged = await mergeFullTextWhileNothingWaits()
            await placeStoriesWhileIdle()
            status.set(.idle)
            if merged { await consolidateFullTextWhileIdle() }
            // Not busy while compaction waits for its quiet spell: the heap is handed back meanwhile.
            status.setBusy(false)
            await compactTextWhileIdle()
        }
    }

    /// How often a retry's pause beats the watchdog's heart: often enough that even a stall
    /// limit under a second never falls between two beats.
    static let pauseBeat = Duration.milliseconds(250)

    /// Waits before a retry: ends early when newsd stops, and beats the watchdog's heart
    /// meanwhile (waiting out a full disk is the loop's work, not a stall).
    private func pause(for duration: Duration) async {
        let until = ContinuousClock.now + duration
        while ContinuousClock.now < until && !queue.isClosed && !Task.isCancelled && !Task.isShuttingDownGracefully {
            status.beat()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: min(Self.pauseBeat, until - .now)) }
        }
    }

    /// Places new articles in stories while no file waits: bulk ingest never waits for stories,
    /// and a single new article is placed milliseconds after it became searchable. A file that
    /// arrives meanwhile ends the running transaction after its current article, so it waits
    /// about one article's placement and the transaction's commit; how long transactions run
    /// is `PlacementPace`'s choice.
    private func placeStoriesWhileIdle() async {
        // A file that follows closely (drops one after another, a copy saved twice) goes first:
        // it would otherwise wait for a placement transaction that is already running.
        let index = self.index
        guard await writer.run({ index.hasUnplacedArticles }) else { return }
        // A file arriving meanwhile ends the wait at once and is taken first.
        if await queue.waitForWork(timeout: Self.placementDelay) { return }
        var placed = 0
        let started = ContinuousClock.now
        var reported = started
        // Stops at once on shutdown: unplaced articles are placed after the next start.
        while nothingWaits {
            status.set(.placing)
            do {
                let queue = self.queue
                let pace = PlacementPace.at(.now, lastGaveWay: placementGaveWay.withLock { $0 })
                let surveys = placementSurveys
                let count = try await writer.run {
                    try index.placeStories(limit: pace.articles, budget: Self.placementBudget, flushEvery: pace.flushEvery,
                                           forecastOn: { surveys.submit($0) }) {
                        queue.pendingCount > 0 || queue.isPaused || queue.isClosed
                    }
                }
                status.beat()
                if count == 0 { break }
                if queue.pendingCount > 0 { placementGaveWay.withLock { $0 = .now } }
                placed += count
                // A long placement (after a bulk load) says it is moving, so that a log read
                // while it runs tells a slow placement from a stalled one.
                if ContinuousClock.now - reported >= Self.placementProgressEvery {
                    reported = .now
                    logger.debug("placing articles in stories", metadata: [
                        "event": "stories-placing", "count": "\(placed)", "seconds": "\(DaemonStatus.seconds(reported - started))",
                    ])
                }
            } catch {
                logger.error("cannot place articles in stories; will try again after the next change",
                             metadata: ["event": "story-failed", "error": "\(error)"])
                break
            }
        }
        if placed > 0 {
            logger.debug("placed articles in stories", metadata: [
                "event": "stories-placed", "count": "\(placed)", "seconds": "\(DaemonStatus.seconds(ContinuousClock.now - started))",
            ])
        }
    }

    /// Merges the full-text index's small segments while no file waits, a few milliseconds per
    /// step, so that later single-file writes do not pay for it (see `ArticleIndex.mergeFullText`).
    /// Done before stories are placed: files dropped while a bulk load's stories are placed
    /// would otherwise add small segments to the load's last ones until FTS5 merges them all
    /// at once, inside one of those files' writes. Status still says what the loop last did:
    /// merging changes no search result. Returns false when it could not merge (then
    /// consolidating would fail as well).
    private func mergeFullTextWhileNothingWaits() async -> Bool {
        // While writes fail (disk full), the ingest loop's retries say so; merging would only fail again.
        guard status.writeProblem == nil else { return false }
        let index = self.index
        do {
            let steps = try await stepWhileNothingWaits { try index.mergeFullText(pages: Self.mergePages) }
            if steps > 0 { logger.debug("merged full-text segments", metadata: ["event": "fulltext-merged", "steps": "\(steps)"]) }
        } catch {
            logger.error("cannot merge the full-text index's segments; will try again after the next change",
                         metadata: ["event": "merge-failed", "error": "\(error)"])
            return false
        }
        return true
    }

    /// Rewrites the full-text index as one segment while no file waits, when it has grown enough
    /// since it last was one (`ArticleIndex.fullTextWantsConsolidating`): after a bulk load,
    /// searches read each term from one segment instead of from each of several.
    private func consolidateFullTextWhileIdle() async {
        let index = self.index
        let started = ContinuousClock.now
        let steps: Int
        do {
            guard nothingWaits, try await writer.run({ try index.fullTextWantsConsolidating() }) else { return }
            steps = try await stepWhileNothingWaits { try index.consolidateFullText(pages: Self.consolidationPages) }
        } catch {
            logger.error("cannot rewrite the full-text index as one segment; will try again after the next change",
                         metadata: ["event": "consolidate-failed", "error": "\(error)"])
            return
        }
        guard steps > 0 else { return }
        let finished = nothingWaits
        logger.info(finished ? "rewrote the full-text index as one segment" : "paused rewriting the full-text index as one segment for new files",
                    metadata: ["event": "fulltext-consolidated", "steps": "\(steps)", "finished": "\(finished)",
                               "seconds": "\(DaemonStatus.seconds(ContinuousClock.now - started))"])
    }

    /// Whether idle work may go on: no file waits, and ingest is neither paused nor closing.
    private var nothingWaits: Bool { queue.pendingCount == 0 && !queue.isPaused && !queue.isClosed }

    /// Runs `step` on the writer, one transaction at a time, while nothing waits and until it
    /// returns false; returns how many steps did work. Each step feeds the watchdog.
    private func stepWhileNothingWaits(_ step: @escaping @Sendable () throws -> Bool) async throws -> Int {
        var steps = 0
        while nothingWaits {
            guard try await writer.run(step) else { break }
            status.beat()
            steps += 1
        }
        return steps
    }

    /// Trains the archive's first (or next) dictionary for stored text as soon as it is due, on
    /// the writer's thread after each write, even in the middle of a bulk load: text stored after
    /// it needs no recompressing.
    private func trainTextDictionaryIfDue() {
        do {
            log(try index.trainTextDictionaryIfDue())
        } catch IndexError.stopping {
            // Trained after the next start.
        } catch {
            logger.error("cannot train a compression dictionary for stored text; will try again after the next change",
                         metadata: ["event": "text-dictionary-failed", "error": "\(error)"])
        }
    }

    /// Recompresses text stored before the newest dictionary, in small steps, while no file waits.
    /// Nothing is urgent about it, so it waits for a quiet spell longer than the one after which
    /// `MaintenanceService` checkpoints and hands memory back: a bulk load's heap is returned
    /// first, instead of being held until the pass ends.
    private func compactTextWhileIdle() async {
        guard status.writeProblem == nil else { return }
        // Waiting first keeps the check off the path of every batch: a burst never reaches it.
        if await queue.waitForWork(timeout: Self.compactionDelay) { return }
        let index = self.index
        guard await writer.run({ index.hasTextToCompact }) else { return }
        var rewritten = 0
        var unreadable = 0
        var copies = (examined: 0, stored: 0, fingerprints: 0)
        defer {
            if copies.examined > 0 {
                logger.info("stored copies as their differences from the texts and fingerprints they copy", metadata: [
                    "event": "copies-stored", "examined": "\(copies.examined)", "stored": "\(copies.stored)",
                    "fingerprints": "\(copies.fingerprints)",
                ])
            }
        }
        while nothingWaits {
            do {
                let index = self.index
                // Busy for the step alone, so that the watchdog watches it and nothing else waits on it.
                status.setBusy(true)
                defer { status.setBusy(false) }
                let step = try await writer.run { try index.compactText() }
                status.beat()
                switch step {
                case .none: return
                case .recompressed(let texts, let skipped, let finished):
                    rewritten += texts
                    unreadable += skipped
                    if finished {
                        logger.info("recompressed stored text with the newest dictionary, as tightly as idle time allows", metadata: [
                            "event": "text-recompressed", "texts": "\(rewritten)", "unreadable": "\(unreadable)",
                        ])
                        if unreadable > 0 {
                            logger.warning("some stored texts could not be read while recompressing; they and the dictionaries they may need are kept", metadata: [
                                "event": "text-unreadable", "count": "\(unreadable)",
                                "hint": "to store them again, stop newsd, move the index file aside and start newsd: it rebuilds the index from the inbox",
                            ])
                        }
                        rewritten = 0
                        unreadable = 0
                    }
                case .copiesStored(let examined, let stored, let fingerprints):
                    copies.examined += examined
                    copies.stored += stored
                    copies.fingerprints += fingerprints
                default: log(step)
                }
            } catch IndexError.stopping {
                return
            } catch {
                logger.error("cannot compact stored text (recompressing it, storing copies as differences, or rewriting the file); will try again after the next change",
                             metadata: ["event": "text-recompress-failed", "error": "\(error)"])
                return
            }
        }
    }

    private func log(_ step: TextCompaction) {
        switch step {
        case .trained(let bytes, let samples, let articles):
            logger.info("trained a compression dictionary on the archive's own articles; new text is stored with it", metadata: [
                "event": "text-dictionary-trained", "dictionary_bytes": "\(bytes)", "samples": "\(samples)", "articles": "\(articles)",
            ])
        case .declined(let articles):
            logger.notice("the archive's text gave no compression dictionary yet; trying again when it has doubled", metadata: [
                "event": "text-dictionary-declined", "articles": "\(articles)",
            ])
        case .rewritten(let before, let after, let reason):
            let why = switch reason {
            case .copiesStored: "the room copies stored as differences freed"
            case .slack: "the room left unused in its pages"
            }
            logger.info("rewrote the index file to give back \(why)", metadata: [
                "event": "index-rewritten", "reason": "\(reason.rawValue)", "bytes_before": "\(before)", "bytes_after": "\(after)",
            ])
        case .none, .recompressed, .copiesStored: break
        }
    }

    /// Leaf pages per merge step: about 2–4 ms of writing on 2 cores.
    static let mergePages = 16
    /// Leaf pages per step of `consolidateFullTextWhileIdle`: as small as a merge step, so that a
    /// file dropped meanwhile waits no longer.
    static let consolidationPages = 16
    /// How often a running placement logs its progress (at debug level).
    static let placementProgressEvery = Duration.seconds(5)

    /// Quiet time before stored text is recompressed: past `MaintenanceService.quietTime` and its tick.
    static let compactionDelay = MaintenanceService.quietTime * 2

    /// Quiet time after ingest before stories are placed.
    static let placementDelay = Duration.milliseconds(30)
    /// The longest one placement transaction runs (see `PlacementPace` for the most articles it
    /// places). A file that arrives meanwhile ends it after the article being placed, so the
    /// budget bounds only how long the watchdog's heartbeat and `status` see one transaction.
    static let placementBudget = Duration.milliseconds(3000)
    /// Paths whose recorded stamps one lookup of `handle` reads.
    static let stampLookupSlice = 128
    /// Entries of a scan read ahead of the writer, in chunks of `batch_size`: two chunks of the
    /// default size. With one chunk the readers had nothing to do whenever they finished the
    /// next before the writer finished its own, and the writer then had one core of two; with
    /// two they go on to the one after. A larger `batch_size` reads one chunk ahead, as before,
    /// so that what waits in memory never grows past what a chunk of it holds.
    static let entriesReadAhead = 2000

    /// Chunks of `chunkSize` entries read ahead (see `entriesReadAhead`).
    static func chunksReadAhead(chunkSize: Int) -> Int { max(1, entriesReadAhead / max(1, chunkSize)) }

    private func process(_ batch: IngestQueue.Batch) throws {
        // While the inbox is gone, what stands at its path (nothing, or an empty mount point) is
        // not the inbox: nothing is compared with it. The reconciliation when it is back covers
        // whatever this batch asked for.
        if let problem = status.inboxProblem {
            logger.debug("not looking at the inbox while it is gone", metadata: ["event": "skipped", "error": "\(problem)", "items": "\(batch.items.count)"])
            return
        }
        var paths: [String] = []
        var nameChanges: [IndexChange] = []
        for item in batch.items {
            switch item {
            case .scan(let subtree, let reread):
                try scan(subtree, reread: reread)
            case .path(let path):
                paths.append(path)
            case .badName(let path):
                guard let (problem, present) = batch.badNames[path] else { continue }
                nameChanges.append(present
                    ? .failed(path: path, stamp: FileStamp(inode: 0, size: 0, mtimeNs: 0), code: "bad-name", reason: problem)
                    : .remove(path: path))
            }
        }
        if !paths.isEmpty || !nameChanges.isEmpty { try handle(paths: paths, extra: nameChanges) }
        trainTextDictionaryIfDue()
    }

    /// Compares a subtree of the inbox (`""`: all of it) with the index: new and changed files
    /// are indexed, entries whose file is gone are removed. Unchanged files cost one lstat each;
    /// `reread` reads every file again (reindex).
    private func scan(_ subtree: String, reread asked: Bool) throws {
        status.set(.reconciling)
        // A whole-inbox scan reads every file again when the archive's readings of them are
        // an older build's that only the files can renew (a shared archive after an upgrade).
        let reread = try asked || (subtree.isEmpty && index.readByOlderAnalysis())
        if reread && !asked {
            logger.notice("this host's articles were read by an older newsd; reading every inbox file again to renew their dates and fingerprints",
                          metadata: ["event": "reread-older-analysis", "analysis": "\(ArticleAnalyzer.version)"])
        }
        let started = ContinuousClock.now
        // Reading what the index knows and listing the inbox take seconds each for hundreds of
        // thousands of files (a rescan after an inotify overflow); both say they are moving.
        let status = self.status
        let beat: @Sendable () -> Void = { status.beat() }
        var known = try index.knownStamps(under: subtree, onProgress: beat)
        let listing = InboxTree.walk(root: config.inbox, subtree: subtree, onProgress: beat)
        var pending: [IndexChange] = []
        // Folders that cannot be listed keep their articles, and are failures of their own.
        let folderStamp = FileStamp(inode: 0, size: 0, mtimeNs: 0)
        let recordedFolders = try index.knownStamps(for: [subtree] + Array(listing.unreadable.keys))
        for (folder, error) in listing.unreadable {
            known.removeValue(forKey: folder)
            if error.isTransient {
                if error.code != "inbox-gone" { retryLater(.scan(subtree, reread: reread), error) }
                continue
            }
            guard !folder.isEmpty else {
                logger.error("cannot list the inbox; its articles stay as they were",
                             metadata: ["event": "unreadable-folder", "article_path": ".", "error": "\(error.description)"])
                continue
            }
            if recordedFolders[folder] == nil {
                pending.append(.failed(path: folder, stamp: folderStamp, code: error.code,
                                       reason: "the folder cannot be listed: \(error.description); the articles below it stay indexed as they were"))
            }
        }
        // A folder that can be listed again is no longer a failure (a full scan finds that below).
        if !subtree.isEmpty && recordedFolders[subtree] != nil && listing.directories.contains(subtree) {
            pending.append(.remove(path: subtree))
        }
        status.beginProgress(total: listing.entries.count)
        let reader = self.reader
        let config = self.config
        var totals: [AppliedChange.Outcome: Int] = [:]
        func flush() throws {
            for change in try applyAndAnnounce(pending, moreFollows: true) {
                totals[change.outcome, default: 0] += 1
                log(change, quietly: true)
            }
            pending.removeAll(keepingCapacity: true)
            trainTextDictionaryIfDue()
        }
        // Read ahead of the writer, on every core (see ParallelReader).
        let parallel = ParallelReader(reader: reader, onEach: beat)
        let chunkSize = max(1, config.batchSize)
        var chunks = stride(from: 0, to: listing.entries.count, by: chunkSize).map { start in
            beat()
            return listing.entries[start..<min(start + chunkSize, listing.entries.count)].map {
                ParallelReader.Entry(path: $0, known: known.removeValue(forKey: $0))
            }
        }.makeIterator()
        var ahead: [ParallelReader.Prefetch] = []
        func readAhead() {
            while ahead.count < Self.chunksReadAhead(chunkSize: chunkSize), let chunk = chunks.next() { ahead.append(parallel.prefetch(chunk, reread: reread)) }
        }
        readAhead()
        while !ahead.isEmpty {
            if queue.isClosed { break }
            let readings = ahead.removeFirst().wait()
            readAhead()
            for reading in readings {
                switch reading {
                case .change(let change)?: pending.append(change)
                case .retry(let path, let error)?: retryLater(.path(path), error)
                case nil: break
                }
            }
            status.advanceProgress(by: readings.count)
            if pending.count >= config.batchSize { try flush() }
        }
        for (path, problem) in listing.badNames where known.removeValue(forKey: path) == nil {
            pending.append(.failed(path: path, stamp: FileStamp(inode: 0, size: 0, mtimeNs: 0), code: "bad-name", reason: problem))
        }
        // Whatever the index knows and the inbox no longer holds is gone, except below folders
        // that could not be listed: those keep their articles until they can be read again.
        if !queue.isClosed {
            for path in known.keys where !listing.unreadable.keys.contains(where: { $0.isEmpty || path.hasPrefix($0 + "/") }) {
                pending.append(.remove(path: path))
                if pending.count >= config.batchSize { try flush() }
            }
        }
        try flush()
        if reread && subtree.isEmpty && !queue.isClosed { try index.recordAnalysis() }
        logger.info(reread ? "reindexed inbox" : "reconciled inbox with index", metadata: [
            "event": "\(reread ? "reindexed" : "reconciled")",
            "subtree": "\(subtree.isEmpty ? "." : subtree)",
            "files_seen": "\(listing.entries.count)",
            "indexed": "\(totals[.indexed, default: 0])",
            "duplicates": "\(totals[.duplicate, default: 0])",
            "removed": "\(totals[.removed, default: 0])",
            "failed": "\(totals[.failed, default: 0])",
            "seconds": "\(DaemonStatus.seconds(ContinuousClock.now - started))",
        ])
    }

    /// Handles paths reported by inotify: each is looked at on disk as it is now.
    private func handle(paths: [String], extra: [IndexChange]) throws {
        status.set(.indexing)
        let status = self.status
        // Looked up a slice at a time, each a sign of progress: at background priority on a busy
        // machine, a thousand lookups can outlast the watchdog's stall limit.
        var known: [String: FileStamp] = [:]
        for start in stride(from: 0, to: paths.count, by: Self.stampLookupSlice) {
            known.merge(try index.knownStamps(for: Array(paths[start..<min(start + Self.stampLookupSlice, paths.count)]))) { $1 }
            status.beat()
        }
        var changes = extra
        // A burst of drops is read on every core, as a scan is.
        let readings = ParallelReader(reader: reader, onEach: { status.beat() })
            .changes(for: paths.map { ParallelReader.Entry(path: $0, known: known[$0]) }, reread: true)
        for (path, reading) in zip(paths, readings) {
            switch reading {
            case .change(let change)?:
                changes.append(change)
                retries.withLock { _ = $0.removeValue(forKey: .path(path)) }
            case .retry(let path, let error)?:
                retryLater(.path(path), error)
            case nil:
                break
            }
        }
        guard !changes.isEmpty else { return }
        let started = ContinuousClock.now
        let applied = try applyAndAnnounce(changes, moreFollows: queue.pendingCount > 0)
        logger.debug("wrote a batch in one transaction", metadata: [
            "event": "batch", "files": "\(changes.count)", "seconds": "\(DaemonStatus.seconds(ContinuousClock.now - started))",
        ])
        for change in applied { log(change, quietly: false) }
    }

    /// Writes one transaction, matching its new articles against alerts and watches; then hands
    /// the watches their matches and tells the alert announcer (`moreFollows`: the transaction
    /// is one of a burst, such as a scan's).
    private func applyAndAnnounce(_ changes: [IndexChange], moreFollows: Bool) throws(IndexError) -> [AppliedChange] {
        let clock = LocalClock.queryClock()
        let batch = try index.apply(changes, now: clock.now, clock: clock, watches: watches.standingQueries)
        if !batch.watchMatches.isEmpty, let watchIndex = index.watchIndex {
            for failure in watches.publish(batch.watchMatches, index: watchIndex) {
                logger.warning("cannot read the new articles a watch matched; it misses them", metadata: [
                    "event": "watch-failed", "articles": "\(failure.articles)", "error": "\(failure.error)",
                ])
            }
        }
        if batch.alertMatches > 0 { alertsOwed.recorded(queueEmpty: !moreFollows, alerts) }
        return batch.changes
    }

    /// Looks at `item` again after a pause that grows with each attempt (1 s to 60 s): it failed
    /// for a reason that says nothing about the file (out of descriptors or memory), so nothing
    /// is recorded, and `reconcile` or a restart would try it too.
    private func retryLater(_ item: IngestQueue.Item, _ error: FileReadError) {
        let attempt = retries.withLock { attempts -> Int in
            attempts[item, default: 0] += 1
            return attempts[item]!
        }
        let delay = Duration.seconds(1 << min(attempt - 1, 6)) > .seconds(60) ? .seconds(60) : Duration.seconds(1 << min(attempt - 1, 6))
        var metadata: Logger.Metadata = ["event": "retry", "error": "\(error.description)", "attempt": "\(attempt)", "retry_in_seconds": "\(delay.components.seconds)"]
        if case .path(let path) = item { metadata["article_path"] = "\(path)" }
        if case .scan(let folder, _) = item { metadata["article_path"] = "\(folder.isEmpty ? "." : folder)" }
        logger.warning("cannot read from the inbox now; trying again", metadata: metadata)
        let queue = self.queue
        Task {
            try? await Task.sleep(for: delay)
            queue.add([item])
        }
    }

    /// Folders inotify could not watch are compared with the index on a timer instead.
    private func rescanUnwatchedFolders() async throws {
        while !Task.isCancelled {
            try await Task.sleep(for: .seconds(config.rescanIntervalSeconds))
            let folders = queue.unwatchedFolders.keys
            if !folders.isEmpty { queue.add(folders.map { .scan($0, reread: false) }) }
        }
    }

    private func log(_ change: AppliedChange, quietly: Bool) {
        var metadata: Logger.Metadata = ["event": "\(change.outcome.rawValue)", "article_path": "\(change.path)"]
        if let id = change.articleId { metadata["article_id"] = "\(id)" }
        if let encoding = change.encoding, encoding != TextEncoding.utf8.rawValue { metadata["encoding"] = "\(encoding)" }
        switch change.outcome {
        case .failed where change.failure?.code == ArticleIndex.ignoredCode:
            metadata["event"] = "ignored"
            if let failure = change.failure { metadata["reason"] = "\(failure.reason)" }
            logger.info("not an article format; recorded as ignored", metadata: metadata)
        case .failed:
            if let failure = change.failure { metadata["error"] = "\(failure.reason)"; metadata["error_code"] = "\(failure.code)" }
            logger.warning("cannot index file", metadata: metadata)
        case .unchanged:
            logger.debug("file unchanged", metadata: metadata)
        default:
            if change.encoding != nil && change.encoding != TextEncoding.utf8.rawValue {
                logger.notice("indexed a file that is not UTF-8, decoded as \(change.encoding!)", metadata: metadata)
            } else if quietly {
                logger.debug("\(change.outcome.rawValue)", metadata: metadata)
            } else {
                logger.info("\(change.outcome.rawValue)", metadata: metadata)
            }
        }
    }
}

/// A fatal daemon error, with a message a user can act on.
public struct DaemonError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
