import GRDB
import NewsCore

extension ArticleIndex {
    /// bm25 column weights in the full-text index's column order (body, headline, outlet, byline).
    /// Outlet and byline take part only when a query names them (`outlet:`, `byline:`), so their
    /// weight does not rank anything.
    static var bm25Weights: String { "\(bodyWeight), \(headlineWeight), 0, 0" }

    /// Runs a search: one page of hits in the requested order and grouping, and the total number of hits.
    /// Blocks its thread while SQLite works: call it off Swift's cooperative pool. With a `budget`,
    /// a search that runs too long or is cancelled throws `IndexError.queryStopped`.
    public func search(_ query: SearchQuery, sort: SearchSort = .relevance, group: SearchGrouping = .copies,
                       minOutlets: Int? = nil, limit: Int, offset: Int,
                       budget: QueryBudget? = nil) throws -> (total: Int, hits: [SearchHit]) {
        let translated = QueryTranslator.translate(query)
        let tables = self.tables
        do {
            return try pool.read { db in
                let run = {
                    try Self.searchPage(db, translated, sort: sort, group: group, minOutlets: minOutlets,
                                        snapshot: tables.snapshot(db, matching: translated.match != nil), limit: limit, offset: offset)
                }
                return try budget.map { try $0.enforce(on: db, run) } ?? run()
            }
        } catch let error as DatabaseError {
            throw IndexError.queryFailed(error.message ?? String(describing: error))
        } catch let error as RowDecodingError {
            throw IndexError.queryFailed("the index gave a value a search cannot read (\(error)); `newsctl reindex` rebuilds it from the inbox")
        }
    }

    /// Pages of up to this many hits read their details through a cached statement.
    static let cachedDetailRows = 20

    private static func searchPage(_ db: Database, _ translated: TranslatedQuery, sort: SearchSort, group: SearchGrouping,
                                   minOutlets: Int?, snapshot: SearchSnapshot, limit: Int, offset: Int) throws -> (total: Int, hits: [SearchHit]) {
        switch SearchPlan(translated, sort: sort, group: group, minOutlets: minOutlets, snapshot: snapshot) {
        case .windowed(let search):
            let (total, page, positions) = try search.page(db, limit: limit, offset: offset)
            return (total, try hits(db, page, of: search, positions: positions, offset: offset, group: group))
        case .grouped(let search):
            if let (total, page) = try search.rankedPage(db, limit: limit, offset: offset), let ranking = search.ranking {
                let ranked = page.map(\.ranked)
                var found = try hits(db, ranked, of: ranking, positions: nil, offset: offset, group: group)
                // The page's rows are its groups' best matches, in its order, read in the same
                // snapshot: a row missing means the index contradicts itself.
                guard found.count == page.count else {
                    throw IndexError.queryFailed("a group's best match has no article row (a damaged index); `newsctl reindex` rebuilds it from the inbox")
                }
                if group == .stories { for place in found.indices { found[place].storyHits = page[place].hits } }
                return (total, found)
            }
            let statement = try db.cachedStatement(sql: search.pageSQL)
            let columns = try HitColumns(statement.columnNames)
            let rows = try Row.fetchAll(statement, arguments: search.pageArguments(limit: limit, offset: offset))
            // The page query counts the groups of its own (materialised) matches: one pass over
            // the full-text index instead of two. Only past the last page is a count query needed.
            let total = try rows.first.map { $0["total"] as Int }
                ?? Int.fetchOne(db, sql: search.countSQL, arguments: search.countArguments) ?? 0
            return (total, try rows.enumerated().map { try hit($0.element, columns, rank: offset + $0.offset + 1, group: group) })
        }
    }

    /// The hits of a page of ranked rows, read by id with `search`'s details (snippets, paths,
    /// copies, story), in the page's order. When the ranking kept every page row's instances
    /// (`positions`), snippets are built from them and the page's text is read without a second
    /// MATCH; otherwise (or without a tokenizer to build them with) FTS5 makes them.
    private static func hits(_ db: Database, _ page: [WindowedSearch.Ranked], of search: WindowedSearch, positions: MatchPositions?,
                             offset: Int, group: SearchGrouping) throws -> [SearchHit] {
        guard !page.isEmpty else { return [] }
        let snippets = positions.flatMap { positions in
            page.allSatisfy { positions.holds($0.id) } ? PageSnippets(positions: positions) : nil
        }
        guard let snippets else { return try hits(db, page, of: search, building: nil, offset: offset, group: group) }
        return try SpanTokenizers.shared.with(db) { tokenizer in
            try hits(db, page, of: search, building: tokenizer.map { (snippets, $0) }, offset: offset, group: group)
        }
    }

    /// `hits` with the page's snippets built by `building`'s snippets and tokenizer, or made by
    /// FTS5 when it is nil.
    private static func hits(_ db: Database, _ page: [WindowedSearch.Ranked], of search: WindowedSearch,
                             building: (snippets: PageSnippets, tokenizer: any FTS5Tokenizer)?,
                             offset: Int, group: SearchGrouping) throws -> [SearchHit] {
        let sql = search.detailSQL(count: page.count, textForSnippets: building != nil)
        // A statement per page size: kept for the usual sizes only, since a connection's
        // cache keeps every statement it is given.
        let statement = page.count <= Self.cachedDetailRows ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
        let columns = try HitColumns(statement.columnNames)
        let rows = try Row.fetchCursor(statement, arguments: search.detailArguments(page, textForSnippets: building != nil))
        var hits: [SearchHit] = []
        while let row = try rows.next() {
            let marked = try building.map {
                try $0.snippets.snippet(db, id: row[columns.id], text: columns.snipText.flatMap { row[$0] }, tokenizer: $0.tokenizer)
            }
            hits.append(try hit(row, columns, rank: offset + hits.count + 1, group: group, markedSnippet: marked))
        }
        return hits
    }

    /// One result row of a search's page as a hit, its values where `columns` says.
    /// `markedSnippet`: the snippet, marked, when not read from the row's `snip`.
    /// A score SQLite could not give (NULL) is an error, not a crash.
    static func hit(_ row: Row, _ columns: HitColumns, rank: Int, group: SearchGrouping, markedSnippet: String? = nil) throws -> SearchHit {
        let paths = (row[columns.paths] as String?)?.split(separator: "\n").map(String.init) ?? []
        let (snippet, highlights) = SnippetMarkup.decode(markedSnippet ?? columns.snip.flatMap { row[$0] as String? } ?? "")
        var story: StorySummary?
        if let id: Int64 = row[columns.storyId] {
            story = StorySummary(id: id, articles: row[columns.storyArticles], outlets: row[columns.storyOutlets],
                                 firstDate: row[columns.storyFirst], lastDate: row[columns.storyLast])
        }
        return SearchHit(rank: rank, id: row[columns.id], path: paths.first ?? "", paths: paths,
                         title: row[columns.headline], outlet: row[columns.outlet], byline: row[columns.byline],
                         date: row[columns.articleDate], dateSource: DateKind.source(row[columns.dateKind]),
                         url: row[columns.url], language: row[columns.language], score: -(try row.decode(Double.self, atIndex: columns.rank)),
                         snippet: snippet, highlights: highlights, copies: row[columns.copies], story: story,
                         storyHits: group == .stories ? columns.groupHits.flatMap { row[$0] as Int? } : nil)
    }

    /// Reads the tables searches keep in memory (see `SearchTables`), or the rows added since
    /// they were last read, so that the first search after a start or a burst of arrivals does
    /// not wait for them.
    public func prepareSearches() throws(IndexError) {
        let (pool, tables) = poolAndTables
        do {
            try pool.read { db in
                _ = try tables.lengths.read(db)
                _ = try tables.groups.read(db)
            }
        } catch {
            throw .queryFailed("reading what searches keep in memory: \(error)")
        }
    }

    /// The query plans SQLite chooses for a search's statements, one line per step (for tests).
    public func searchPlan(_ query: SearchQuery, sort: SearchSort = .relevance, group: SearchGrouping = .copies,
                           minOutlets: Int? = nil) throws -> [String] {
        let translated = QueryTranslator.translate(query)
        let tables = self.tables
        return try pool.read { db in
            let snapshot = try tables.snapshot(db, matching: translated.match != nil)
            func explain(_ sql: String, _ arguments: StatementArguments) throws -> [String] {
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
            }
            switch SearchPlan(translated, sort: sort, group: group, minOutlets: minOutlets, snapshot: snapshot) {
            case .windowed(let search):
                let (_, page, _) = try search.page(db, limit: 10, offset: 0)
                let sample = page.isEmpty ? [WindowedSearch.Ranked(id: 0, rank: 0, group: 0)] : page
                let window = search.windowStatement(size: 10)
                return try explain(window.sql, window.arguments)
                    + explain(search.countSQL, search.countArguments)
                    + explain(search.detailSQL(count: sample.count), search.detailArguments(sample))
            case .grouped(let search):
                // Grouped by the ranking: its one statement, and the page's details by id.
                if let (_, page) = try search.rankedPage(db, limit: 10, offset: 0), let ranking = search.ranking,
                   let key = search.filter.lengths, let match = search.filter.match {
                    let rows = page.isEmpty ? [WindowedSearch.Ranked(id: 0, rank: 0, group: 0)]
                        : page.map(\.ranked)
                    let statement = ranking.rankingStatement(key: key, match: match, recorder: 0, conditionsInSQL: search.filter.dayWindow == nil)
                    return try explain(statement.sql, statement.arguments)
                        + explain(ranking.detailSQL(count: rows.count), ranking.detailArguments(rows))
                }
                return try explain(search.pageSQL, search.pageArguments(limit: 10, offset: 0))
            }
        }
    }

    /// One whole article with its metadata, by id.
    public func article(id: Int64) throws -> ArticleResponse? {
        try pool.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT a.*, \(IndexSchema.isoDay("a.articleDay")) AS articleDate, coalesce(a.encoding, '\(IndexSchema.utf8)') AS sourceEncoding,
                       \(TextCodec.inflateFunction)(t.body) AS body
                FROM article a LEFT JOIN article_text t ON t.id = a.id WHERE a.id = ?
                """, arguments: [id]) else { return nil }
            let paths = try String.fetchAll(db, sql: "SELECT path FROM file WHERE articleId = ? ORDER BY path", arguments: [id])
            return ArticleResponse(id: row["id"], title: row["headline"], outlet: row["outlet"], byline: row["byline"],
                                   date: row["articleDate"], dateSource: ArticleIndex.dateSource(row),
                                   url: row["url"], language: row["language"], wordCount: row["wordCount"], encoding: row["sourceEncoding"], paths: paths,
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

    /// How sure a stored row's date is: its `dateKind` column (`DateKind`; NULL: the file's day).
    static func dateSource(_ row: Row) -> DateSource {
        DateKind.source(row["dateKind"])
    }

    /// The id of the article an inbox path holds.
    public func articleId(path: String) throws -> Int64? {
        try pool.read { db in try Int64.fetchOne(db, sql: "SELECT articleId FROM file WHERE path = ?", arguments: [path]) }
    }
}
