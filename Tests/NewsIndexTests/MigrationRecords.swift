import Foundation
import GRDB
@testable import NewsIndex

/// For tests that take an index back to an older schema: the migrations that follow one are
/// unrecorded with it (newsd runs the missing ones in order, and GRDB refuses to run one that a
/// recorded later one follows). Each later migration then runs again on what the test left; one
/// that would change its own output again is undone first (`undo`).
enum MigrationRecords {
    static func unrecord(from identifier: String, _ db: Database) throws {
        let all = IndexSchema.migrator.migrations
        guard let first = all.firstIndex(of: identifier) else { preconditionFailure("no migration \(identifier)") }
        let applied = try IndexSchema.migrator.appliedIdentifiers(db)
        for migration in all[first...].reversed() where applied.contains(migration) {
            if let sql = undo[migration] { try db.execute(sql: sql) }
        }
        let later = String(decoding: try JSONEncoder().encode(Array(all[first...])), as: UTF8.self)
        try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier IN (SELECT value FROM json_each(?))", arguments: [later])
    }

    /// SQL that puts back the data of a migration that cannot run twice.
    static let undo: [String: String] = [
        "v25-undated-story-keys-filed-at-zero": undoUndatedAtZero,
        "v26-copies-fingerprints-as-differences": undoFingerprintDifferences,
    ]

    /// Every fingerprint stored whole, and what v26 added gone.
    static let undoFingerprintDifferences = """
        UPDATE article_fingerprint
        SET bytes = \(FingerprintCodec.wholeFunction)(bytes, (SELECT b.bytes FROM article_fingerprint b WHERE b.id = article_fingerprint.base)),
            base = NULL
        WHERE base IS NOT NULL;
        DROP VIEW article_fingerprint_whole;
        DROP TRIGGER article_fingerprint_base_rewritten;
        DROP TRIGGER article_fingerprint_base_removed;
        DROP INDEX article_fingerprint_base;
        ALTER TABLE article_fingerprint DROP COLUMN base;
        """

    /// Story keys filed as before v25: undated at -1,000,000, published days as they are.
    static let undoUndatedAtZero = "UPDATE story_key SET day = CASE WHEN day = 0 THEN -1000000 WHEN day > 0 THEN day - 1 ELSE day END"
}
