import Foundation
import Logging
import NewsIndex
import NewsSystem

/// Opening an index written by an older newsd: its schema is brought up to date first, which may
/// rewrite every row, in time proportional to the archive. The
/// upgrade is logged when it starts and ends, says so in systemd's status line, and keeps the
/// start timeout from running out while it moves (`StartTimeoutExtension`).
enum IndexUpgrade {
    /// Runs `open` (given the upgrade's progress callback, nil when nothing is to upgrade).
    static func opening<T>(_ path: String, logger: Logger, _ open: ((@Sendable () -> Void)?) throws -> T) throws -> T {
        let pending = ArticleIndex.pendingMigrations(path: path)
        guard let last = pending.last else { return try open(nil) }
        logger.notice("upgrading the index to newsd's schema; it answers once this is done", metadata: [
            "event": "index-upgrade", "path": "\(path)", "steps": "\(pending.count)", "schema": "\(last)",
        ])
        let started = ContinuousClock.now
        let timeout = StartTimeoutExtension(status: "upgrading the index (\(pending.count) schema steps)", notifier: SystemdNotifier())
        defer { timeout.end() }
        let opened = try open(timeout.progress)
        logger.notice("upgraded the index", metadata: [
            "event": "index-upgraded", "schema": "\(last)", "seconds": "\(DaemonStatus.seconds(ContinuousClock.now - started))",
        ])
        return opened
    }
}
