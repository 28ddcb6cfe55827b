import Foundation
import Logging
import NewsCore
import NewsIndex
import NewsSystem
import ServiceLifecycle

/// Keeps the index equal to the inbox: compares both at start, then follows inotify events,
/// writing each batch of changes in one transaction through the index's single writer.
final class IngestService: Service {
    private let config: DaemonConfig
    private let index: ArticleIndex
    private let status: DaemonStatus
    private let queue: IngestQueue
    private let logger: Logger
    private let reader: ChangeReader

    init(config: DaemonConfig, index: ArticleIndex, status: DaemonStatus, queue: IngestQueue, logger: Logger) {
        self.config = config
        self.index = index
        self.status = status
        self.queue = queue
        self.logger = logger
        self.reader = ChangeReader(inbox: config.inbox, policy: config.namePolicy, maxFileBytes: config.maxFileBytes)
    }

    func run() async throws {
        // Watch first, then scan: a file dropped during the scan is seen by one or the other.
        let watcher: InboxWatcher
        do {
            watcher = try InboxWatcher(directory: config.inbox)
        } catch {
            throw DaemonError(message: error.description)
        }
        let queue = self.queue
        watcher.start { events in queue.push(events) }
        defer { watcher.stop() }
        queue.requestRescan()

        try await withGracefulShutdownHandler {
            while let batch = await queue.next(limit: config.batchSize) {
                if batch.rescan { try reconcile() }
                if !batch.names.isEmpty { try handle(names: batch.names) }
                if status.current == .indexing || status.current == .starting { status.set(.watching) }
            }
        } onGracefulShutdown: {
            // The batch in progress finishes its transaction; then the loop sees the closed queue.
            queue.close()
        }
    }

    /// Compares the whole inbox with the index: new and changed files are indexed,
    /// entries whose file is gone are removed. Unchanged files cost one lstat each.
    private func reconcile() throws {
        status.set(.indexing)
        let started = ContinuousClock.now
        var known = try index.knownStamps()
        let names: [String]
        do {
            names = try ArticleFileReader.list(directory: config.inbox)
        } catch {
            logger.error("cannot list the inbox", metadata: ["event": "reconcile-failed", "error": "\(error.description)"])
            return
        }
        var totals: [AppliedChange.Outcome: Int] = [:]
        var pending: [IndexChange] = []
        func flush() throws {
            for change in try index.apply(pending, now: Date().timeIntervalSince1970) {
                totals[change.outcome, default: 0] += 1
                log(change, quietly: true)
            }
            pending.removeAll(keepingCapacity: true)
        }
        for name in names {
            if queue.isClosed { break }
            let stamp = known.removeValue(forKey: name)
            if let change = reader.change(for: name, known: stamp) { pending.append(change) }
            if pending.count >= config.batchSize { try flush() }
        }
        // Whatever the index knows and the inbox no longer holds is gone.
        if !queue.isClosed {
            for name in known.keys where ArticleFileReader.kind(of: config.inbox + "/" + name) == .missing {
                pending.append(.remove(path: name))
                if pending.count >= config.batchSize { try flush() }
            }
        }
        try flush()
        let elapsed = ContinuousClock.now - started
        logger.info("reconciled inbox with index", metadata: [
            "event": "reconciled",
            "files_seen": "\(names.count)",
            "indexed": "\(totals[.indexed, default: 0])",
            "duplicates": "\(totals[.duplicate, default: 0])",
            "removed": "\(totals[.removed, default: 0])",
            "failed": "\(totals[.failed, default: 0])",
            "seconds": "\(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)",
        ])
    }

    /// Handles names reported by inotify: each is looked at on disk as it is now.
    private func handle(names: [String]) throws {
        let known = try index.knownStamps(for: names)
        var changes: [IndexChange] = []
        for name in names {
            if !config.namePolicy.isArticle(name) && !config.namePolicy.isIgnored(name) && known[name] == nil {
                logger.info("ignoring a file that is not a .txt article", metadata: ["event": "ignored", "article_path": "\(name)"])
            }
            if let change = reader.change(for: name, known: known[name], reread: true) { changes.append(change) }
        }
        guard !changes.isEmpty else { return }
        for change in try index.apply(changes, now: Date().timeIntervalSince1970) {
            log(change, quietly: false)
        }
    }

    private func log(_ change: AppliedChange, quietly: Bool) {
        var metadata: Logger.Metadata = ["event": "\(change.outcome.rawValue)", "article_path": "\(change.path)"]
        if let id = change.articleId { metadata["article_id"] = "\(id)" }
        switch change.outcome {
        case .failed:
            logger.warning("cannot index file", metadata: metadata.merging(failureMetadata(change.path)) { $1 })
        case .unchanged:
            logger.debug("file unchanged", metadata: metadata)
        default:
            if quietly { logger.debug("\(change.outcome.rawValue)", metadata: metadata) }
            else { logger.info("\(change.outcome.rawValue)", metadata: metadata) }
        }
    }

    private func failureMetadata(_ path: String) -> Logger.Metadata {
        guard let failure = try? index.failure(path: path) else { return [:] }
        return ["error": "\(failure.reason)", "error_code": "\(failure.code)"]
    }
}

/// A fatal daemon error, with a message a user can act on.
public struct DaemonError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
