import GRDB

/// Counts of rows the `tally` triggers keep (schema v10, v20 and v29): one row read, never a
/// count over every article, file, story or failure.
enum RowTally: String {
    /// Articles in the index.
    case articles
    /// Inbox files indexed, members of multi-article files included.
    case files
    /// Stories.
    case stories
    /// Articles not yet placed in a story.
    case unplaced
    /// Files that could not be read, and multi-article files with entries that could not.
    case failed
    /// Files newsd does not read (`ArticleIndex.ignoredCode`).
    case ignored

    static func read(_ db: Database, _ kind: RowTally) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT articles FROM tally WHERE kind = ? AND value = ''"), arguments: [kind.rawValue]) ?? 0
    }
}
