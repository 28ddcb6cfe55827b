import Foundation
import GRDB
@testable import NewsIndex
import TestSupport

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
            try undo[migration]?(db)
        }
        let later = String(decoding: try JSONEncoder().encode(Array(all[first...])), as: UTF8.self)
        try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier IN (SELECT value FROM json_each(?))", arguments: [later])
    }

    /// What puts back the data of a migration that cannot run twice.
    static let undo: [String: @Sendable (Database) throws -> Void] = [
        "v25-undated-story-keys-filed-at-zero": { try $0.execute(sql: undoUndatedAtZero) },
        "v26-copies-fingerprints-as-differences": { try $0.execute(sql: undoFingerprintDifferences) },
        "v27-story-keys-packed-per-day": undoPackedStoryKeys,
        "v28-article-days": { try $0.execute(sql: OlderSchemas.articleDaysAsText) },
        "v29-status-failure-tallies": undoFailureTallies,
        "v32-article-day-changes": {
            try $0.execute(sql: "DROP TRIGGER article_day_set; DROP TRIGGER article_day_removed; DROP TABLE article_day_change")
        },
        "v33-story-changes": {
            try $0.execute(sql: """
                DROP TRIGGER story_membership_set; DROP TRIGGER story_membership_removed; DROP TABLE story_membership_change;
                DROP TRIGGER story_outlets_set; DROP TRIGGER story_outlets_removed; DROP TRIGGER story_outlets_added; DROP TABLE story_outlets_change;
                """)
        },
        "v34-arrival-changes": {
            try $0.execute(sql: "DROP TRIGGER article_arrival_set; DROP TRIGGER article_arrival_removed; DROP TABLE article_arrival_change")
        },
    ]

    /// The failure and ignored counts gone, with the triggers that keep them, as before v29.
    static func undoFailureTallies(_ db: Database) throws {
        for trigger in ["failure_insert", "failure_delete", "failure_code", "container_insert", "container_delete", "container_skipped"] {
            try db.execute(sql: "DROP TRIGGER tally_\(trigger)")
        }
        try db.execute(sql: "DELETE FROM tally WHERE kind IN ('failed', 'ignored')")
    }

    /// Story keys one row per entry again, as before v27.
    static func undoPackedStoryKeys(_ db: Database) throws {
        let entries = try StoryKeyEntries.all(db)
        try db.execute(sql: """
            DROP TABLE story_key;
            CREATE TABLE story_key (
                key INTEGER NOT NULL,
                day INTEGER NOT NULL,
                articleId INTEGER NOT NULL,
                PRIMARY KEY (key, day, articleId)
            ) WITHOUT ROWID;
            """)
        for entry in entries {
            try db.execute(sql: "INSERT INTO story_key(key, day, articleId) VALUES (?, ?, ?)", arguments: [entry.key, entry.day, entry.articleId])
        }
    }

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
