import GRDB

/// The number of articles in the index, as the `tally` triggers keep it: one row read, never a
/// count over every article.
enum ArticleCount {
    static func read(_ db: Database) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT articles FROM tally WHERE kind = 'articles' AND value = ''")) ?? 0
    }
}
