import GRDB
import NewsCore

extension ArticleIndex {
    /// bm25 column weights (headline, body, outlet, byline). Outlet and byline take part only
    /// when a query names them (`outlet:`, `byline:`), so their weight does not rank anything.
    static var bm25Weights: String { "\(headlineWeight), \(bodyWeight), 0, 0" }

    /// Runs a search: one page of hits in the requested order, and the total number of matches.
    public func search(_ query: SearchQuery, sort: SearchSort = .relevance, limit: Int, offset: Int) throws -> (total: Int, hits: [SearchHit]) {
        let translated = QueryTranslator.translate(query)
        let plan = SearchSQL(translated, sort: sort)
        do {
            return try pool.read { db in
                let total = try Int.fetchOne(db, sql: plan.countSQL, arguments: plan.countArguments) ?? 0
                let rows = try Row.fetchAll(db, sql: plan.pageSQL, arguments: plan.pageArguments(limit: limit, offset: offset))
                let hits = rows.enumerated().map { place, row -> SearchHit in
                    let paths = (row["paths"] as String?)?.split(separator: "\n").map(String.init) ?? []
                    let (snippet, highlights) = SnippetMarkup.decode(row["snip"] ?? "")
                    let published: String? = row["publishedDate"]
                    return SearchHit(rank: offset + place + 1, id: row["id"], path: paths.first ?? "", paths: paths,
                                     title: row["headline"], outlet: row["outlet"], byline: row["byline"],
                                     date: row["articleDate"], dateSource: published == nil ? .file : .published,
                                     score: -(row["rank"] as Double), snippet: snippet, highlights: highlights)
                }
                return (total, hits)
            }
        } catch let error as DatabaseError {
            throw IndexError.queryFailed(error.message ?? String(describing: error))
        }
    }

    /// The query plan SQLite chooses for a search, one line per step (for tests and `--explain`).
    public func searchPlan(_ query: SearchQuery, sort: SearchSort = .relevance) throws -> [String] {
        let plan = SearchSQL(QueryTranslator.translate(query), sort: sort)
        return try pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + plan.pageSQL, arguments: plan.pageArguments(limit: 10, offset: 0))
                .map { $0["detail"] as String }
        }
    }

    /// One whole article with its metadata, by id.
    public func article(id: Int64) throws -> ArticleResponse? {
        try pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM article WHERE id = ?", arguments: [id]) else { return nil }
            let paths = try String.fetchAll(db, sql: "SELECT path FROM file WHERE articleId = ? ORDER BY path", arguments: [id])
            let published: String? = row["publishedDate"]
            return ArticleResponse(id: row["id"], title: row["headline"], outlet: row["outlet"], byline: row["byline"],
                                   date: row["articleDate"], dateSource: published == nil ? .file : .published,
                                   wordCount: row["wordCount"], encoding: row["encoding"], paths: paths,
                                   body: row["body"], ingestedAt: row["ingestedAt"])
        }
    }

    /// The id of the article an inbox path holds.
    public func articleId(path: String) throws -> Int64? {
        try pool.read { db in try Int64.fetchOne(db, sql: "SELECT articleId FROM file WHERE path = ?", arguments: [path]) }
    }
}

/// The SQL of one search. With a MATCH, the full-text index is the outer loop and `article` is
/// joined by primary key (CROSS JOIN fixes that order): SQLite must never drive from the date or
/// outlet index and probe FTS5 row by row, the trap that turns one query into a full scan.
/// Without a MATCH (`date:2017-03`, `-word`) the article table is read through its date index.
struct SearchSQL {
    let translated: TranslatedQuery
    let sort: SearchSort

    init(_ translated: TranslatedQuery, sort: SearchSort) {
        self.translated = translated
        self.sort = sort
    }

    private var whereClause: String {
        var parts = translated.match == nil ? [] : ["article_fts MATCH ?"]
        parts += translated.conditions
        return parts.isEmpty ? "" : "WHERE " + parts.joined(separator: " AND ")
    }

    private var whereArguments: [DatabaseValueConvertible] {
        (translated.match.map { [$0] } ?? []) + translated.arguments
    }

    private var source: String {
        translated.match == nil ? "article a" : "article_fts CROSS JOIN article a ON a.id = article_fts.rowid"
    }

    var countSQL: String {
        if translated.match != nil && translated.conditions.isEmpty {
            return "SELECT count(*) FROM article_fts WHERE article_fts MATCH ?"
        }
        return "SELECT count(*) FROM \(source) \(whereClause)"
    }

    var countArguments: StatementArguments { StatementArguments(whereArguments) }

    /// `rank` names the bm25 score of the inner query or `top.rank` outside it.
    private func order(rank: String = "rank") -> String {
        switch sort {
        case .relevance: "\(rank), a.articleDate DESC, a.id DESC"
        case .newest: "a.articleDate DESC, a.id DESC"
        case .oldest: "a.articleDate ASC, a.id ASC"
        }
    }

    /// Ranks first, then builds snippets and path lists for the page only: in one flat query
    /// SQLite would compute snippet() for every match before sorting.
    var pageSQL: String {
        let rank = translated.match == nil ? "0.0" : "bm25(article_fts, \(ArticleIndex.bm25Weights))"
        let snippet = translated.match == nil
            ? "CASE WHEN length(a.body) > 200 THEN substr(a.body, 1, 200) || '…' ELSE a.body END"
            : "snippet(article_fts, 1, ?, ?, '…', 24)"
        // CROSS JOIN keeps `top` (one page) as the outer loop: otherwise SQLite may run the MATCH
        // over every matching row again and look each one up in `top`.
        let snippetJoin = translated.match == nil ? "" : "CROSS JOIN article_fts ON article_fts.rowid = top.id AND article_fts MATCH ?"
        return """
            WITH top AS MATERIALIZED (
                SELECT a.id AS id, \(rank) AS rank, a.articleDate AS articleDate
                FROM \(source) \(whereClause)
                ORDER BY \(order()) LIMIT ? OFFSET ?
            )
            SELECT a.id, a.headline, a.outlet, a.byline, a.articleDate, a.publishedDate, top.rank,
                   \(snippet) AS snip,
                   (SELECT group_concat(path, char(10)) FROM (SELECT path FROM file WHERE articleId = a.id ORDER BY path)) AS paths
            FROM top
            CROSS JOIN article a ON a.id = top.id
            \(snippetJoin)
            ORDER BY \(order(rank: "top.rank"))
            """
    }

    func pageArguments(limit: Int, offset: Int) -> StatementArguments {
        var values = whereArguments + [limit, offset]
        if let match = translated.match {
            values += [String(SnippetMarkup.open), String(SnippetMarkup.close), match]
        }
        return StatementArguments(values)
    }
}
