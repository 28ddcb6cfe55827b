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

    public init(articles: Int, files: Int, failed: Int, ignored: Int, stories: Int, unplaced: Int, outlets: [OutletCount],
                languages: [LanguageCount]) {
        self.articles = articles
        self.files = files
        self.failed = failed
        self.ignored = ignored
        self.stories = stories
        self.unplaced = unplaced
        self.outlets = outlets
        self.languages = languages
    }
}

extension ArticleIndex {
    /// The status call's counts, from one snapshot of the index.
    public func overview(outletLimit: Int = 10) throws -> IndexOverview {
        try pool.read { db in
            // Kept by triggers (`tally`): the status call must not read every article.
            func tallies(_ kind: String, limit: Int) throws -> [(value: String, articles: Int)] {
                try Row.fetchAll(db, sql: """
                    SELECT value, articles FROM tally WHERE kind = ? AND articles > 0 ORDER BY articles DESC, value LIMIT ?
                    """, arguments: [kind, limit]).map { ($0["value"], $0["articles"]) }
            }
            let outlets = try tallies("outlet", limit: outletLimit).map { OutletCount(outlet: $0.value, articles: $0.articles) }
            let languages = try tallies("language", limit: 20).map { LanguageCount(language: $0.value, articles: $0.articles) }
            return IndexOverview(
                articles: try RowTally.read(db, .articles),
                files: try RowTally.read(db, .files),
                failed: try RowTally.read(db, .failed),
                ignored: try RowTally.read(db, .ignored),
                stories: try RowTally.read(db, .stories),
                unplaced: try RowTally.read(db, .unplaced), outlets: outlets, languages: languages)
        }
    }
}
