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
    static func open(_ path: String, logger: Logger) throws -> ArticleIndex {
        do {
            return try ArticleIndex(path: path)
        } catch {
            let detail: String
            switch error {
            case .corrupt(_, let reason): detail = reason
            // Something that exists but cannot be opened as a database (a folder, an unreadable
            // file) is treated like a damaged one: the inbox can rebuild it.
            case .cannotOpen(_, let reason) where FileManager.default.fileExists(atPath: path): detail = reason
            default: throw DaemonError(message: error.description)
            }
            do {
                let aside = try ArticleIndex.moveAside(path)
                logMovedAside(detail: detail, aside: aside, logger: logger)
                return try ArticleIndex(path: path)
            } catch {
                throw DaemonError(message: "the index \(path) is damaged (\(detail)) and cannot be replaced: \(error)")
            }
        }
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
                logMovedAside(detail: detail, aside: try index.replaceDamaged(), logger: logger)
            } catch {
                throw DaemonError(message: "the index \(index.path) is damaged (\(detail)) and cannot be replaced: \(error)")
            }
        }
    }

    private static func logMovedAside(detail: String, aside: String, logger: Logger) {
        logger.error("the index database was damaged; moved it aside and rebuilding it from the inbox", metadata: [
            "event": "index-corrupt", "error": "\(detail)", "moved_to": "\(aside)",
        ])
    }
}
