import GRDB
import NewsCore

/// A page of hits that needs every match grouped first: one hit per story (with the number of
/// its articles that match), or stories ordered by how many outlets carry them. Matches are
/// ranked and grouped once, then snippets and paths are read for the page only. Grouped by
/// story over a MATCH in any order (or by copy group in coverage order), with the tables in
/// memory, the ranking groups them as it scores them (`StoryTally`); otherwise SQL ranks them,
/// materialises them and groups them.
struct GroupedSearch {
    let filter: SearchFilter
    let sort: SearchSort
    let group: SearchGrouping
    /// Where the ranking records what it scores (nil: grouped in SQL).
    var recorders: RankingRecorders?
    /// Where the phrases' row counts are kept between searches.
    var phraseHits: PhraseHitCache?
    /// The articles' days and stories in memory, read when first needed (nil: grouped in SQL).
    var days: ((Database) throws -> ArticleDays.Table)?
    var stories: ((Database) throws -> SnapshotValues<Int32>.Table)?
    /// Each story's outlet count in memory, for coverage order (nil: grouped in SQL).
    var outlets: ((Database) throws -> SnapshotValues<Int32>.Table)?
    /// The copy groups in memory, for copy groups in coverage order (nil: grouped in SQL).
    var copyGroups: ((Database) throws -> CopyGroups.Table)?
    /// The order articles arrived in, for stories in that order (nil: grouped in SQL).
    var arrivals: ((Database) throws -> ArrivalOrder)?

    init(_ filter: SearchFilter, sort: SearchSort, group: SearchGrouping) {
        self.filter = filter
        self.sort = sort
        self.group = group
    }

    /// Copies share their first article's id; an article not yet placed in a story stands alone.
    private var groupKey: String {
        group == .copies ? "coalesce(a.copyOf, a.id)" : "coalesce(a.storyId, -a.id)"
    }

    /// The relevance search over the same filter, which ranks every match and reads a page's
    /// details (snippets, paths, stories) by id.
    var ranking: WindowedSearch? {
        guard var ranking = WindowedSearch(filter, sort: .relevance) else { return nil }
        ranking.recorders = recorders
        ranking.phraseHits = phraseHits
        ranking.days = days
        return ranking
    }

    /// The page of stories (or of copy groups by coverage), each by its best match in
    /// relevance, grouped as the ranking scores every match (that meets the conditions): the
    /// number of groups and the page's, in relevance, coverage or date order of those best
    /// matches (as `pageSQL` orders them). nil when this search cannot be grouped so (no
    /// MATCH, a table not in memory or missing an article or story): then `pageSQL` finds it.
    func rankedPage(_ db: Database, limit: Int, offset: Int) throws -> (total: Int, page: [StoryTally.Group])? {
        guard group == .stories || (group == .copies && sort == .coverage && copyGroups != nil), sort != .added || arrivals != nil,
              sort != .coverage || outlets != nil, let key = filter.lengths,
              let match = filter.match, let recorders, let days, let stories, let ranking else { return nil }
        let tally = StoryTally(stories: try stories(db).values, days: try days(db).values,
                               copyGroups: group == .copies ? try copyGroups.map { try $0(db).values } : nil)
        let (_, phraseRows) = try ranking.rankEveryMatch(db, key: key, match: match, recorders: recorders, stories: tally,
                                                         dayChecks: try ranking.dayChecks(db, keepingOrder: false))
        guard tally.complete else { return nil }
        let groups = tally.groups { phraseRows?.score($0) ?? $0 }
        let order: StoryTally.Order
        switch sort {
        case .coverage:
            guard let table = try outlets.map({ try $0(db).values }), groups.allSatisfy({ $0.story >= 0 && $0.story < max(table.count, 1) }) else { return nil }
            order = .coverage(outlets: table)
        case .newest: order = .newest
        case .oldest: order = .oldest
        case .added:
            guard let arrivals = try arrivals?(db), groups.allSatisfy({ arrivals.holds($0.id) }) else { return nil }
            order = .added(keys: arrivals.keys)
        case .relevance: order = .relevance
        }
        return (groups.count, StoryTally.page(groups, limit: limit, offset: offset, order: order))
    }

    var countSQL: String { "SELECT count(DISTINCT \(groupKey)) FROM \(filter.source) \(filter.whereClause)" }

    var countArguments: StatementArguments { StatementArguments(filter.whereArguments) }

    /// The ORDER BY over the page's columns; `table` qualifies them outside the inner query.
    private func order(_ table: String = "") -> String {
        let (rank, date, id, coverage) = (table + "rank", table + "articleDay", table + "id", table + "coverage")
        // Date orders put articles dated only by their file after every dated one.
        let undated = table + "undated"
        switch sort {
        case .relevance: return "\(rank), \(date) DESC, \(id) DESC"
        case .newest: return "\(undated), \(date) DESC, \(id) DESC"
        case .oldest: return "\(undated), \(date) ASC, \(id) ASC"
        case .added: return "\(table)ingestedAt DESC, \(id) DESC"
        case .coverage: return "\(coverage) DESC, \(rank), \(date) DESC, \(id) DESC"
        }
    }

    /// The ranking expression of `pageSQL`: with the snapshot's numbers as parameters (bound
    /// first, see `pageArguments`) when the ranking function ranks, so that one cached statement
    /// serves every search of a shape instead of one compiled for each.
    private var rankExpression: String {
        filter.match != nil && filter.lengths != nil ? RankFunction.boundExpression(weights: ArticleIndex.bm25Weights) : filter.rankExpression
    }

    /// A group's story's outlets, for the coverage order alone: looked up for every group before
    /// the page is chosen, so never when the order does not need it.
    private var coverageColumn: String {
        sort == .coverage ? ",\n       coalesce((SELECT outlets FROM story WHERE story.id = matches.storyId), 0) AS coverage" : ""
    }

    /// Ranks and groups first, then builds snippets and path lists for the page only: in one flat
    /// query SQLite would compute snippet() for every match before sorting.
    var pageSQL: String {
        // CROSS JOIN keeps `top` (one page) as the outer loop: otherwise SQLite may run the MATCH
        // over every matching row again and look each one up in `top`.
        let snippetJoin = filter.match == nil ? "" : "CROSS JOIN article_fts ON article_fts.rowid = top.id AND article_fts MATCH ?"
        // bm25() cannot sit inside an aggregate, so each match is ranked first (materialised, so
        // SQLite cannot fold it back) and then grouped. With one min() aggregate, SQLite takes the
        // other columns from the row holding the minimum: the best article represents its group.
        return """
            WITH matches AS MATERIALIZED (
                SELECT a.id AS id, \(rankExpression) AS rank, a.articleDay AS articleDay, \(WindowedSearch.undatedKey) AS undated, a.ingestedAt AS ingestedAt, \(groupKey) AS grp, a.storyId AS storyId
                FROM \(filter.source) \(filter.whereClause)
            ),
            top AS MATERIALIZED (
                SELECT id, min(rank) AS rank, articleDay, undated, ingestedAt, count(*) AS groupHits\(coverageColumn)
                FROM matches
                GROUP BY grp
                ORDER BY \(order()) LIMIT ? OFFSET ?
            )
            SELECT top.rank, top.groupHits,
                   (SELECT count(DISTINCT grp) FROM matches) AS total,
                   \(WindowedSearch.snippet(matching: filter.match != nil)) AS snip,
                   \(WindowedSearch.hitColumns)
            FROM top
            CROSS JOIN article a ON a.id = top.id
            LEFT JOIN story s ON s.id = a.storyId
            \(snippetJoin)
            ORDER BY \(order("top."))
            """
    }

    func pageArguments(limit: Int, offset: Int) -> StatementArguments {
        let ranking: [DatabaseValueConvertible] = filter.match == nil ? [] : filter.lengths.map { [$0.changes, $0.lastId, 0] } ?? []
        var values = ranking + filter.whereArguments + [limit, offset]
        if let match = filter.match {
            values += [String(SnippetMarkup.open), String(SnippetMarkup.close), match]
        }
        return StatementArguments(values)
    }
}
