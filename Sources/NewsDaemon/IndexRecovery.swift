import Foundation
import Logging
import NewsIndex

/// What newsd does with a damaged index at start: the inbox holds the truth, so a damaged
/// database is moved aside (never deleted, so it can be inspected) and rebuilt from the inbox.
/// One written by a newer newsd is refused, never overwritten.
///
/// Two steps, so that READY does not wait in proportion to the index size: `open` catches a file
/// that is not a database at all; `verify` reads every page after READY, before ingest writes.
enum IndexRecovery {
    /// Opens the index, replacing it with an empty one if the file cannot be read as a database.
    /// `source`: what refills it (the inbox, or for a shared archive's placer, the archive).
    /// `upgradeProgress`: see `ArticleIndex.init(path:upgradeProgress:)`.
    static func open(_ path: String, refilledFrom source: String = "the inbox", upgradeProgress: (@Sendable () -> Void)? = nil,
                     logger: Logger) throws -> ArticleIndex {
        do {
            return try ArticleIndex(path: path, upgradeProgress: upgradeProgress)
        } catch {
            let detail: String
            switch error {
            case .corrupt(_, let reason): detail = reason
            // Something at the index's path that is not a file at all (a folder) holds no index:
            // moving it aside loses nothing. A file that cannot be opened (permissions, a full
            // disk during a migration) is not proven damaged, and is never moved.
            case .cannotOpen(_, let reason) where Self.isPresentButNotAFile(path): detail = reason
            case .cannotOpen:
                throw DaemonError(message: "\(error.description). newsd leaves the file as it is: fix the cause and start newsd again")
            default: throw DaemonError(message: error.description)
            }
            do {
                let aside = try ArticleIndex.moveAside(path)
                logMovedAside(detail: detail, aside: aside, source: source, logger: logger)
                return try ArticleIndex(path: path)
            } catch {
                throw DaemonError(message: "the index \(path) is damaged (\(detail)) and cannot be replaced: \(error)")
            }
        }
    }

    private static func isPresentButNotAFile(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT != S_IFREG
    }

    /// Checks every page of the index; a damaged one is replaced with an empty one, which the
    /// start-up reconciliation then fills from the inbox.
    static func verify(_ index: ArticleIndex, logger: Logger) throws {
        let started = ContinuousClock.now
        do {
            try index.verify()
            logger.debug("checked the index", metadata: [
                "event": "index-checked", "seconds": "\(DaemonStatus.seconds(ContinuousClock.now - started))",
            ])
        } catch {
            guard case .corrupt(_, let detail) = error else { throw DaemonError(message: error.description) }
            do {
                logMovedAside(detail: detail, aside: try index.replaceDamaged(), source: "the inbox", logger: logger)
            } catch {
                throw DaemonError(message: "the index \(index.path) is damaged (\(detail)) and cannot be replaced: \(error)")
            }
        }
    }

    private static func logMovedAside(detail: String, aside: String, source: String, logger: Logger) {
        logger.error("the index database was damaged; moved it aside and rebuilding it from \(source)", metadata: [
            "event": "index-corrupt", "error": "\(detail)", "moved_to": "\(aside)",
        ])
    }
}
