import GRDB
import NewsCore

/// Where story placement put one article, named by the path of its file: what a placement made
/// in this index looks like to another archive that holds the same articles under those names.
public struct ArticlePlacement: Sendable, Equatable {
    public var path: String
    public var storyId: Int64?
    /// The path of the copy group's first article, when this article is a copy of it.
    public var copyOfPath: String?
    /// How alike its text is to that first article's (`Similarity.shingles`).
    public var copySimilarity: Double?

    public init(path: String, storyId: Int64?, copyOfPath: String?, copySimilarity: Double?) {
        self.path = path
        self.storyId = storyId
        self.copyOfPath = copyOfPath
        self.copySimilarity = copySimilarity
    }
}

extension ArticleIndex {
    /// Every article's story and copy group, one entry per file (by its smallest path when
    /// several files hold one text).
    public func placements() throws -> [ArticlePlacement] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT (SELECT min(path) FROM file WHERE articleId = a.id) AS path, a.storyId, a.copySimilarity,
                       (SELECT min(path) FROM file WHERE articleId = a.copyOf) AS copyOfPath
                FROM article a
                """).compactMap { row in
                (row["path"] as String?).map {
                    ArticlePlacement(path: $0, storyId: row["storyId"], copyOfPath: row["copyOfPath"], copySimilarity: row["copySimilarity"])
                }
            }
        }
    }

    /// Every story's size and span.
    public func storySummaries() throws -> [StorySummary] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, articles, outlets, \(IndexSchema.storySpanColumns) FROM story").map { row in
                StorySummary(id: row["id"], articles: row["articles"], outlets: row["outlets"], firstDate: row["firstDate"], lastDate: row["lastDate"])
            }
        }
    }
}
