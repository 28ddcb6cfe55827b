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

    /// With no filter to apply, FTS5 ranks its matches alone: the join that reads each match's
    /// group and date, and the sort on them, cost more than the ranking itself.
    private var filtered: Bool { !translated.conditions.isEmpty || minOutlets != nil }

    /// The best `window` matches by score alone (FTS5 keeps a bounded sorter).
    var scoreWindowSQL: String {
        "SELECT rowid AS id, bm25(article_fts, \(ArticleIndex.bm25Weights)) AS score FROM article_fts WHERE article_fts MATCH ? ORDER BY score LIMIT ?"
    }

    /// The statement that reads the first window (for query plans).
    func windowStatement(size: Int) -> (sql: String, arguments: StatementArguments) {
        filtered ? (rankedSQL, rankedArguments(window: size)) : (scoreWindowSQL, [match, size])
    }

    /// The ranked window in the full order (rank, then the newer date, then the higher id), and
    /// whether it holds every match. Unfiltered, the window is read by score alone; then only
    /// its rows scored strictly better than its last are certain to be all such rows (others
    /// with the last score may lie outside), so it is cut there and dated afterwards.
    private func window(_ db: Database, size: Int) throws -> (rows: [Ranked], complete: Bool) {
        guard !filtered else {
            let rows = try Row.fetchAll(db, sql: rankedSQL, arguments: rankedArguments(window: size))
                .map { Ranked(id: $0["id"], rank: $0["rank"], group: $0["grp"]) }
            return (rows, rows.count < size)
        }
        let scored = try Row.fetchAll(db, sql: scoreWindowSQL, arguments: [match, size]).map { (id: $0["id"] as Int64, score: $0["score"] as Double) }
        let complete = scored.count < size
        let kept = complete ? scored : scored.filter { $0.score < scored[scored.count - 1].score }
        guard !kept.isEmpty else { return ([], complete) }
        let list = "[" + kept.map { String($0.id) }.joined(separator: ",") + "]"
        var facts: [Int64: (group: Int64, date: String?)] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, coalesce(copyOf, id) AS grp, articleDate FROM article WHERE id IN (SELECT value FROM json_each(?))",
                                    arguments: [list]) {
            facts[row["id"]] = (row["grp"], row["articleDate"])
        }
        let ordered = kept.sorted { a, b in
            if a.score != b.score { return a.score < b.score }
            // SQLite's DESC order: the later date first, and a missing date after every date.
            let (da, db) = (facts[a.id]?.date, facts[b.id]?.date)
            if da != db { return (da ?? "") > (db ?? "") }
            return a.id > b.id
        }
        return (ordered.map { Ranked(id: $0.id, rank: $0.score, group: facts[$0.id]?.group ?? $0.id) }, complete)
    }

    /// The page (`offset`, `limit`) of group leaders in rank order, and the number of groups.
    func page(_ db: Database, limit: Int, offset: Int) throws -> (total: Int, page: [Ranked]) {
        let needed = offset + limit
        var window = max(64, needed * 2 + 16)
        while true {
            let (rows, complete) = try self.window(db, size: window)
            var seen = Set<Int64>()
            let leaders = rows.filter { seen.insert($0.group).inserted }
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
