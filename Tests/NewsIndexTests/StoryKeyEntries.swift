import Foundation
import GRDB
@testable import NewsIndex

/// The entries of `story_key` one by one — key, day and article — whatever form the table has:
/// one row per entry before v27, one per key and day after (`PackedArticleIds`).
enum StoryKeyEntries {
    struct Entry: Hashable {
        var key: Int64, day: Int64, articleId: Int64
    }

    static func all(_ db: Database) throws -> [Entry] {
        if try db.columns(in: "story_key").contains(where: { $0.name == "articleId" }) {
            return try Row.fetchAll(db, sql: "SELECT key, day, articleId FROM story_key ORDER BY key, day, articleId")
                .map { Entry(key: $0[0], day: $0[1], articleId: $0[2]) }
        }
        return try Row.fetchAll(db, sql: "SELECT key, day, articles FROM story_key ORDER BY key, day").flatMap { row -> [Entry] in
            let ids = PackedArticleIds.decode(row[2]) ?? []
            return ids.map { Entry(key: row[0], day: row[1], articleId: $0) }
        }
    }
}
