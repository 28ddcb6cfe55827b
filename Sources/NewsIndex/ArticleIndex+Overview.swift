import GRDB
import NewsCore

/// What the status call reports about the index, read in one transaction so that its counts
/// agree with each other (six separate reads could straddle a commit).
public struct IndexOverview: Sendable, Equatable {
    public var articles: Int
    public var files: Int
    public var failed: Int
    /// Files of formats newsd does not read.
    public var ignored: Int
    public var stories: Int
    public var unplaced: Int
    public var outlets: [OutletCount]
    /// Articles per language, most first.
    public var languages: [LanguageCount]
}

extension ArticleIndex {
    /// The status call's counts, from one snapshot of the index.
    public func overview(outletLimit: Int = 10) throws -> IndexOverview {
        try pool.read { db in
            func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql) ?? 0 }
            let outlets = try Row.fetchAll(db, sql: """
                SELECT outlet, count(*) AS n FROM article WHERE outlet IS NOT NULL GROUP BY outlet ORDER BY n DESC, outlet LIMIT ?
                """, arguments: [outletLimit]).map { OutletCount(outlet: $0["outlet"], articles: $0["n"]) }
            let languages = try Row.fetchAll(db, sql: """
                SELECT language, count(*) AS n FROM article WHERE language IS NOT NULL GROUP BY language ORDER BY n DESC, language LIMIT 20
                """).map { LanguageCount(language: $0["language"], articles: $0["n"]) }
            let ignoredCode = ArticleIndex.ignoredCode
            return IndexOverview(
                articles: try count("SELECT count(*) FROM article"), files: try count("SELECT count(*) FROM file"),
                failed: try count("SELECT count(*) FROM failure WHERE code <> '\(ignoredCode)'")
                    + count("SELECT count(*) FROM container WHERE skipped > 0"),
                ignored: try count("SELECT count(*) FROM failure WHERE code = '\(ignoredCode)'"),
                stories: try count("SELECT count(*) FROM story"),
                unplaced: try count("SELECT count(*) FROM article WHERE storyId IS NULL"), outlets: outlets, languages: languages)
        }
    }
}
