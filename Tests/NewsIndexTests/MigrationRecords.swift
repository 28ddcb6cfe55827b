import Foundation
import GRDB
@testable import NewsIndex

/// For tests that take an index back to an older schema: the migrations that follow one are
/// unrecorded with it (newsd runs the missing ones in order, and GRDB refuses to run one that a
/// recorded later one follows). Each later migration then runs again on what the test left.
enum MigrationRecords {
    static func unrecord(from identifier: String, _ db: Database) throws {
        let all = IndexSchema.migrator.migrations
        guard let first = all.firstIndex(of: identifier) else { preconditionFailure("no migration \(identifier)") }
        let later = String(decoding: try JSONEncoder().encode(Array(all[first...])), as: UTF8.self)
        try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier IN (SELECT value FROM json_each(?))", arguments: [later])
    }
}
