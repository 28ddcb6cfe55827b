import GRDB
import NewsCore

/// The default search — best match first, near-duplicates folded — without ranking, grouping and
/// sorting every match in SQL. It asks the full-text index for the best `window` matches only
/// (SQLite keeps a bounded sorter, not all rows), folds copies in Swift, and widens the window
/// until it holds enough copy groups for the page.
/// Snippets, paths and stories are then read for the page alone.
///
/// Measured on Reuters-21578 (19k articles, 2 cores, sqlite3 shell, warm): `compan*` (6,132
/// matches) took 55 ms as one grouped statement over all matches, of which ranking alone was 13 ms.
struct RankedSearch {
    let translated: TranslatedQuery
    let match: String
    let minOutlets: Int?

    /// nil when the query has no full-text part to rank by.
    init?(_ translated: TranslatedQuery, minOutlets: Int?) {
        guard let match = translated.match else { return nil }
        self.translated = translated
        self.match = match
        self.minOutlets = minOutlets
    }

    /// One ranked match: its group is the copy group (the first copy's id).
    struct Ranked {
        let id: Int64
        let rank: Double
        let group: Int64
    }

    private var conditions: [String] {
        ["article_fts MATCH ?"] + translated.conditions
            + (minOutlets == nil ? [] : ["a.storyId IN (SELECT id FROM story WHERE outlets >= ?)"])
    }

    private var whereArguments: [DatabaseValueConvertible] {
        [match] + translated.arguments + (minOutlets.map { [$0] } ?? [])
    }

    /// The covering index holds everything ranking and grouping need, so SQLite never reads an
    /// article row (whose long body would make it follow overflow pages to reach the later columns).
    private var source: String {
        "article_fts CROSS JOIN article a INDEXED BY \(IndexSchema.searchCoverIndex) ON a.id = article_fts.rowid"
    }

    var rankedSQL: String {
        """
        SELECT a.id AS id, bm25(article_fts, \(ArticleIndex.bm25Weights)) AS rank, coalesce(a.copyOf, a.id) AS grp
        FROM \(source) WHERE \(conditions.joined(separator: " AND "))
        ORDER BY rank, a.articleDate DESC, a.id DESC LIMIT ?
        """
    }

    func rankedArguments(window: Int) -> StatementArguments { StatementArguments(whereArguments + [window]) }

    var countArguments: StatementArguments { StatementArguments(whereArguments) }

    var countSQL: String {
        guard conditions.count > 1 else { return matchOnlyCountSQL }
        return "SELECT count(DISTINCT coalesce(a.copyOf, a.id)) FROM \(source) WHERE \(conditions.joined(separator: " AND "))"
    }

    /// Groups among the matches of a MATCH alone, without visiting an article row per match:
    /// every match counts once, less the surplus of each copy group with several matching members.
    /// Copy-group members are few (copies and their firsts), so they drive the probe, not the matches.
    private var matchOnlyCountSQL: String {
        """
        WITH m(id) AS MATERIALIZED (SELECT rowid FROM article_fts WHERE article_fts MATCH ?),
        members(id, grp) AS (
            SELECT id, copyOf FROM article WHERE copyOf IS NOT NULL
            UNION ALL
            SELECT DISTINCT copyOf, copyOf FROM article WHERE copyOf IS NOT NULL
        )
        SELECT (SELECT count(*) FROM m) - (SELECT count(*) - count(DISTINCT grp) FROM members WHERE id IN m)
        """
    }

    /// The page's articles with snippet, paths, copies and story, in page order. `count` rows of
    /// (id, rank, place) are bound first.
    func detailSQL(count: Int) -> String {
        let rows = Array(repeating: "(?, ?, ?)", count: count).joined(separator: ", ")
        return """
            WITH page(id, rank, place) AS (VALUES \(rows))
            SELECT page.rank, snippet(article_fts, 1, ?, ?, '…', 24) AS snip,
                   \(SearchSQL.hitColumns)
            FROM page
            CROSS JOIN article a ON a.id = page.id
            LEFT JOIN story s ON s.id = a.storyId
            CROSS JOIN article_fts ON article_fts.rowid = page.id AND article_fts MATCH ?
            ORDER BY page.place
            """
    }

    func detailArguments(_ page: [Ranked]) -> StatementArguments {
        var values: [DatabaseValueConvertible] = []
        for (place, hit) in page.enumerated() { values += [hit.id, hit.rank, place] }
        values += [String(SnippetMarkup.open), String(SnippetMarkup.close), match]
        return StatementArguments(values)
    }

    /// The page (`offset`, `limit`) of group leaders in rank order, and the number of groups.
    func page(_ db: Database, limit: Int, offset: Int) throws -> (total: Int, page: [Ranked]) {
        let needed = offset + limit
        var window = max(64, needed * 2 + 16)
        while true {
            let rows = try Row.fetchAll(db, sql: rankedSQL, arguments: rankedArguments(window: window))
                .map { Ranked(id: $0["id"], rank: $0["rank"], group: $0["grp"]) }
            var seen = Set<Int64>()
            let leaders = rows.filter { seen.insert($0.group).inserted }
            let complete = rows.count < window
            // The window is a prefix of the full order (rank, then date and id break ties), so its
            // first `needed` groups are the first `needed` groups of all matches.
            let certain = complete || leaders.count >= needed
            if certain {
                let total = complete ? leaders.count : try Int.fetchOne(db, sql: countSQL, arguments: countArguments) ?? 0
                return (total, Array(leaders.dropFirst(offset).prefix(limit)))
            }
            window *= 4
        }
    }
}
