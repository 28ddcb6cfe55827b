import GRDB
import NewsCore

extension ArticleIndex {
    /// bm25 column weights (headline, body, outlet, byline). Outlet and byline take part only
    /// when a query names them (`outlet:`, `byline:`), so their weight does not rank anything.
    static var bm25Weights: String { "\(headlineWeight), \(bodyWeight), 0, 0" }

    /// Runs a search: one page of hits in the requested order and grouping, and the total number of hits.
    /// Blocks its thread while SQLite works: call it off Swift's cooperative pool. With a `budget`,
    /// a search that runs too long or is cancelled throws `IndexError.queryStopped`.
    public func search(_ query: SearchQuery, sort: SearchSort = .relevance, group: SearchGrouping = .copies,
                       minOutlets: Int? = nil, limit: Int, offset: Int,
                       budget: QueryBudget? = nil) throws -> (total: Int, hits: [SearchHit]) {
        let translated = QueryTranslator.translate(query)
        do {
            return try pool.read { db in
                let run = { try Self.searchPage(db, translated, sort: sort, group: group, minOutlets: minOutlets, limit: limit, offset: offset) }
                return try budget.map { try $0.enforce(on: db, run) } ?? run()
            }
        } catch let error as DatabaseError {
            throw IndexError.queryFailed(error.message ?? String(describing: error))
        }
    }

    private static func searchPage(_ db: Database, _ translated: TranslatedQuery, sort: SearchSort, group: SearchGrouping,
                                   minOutlets: Int?, limit: Int, offset: Int) throws -> (total: Int, hits: [SearchHit]) {
        // The default (and most frequent) search has its own, faster way: see RankedSearch.
        if sort == .relevance, group == .copies, let ranked = RankedSearch(translated, minOutlets: minOutlets) {
            let (total, page) = try ranked.page(db, limit: limit, offset: offset)
            guard !page.isEmpty else { return (total, []) }
            let rows = try Row.fetchAll(db, sql: ranked.detailSQL(count: page.count), arguments: ranked.detailArguments(page))
            return (total, rows.enumerated().map { hit($0.element, rank: offset + $0.offset + 1, group: group) })
        }
        let plan = SearchSQL(translated, sort: sort, group: group, minOutlets: minOutlets)
        let rows = try Row.fetchAll(db, sql: plan.pageSQL, arguments: plan.pageArguments(limit: limit, offset: offset))
        // The page query counts the groups of its own (materialised) matches: one pass over
        // the full-text index instead of two. Only past the last page is a count query needed.
        let total = try rows.first.map { $0["total"] as Int }
            ?? Int.fetchOne(db, sql: plan.countSQL, arguments: plan.countArguments) ?? 0
        return (total, rows.enumerated().map { hit($0.element, rank: offset + $0.offset + 1, group: group) })
    }

    /// One result row of either search path as a hit.
    private static func hit(_ row: Row, rank: Int, group: SearchGrouping) -> SearchHit {
        let paths = (row["paths"] as String?)?.split(separator: "\n").map(String.init) ?? []
        let (snippet, highlights) = SnippetMarkup.decode(row["snip"] ?? "")
        var story: StorySummary?
        if let id: Int64 = row["storyId"] {
            story = StorySummary(id: id, articles: row["storyArticles"], outlets: row["storyOutlets"],
                                 firstDate: row["storyFirst"], lastDate: row["storyLast"])
        }
        return SearchHit(rank: rank, id: row["id"], path: paths.first ?? "", paths: paths,
                         title: row["headline"], outlet: row["outlet"], byline: row["byline"],
                         date: row["articleDate"], dateSource: ArticleIndex.dateSource(row),
                         url: row["url"], language: row["language"], score: -(row["rank"] as Double), snippet: snippet, highlights: highlights,
                         copies: row["copies"], story: story, storyHits: group == .stories ? row["groupHits"] : nil)
    }

    /// The query plans SQLite chooses for a search's statements, one line per step (for tests).
    public func searchPlan(_ query: SearchQuery, sort: SearchSort = .relevance, group: SearchGrouping = .copies,
                           minOutlets: Int? = nil) throws -> [String] {
        let translated = QueryTranslator.translate(query)
        return try pool.read { db in
            func explain(_ sql: String, _ arguments: StatementArguments) throws -> [String] {
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
            }
            if sort == .relevance, group == .copies, let ranked = RankedSearch(translated, minOutlets: minOutlets) {
                let (_, page) = try ranked.page(db, limit: 10, offset: 0)
                let sample = page.isEmpty ? [RankedSearch.Ranked(id: 0, rank: 0, group: 0)] : page
                let window = ranked.windowStatement(size: 10)
                return try explain(window.sql, window.arguments)
                    + explain(ranked.countSQL, ranked.countArguments)
                    + explain(ranked.detailSQL(count: sample.count), ranked.detailArguments(sample))
            }
            let plan = SearchSQL(translated, sort: sort, group: group, minOutlets: minOutlets)
            return try explain(plan.pageSQL, plan.pageArguments(limit: 10, offset: 0))
        }
    }

    /// One whole article with its metadata, by id.
    public func article(id: Int64) throws -> ArticleResponse? {
        try pool.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT a.*, \(TextCompression.inflateFunction)(t.body) AS body FROM article a LEFT JOIN article_text t ON t.id = a.id WHERE a.id = ?
                """, arguments: [id]) else { return nil }
            let paths = try String.fetchAll(db, sql: "SELECT path FROM file WHERE articleId = ? ORDER BY path", arguments: [id])
            return ArticleResponse(id: row["id"], title: row["headline"], outlet: row["outlet"], byline: row["byline"],
                                   date: row["articleDate"], dateSource: ArticleIndex.dateSource(row),
                                   url: row["url"], language: row["language"], wordCount: row["wordCount"], encoding: row["encoding"], paths: paths,
                                   body: row["body"], ingestedAt: row["ingestedAt"], storyId: row["storyId"], copyOf: row["copyOf"],
                                   copySimilarity: row["copySimilarity"])
        }
    }

    /// The failure recorded for a path (ignored files included), if any.
    public func failure(path: String) throws -> FailureRecord? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT path, code, reason, inode, size, mtimeNs, ctimeNs FROM failure WHERE path = ?", arguments: [path])
                .map(FailureRecord.init(row:))
        }
    }

    /// The paths of the articles a multi-article file holds (`export.jsonl#1`, …), in file order.
    public func memberPaths(of container: String, limit: Int) throws -> [String] {
        try pool.read { db in
            try String.fetchAll(db, sql: """
                SELECT path FROM file WHERE container = ? ORDER BY length(path), path LIMIT ?
                """, arguments: [container, limit])
        }
    }

    /// How sure a stored row's date is: its `dateSource` column (NULL: the file's day).
    static func dateSource(_ row: Row) -> DateSource {
        (row["dateSource"] as String?).flatMap(DateSource.init(rawValue:)) ?? .file
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
/// Hits are grouped by copy group (near-duplicates show once) or by story.
struct SearchSQL {
    let translated: TranslatedQuery
    let sort: SearchSort
    let group: SearchGrouping
    let minOutlets: Int?

    init(_ translated: TranslatedQuery, sort: SearchSort, group: SearchGrouping = .copies, minOutlets: Int? = nil) {
        self.translated = translated
        self.sort = sort
        self.group = group
        self.minOutlets = minOutlets
    }

    private var conditions: [String] {
        (translated.match == nil ? [] : ["article_fts MATCH ?"]) + translated.conditions
            + (minOutlets == nil ? [] : ["a.storyId IN (SELECT id FROM story WHERE outlets >= ?)"])
    }

    private var whereClause: String {
        conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
    }

    private var whereArguments: [DatabaseValueConvertible] {
        (translated.match.map { [$0] } ?? []) + translated.arguments + (minOutlets.map { [$0] } ?? [])
    }

    private var source: String {
        translated.match == nil ? "article a" : "article_fts CROSS JOIN article a INDEXED BY \(IndexSchema.searchCoverIndex) ON a.id = article_fts.rowid"
    }

    /// Copies share their first article's id; an article not yet placed in a story stands alone.
    private var groupKey: String {
        group == .copies ? "coalesce(a.copyOf, a.id)" : "coalesce(a.storyId, -a.id)"
    }

    var countSQL: String { "SELECT count(DISTINCT \(groupKey)) FROM \(source) \(whereClause)" }

    var countArguments: StatementArguments { StatementArguments(whereArguments) }

    /// The ORDER BY over the page's columns; `table` qualifies them outside the inner query.
    private func order(_ table: String = "") -> String {
        let (rank, date, id, coverage) = (table + "rank", table + "articleDate", table + "id", table + "coverage")
        switch sort {
        case .relevance: return "\(rank), \(date) DESC, \(id) DESC"
        case .newest: return "\(date) DESC, \(id) DESC"
        case .oldest: return "\(date) ASC, \(id) ASC"
        case .coverage: return "\(coverage) DESC, \(rank), \(date) DESC, \(id) DESC"
        }
    }

    /// Ranks and groups first, then builds snippets and path lists for the page only: in one flat
    /// query SQLite would compute snippet() for every match before sorting.
    var pageSQL: String {
        let rank = translated.match == nil ? "0.0" : "bm25(article_fts, \(ArticleIndex.bm25Weights))"
        let snippet = translated.match == nil
            ? "(SELECT CASE WHEN length(body) > 200 THEN substr(body, 1, 200) || '…' ELSE body END "
                + "FROM (SELECT \(TextCompression.inflateFunction)(body) AS body FROM article_text WHERE id = a.id))"
            : "snippet(article_fts, 1, ?, ?, '…', 24)"
        // CROSS JOIN keeps `top` (one page) as the outer loop: otherwise SQLite may run the MATCH
        // over every matching row again and look each one up in `top`.
        let snippetJoin = translated.match == nil ? "" : "CROSS JOIN article_fts ON article_fts.rowid = top.id AND article_fts MATCH ?"
        // With one min() aggregate, SQLite takes the other columns from the row holding the
        // minimum: the best-ranked article of each group represents it.
        // bm25() cannot sit inside an aggregate, so each match is ranked first (materialised, so
        // SQLite cannot fold it back) and then grouped. With one min() aggregate, SQLite takes the
        // other columns from the row holding the minimum: the best article represents its group.
        return """
            WITH matches AS MATERIALIZED (
                SELECT a.id AS id, \(rank) AS rank, a.articleDate AS articleDate, \(groupKey) AS grp, a.storyId AS storyId
                FROM \(source) \(whereClause)
            ),
            top AS MATERIALIZED (
                SELECT id, min(rank) AS rank, articleDate, count(*) AS groupHits,
                       coalesce((SELECT outlets FROM story WHERE story.id = matches.storyId), 0) AS coverage
                FROM matches
                GROUP BY grp
                ORDER BY \(order()) LIMIT ? OFFSET ?
            )
            SELECT top.rank, top.groupHits,
                   (SELECT count(DISTINCT grp) FROM matches) AS total,
                   \(snippet) AS snip,
                   \(Self.hitColumns)
            FROM top
            CROSS JOIN article a ON a.id = top.id
            LEFT JOIN story s ON s.id = a.storyId
            \(snippetJoin)
            ORDER BY \(order("top."))
            """
    }

    /// What a hit shows beside its text, for an article `a` joined with its story `s`: its
    /// paths, its number of copies and its story.
    static let hitColumns = """
        a.id, a.headline, a.outlet, a.byline, a.articleDate, a.publishedDate, a.dateSource, a.url, a.language,
        (SELECT group_concat(path, char(10)) FROM (SELECT path FROM file WHERE articleId = a.id ORDER BY path)) AS paths,
        (SELECT count(*) FROM article c WHERE c.copyOf = coalesce(a.copyOf, a.id)) AS copies,
        s.id AS storyId, s.articles AS storyArticles, s.outlets AS storyOutlets,
        s.firstDate AS storyFirst, s.lastDate AS storyLast
        """

    func pageArguments(limit: Int, offset: Int) -> StatementArguments {
        var values = whereArguments + [limit, offset]
        if let match = translated.match {
            values += [String(SnippetMarkup.open), String(SnippetMarkup.close), match]
        }
        return StatementArguments(values)
    }
}
