import GRDB
import NewsCore

/// A page of hits, one per copy group, in relevance or date order — without grouping and
/// sorting every match in SQL. It reads the first `window` matches in the full order only (in
/// relevance order the ranking keeps the best rows itself as it scores every match; a date
/// order walks the date index and stops), folds copies in Swift, and widens the window until
/// it holds enough copy groups for the page. Snippets, paths and stories are then read for the
/// page alone.
struct WindowedSearch {
    /// The full order of matches: each key ends in the id, so no two rows tie.
    enum Order {
        /// Rank, then the newer date, then the higher id.
        case relevance
        /// Dated articles before those dated only by their file, then the newer date, then the higher id.
        case newest
        /// Dated articles before those dated only by their file, then the older date, then the lower id.
        case oldest
        /// The later arrival in the index, then the higher id.
        case added
    }

    let filter: SearchFilter
    let order: Order
    /// The copy groups in memory, for counting the groups among all matches without reading
    /// each match's group from SQLite (nil: counted in SQL).
    var groups: ((Database) throws -> CopyGroups.Table)?
    /// Where the ranking statement finds what it records as it ranks (see `GroupTally`,
    /// `MatchPositions`).
    var recorders: RankingRecorders?
    /// Where the phrases' row counts are kept between searches (nil: counted by every ranking).
    var phraseHits: PhraseHitCache?
    /// The articles' days in memory, for a filter of dates alone (`SearchFilter.dayWindow`)
    /// and a date order over a MATCH, checked inside the ranking (nil: in SQL).
    var days: ((Database) throws -> ArticleDays.Table)?
    /// The order articles arrived in, made from their arrivals in memory, for the added order
    /// over a MATCH kept by the ranking (nil: sorted in SQL).
    var arrivals: ((Database) throws -> ArrivalOrder)?

    /// Whether the ranking checks the filter's dates from memory, and nothing is left for SQL.
    private var datesInMemory: Bool { filter.dayWindow != nil && days != nil }

    /// Whether the ranking keeps the window in this order, other than relevance, by itself (a
    /// MATCH, the lengths and the order's values in memory, no condition but dates, every id
    /// small enough for an order key): one pass over the matches instead of a lookup of each
    /// one's date or arrival and a sort of them all.
    private func keepsOrderInRanking(_ key: SnapshotKey) -> Bool {
        guard filter.match != nil, recorders != nil, !filter.hasConditions || datesInMemory,
              key.lastId < DateOrder.idLimit else { return false }
        switch order {
        case .newest, .oldest: return days != nil
        case .added: return arrivals != nil
        case .relevance: return false
        }
    }

    /// nil for the orders that need every match grouped first (`coverage`).
    init?(_ filter: SearchFilter, sort: SearchSort) {
        self.filter = filter
        switch sort {
        // Without a MATCH every row ranks alike, so relevance is date order.
        case .relevance: order = filter.match == nil ? .newest : .relevance
        case .newest: order = .newest
        case .oldest: order = .oldest
        case .added: order = .added
        case .coverage: return nil
        }
    }

    /// One match in the window: its group is the copy group (the first copy's id).
    struct Ranked {
        let id: Int64
        let rank: Double
        let group: Int64
    }

    /// 1 for an article dated only by its file's time (no date in its text: its date says when
    /// it was saved, not when it appeared), else 0: such articles come last in date orders.
    static let undatedKey = "(a.dateKind IS NULL)"

    /// The full order. `splitByDating`: without the undated key, for a window read first over
    /// dated articles, then over undated ones (see `window`).
    private func orderKey(splitByDating: Bool = false) -> String {
        let undated = splitByDating ? "" : Self.undatedKey + ", "
        switch order {
        case .relevance: return "rank, a.articleDay DESC, a.id DESC"
        case .newest: return undated + "a.articleDay DESC, a.id DESC"
        case .oldest: return undated + "a.articleDay ASC, a.id ASC"
        case .added: return "a.ingestedAt DESC, a.id DESC"
        }
    }

    /// A date order without a MATCH walks the date index and stops after the window; a leading
    /// undated key would make SQLite sort every match instead. So the window is read in two
    /// parts, dated articles first, each in date order.
    private var splitByDating: Bool { (order == .newest || order == .oldest) && filter.match == nil }

    /// Relevance over a MATCH (or a date order kept by the ranking): every match is scored to
    /// find the window, so a window too small costs a second pass over all of them.
    private var scoresEveryMatch: Bool {
        filter.match != nil && (order == .relevance || filter.lengths.map(keepsOrderInRanking) == true)
    }

    /// The first `window` matches in the full order, with rank and group; `dated`: only the
    /// dated (true) or undated (false) ones, in date order.
    func windowSQL(dated: Bool? = nil) -> String {
        let clause = filter.whereClause
        let part = dated.map { "\($0 ? "NOT " : "")\(Self.undatedKey)" }
        let condition = part.map { clause.isEmpty ? "WHERE \($0)" : clause + " AND \($0)" } ?? clause
        return """
            SELECT a.id AS id, \(filter.rankExpression) AS rank, coalesce(a.copyOf, a.id) AS grp
            FROM \(filter.source) \(condition)
            ORDER BY \(orderKey(splitByDating: dated != nil)) LIMIT ?
            """
    }

    /// The statement that reads the first window (for query plans).
    func windowStatement(size: Int) -> (sql: String, arguments: StatementArguments) {
        if let key = filter.lengths, let match = filter.match, order == .relevance || keepsOrderInRanking(key) {
            return rankingStatement(key: key, match: match, recorder: 0, conditionsInSQL: !datesInMemory)
        }
        return (windowSQL(dated: splitByDating ? true : nil), StatementArguments(filter.whereArguments + [size]))
    }

    /// The window in the full order, and whether it holds every match. Read by score alone,
    /// only its rows scored strictly better than its last are certain to be all such rows
    /// (others with the last score may lie outside), so it is cut there and dated afterwards.
    /// `groups`: the number of copy groups among all matches, when the window's statement
    /// counted them as it ranked every match; `positions`: the best rows' body instances, when
    /// the ranking kept them.
    private func window(_ db: Database, size: Int) throws -> (rows: [Ranked], complete: Bool, groups: Int?, positions: MatchPositions?) {
        if let key = filter.lengths, let match = filter.match, let recorders, order == .relevance || keepsOrderInRanking(key) {
            return try rankedWindow(db, size: size, key: key, match: match, recorders: recorders)
        }
        // Ranked by FTS5's bm25 (the lengths' table unknown), or in another order: SQLite sorts.
        let found = try Row.fetchAll(db, sql: windowSQL(dated: splitByDating ? true : nil), arguments: StatementArguments(filter.whereArguments + [size]))
        let rows = try found.map { Ranked(id: $0["id"], rank: try $0.decode(forColumn: "rank"), group: $0["grp"]) }
        guard splitByDating, rows.count < size else { return (rows, rows.count < size, nil, nil) }
        let rest = size - rows.count
        let undated = try Row.fetchAll(db, sql: windowSQL(dated: false), arguments: StatementArguments(filter.whereArguments + [rest]))
            .map { Ranked(id: $0["id"], rank: try $0.decode(forColumn: "rank"), group: $0["grp"]) }
        return (rows + undated, undated.count < rest, nil, nil)
    }

    /// The statement that ranks every match for `rankedWindow`, the ranking function's numbers
    /// bound (one cached statement serves every snapshot). Without conditions in SQL it counts
    /// the matches (those the ranking scores: it gives the others no value) and returns no row:
    /// FTS5 runs a ranking function in a WHERE clause, not in an aggregate's arguments. With
    /// them, the ranking is in the select list, where it scores only the rows that meet them (in
    /// the WHERE clause it would run before the join that checks them), and the rows are
    /// stepped through unread.
    func rankingStatement(key: SnapshotKey, match: String, recorder: Int64, conditionsInSQL: Bool) -> (sql: String, arguments: StatementArguments) {
        let rank = RankFunction.boundExpression(weights: ArticleIndex.bm25Weights)
        guard filter.hasConditions && conditionsInSQL else {
            return ("SELECT count(*) FROM article_fts WHERE article_fts MATCH ? AND \(rank) IS NOT NULL",
                    [match, key.changes, key.lastId, recorder])
        }
        return ("SELECT \(rank) FROM \(filter.source) \(filter.whereClause)",
                StatementArguments([key.changes, key.lastId, recorder] + filter.whereArguments))
    }

    /// The relevance window, ranked by `RankFunction`: one pass scores every match (that meets
    /// the conditions), and the ranking itself keeps the best `size` rows with their instances
    /// (`MatchPositions`) and counts the copy groups of all of them (`GroupTally`), so SQLite
    /// sorts nothing and no second pass counts the total. In a date order or the order of
    /// arrival it keeps rows by their place in that order, and scores only those it keeps.
    private func rankedWindow(_ db: Database, size: Int, key: SnapshotKey, match: String,
                              recorders: RankingRecorders) throws -> (rows: [Ranked], complete: Bool, groups: Int?, positions: MatchPositions?) {
        let groupTable = try groups.map { try $0(db) }
        let tally = groupTable.map { GroupTally(groups: $0) }
        let positions = MatchPositions(capacity: size)
        let dayChecks = try self.dayChecks(db, keepingOrder: order != .relevance)
        if case .added? = dayChecks?.order, let dayChecks, let bound = try arrivalBound(db, match: match, size: size, checks: dayChecks) {
            positions.bound = bound
        }
        let (matches, phraseRows) = try rankEveryMatch(db, key: key, match: match, recorders: recorders, tally: tally,
                                                       positions: positions, dayChecks: dayChecks)
        let scored = positions.best.map {
            (id: $0.id, score: phraseRows?.score($0.score) ?? $0.score, value: phraseRows?.score($0.value) ?? $0.value)
        }
        let counted = tally.flatMap { $0.complete ? $0.count : nil }
        let complete = matches < size
        // A date order's keys are distinct: the window is every row kept.
        let kept = complete || dayChecks?.order != nil ? scored : scored.filter { $0.score < scored[scored.count - 1].score }
        guard !kept.isEmpty else { return ([], complete, counted, positions) }
        // Each row's copy group from memory where the table holds it; its date, which orders
        // only rows scored alike, is read for those alone (and the others' groups with them).
        var facts: [Int64: (group: Int64, day: Int)] = [:]
        var toRead: [Int64] = []
        for (place, row) in kept.enumerated() {
            let tied = (place > 0 && kept[place - 1].score == row.score) || (place + 1 < kept.count && kept[place + 1].score == row.score)
            if !tied, let groupTable, row.id > 0, row.id < groupTable.values.count {
                let first = groupTable.values[Int(row.id)]
                facts[row.id] = (first == 0 ? row.id : first, 0)
            } else {
                toRead.append(row.id)
            }
        }
        if !toRead.isEmpty {
            let list = "[" + toRead.map { String($0) }.joined(separator: ",") + "]"
            for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT id, coalesce(copyOf, id) AS grp, articleDay FROM article WHERE id IN (SELECT value FROM json_each(?))"),
                                        arguments: [list]) {
                facts[row["id"]] = (row["grp"], row["articleDay"])
            }
        }
        let ordered = kept.sorted { a, b in
            if a.score != b.score { return a.score < b.score }
            let (dateA, dateB) = (facts[a.id]?.day ?? Int.min, facts[b.id]?.day ?? Int.min)
            if dateA != dateB { return dateA > dateB }
            return a.id > b.id
        }
        return (ordered.map { Ranked(id: $0.id, rank: $0.value, group: facts[$0.id]?.group ?? $0.id) }, complete, counted, positions)
    }

    /// A bound on the worst place in the order of arrival that the window's rows can have, or
    /// nil: the `size`-th best place among the matches with the highest ids that pass the
    /// checks. Ids are given in the order articles arrive (but for edited ones), so the bound is
    /// close: the ranking, which meets the matches from the lowest id up, would otherwise find
    /// each one better than all it kept and score and keep nearly every match. Read without the
    /// ranking function, FTS5 serves the highest ids first without reading the others. (A bound
    /// too tight would cost a wider window, not a wrong one: the rows kept are still the best.)
    private func arrivalBound(_ db: Database, match: String, size: Int, checks: DayChecks) throws -> Double? {
        let ids = try Int64.fetchAll(db.cachedStatement(sql: "SELECT rowid FROM article_fts WHERE article_fts MATCH ? ORDER BY rowid DESC LIMIT ?"),
                                     arguments: [match, size * 2])
        let places = ids.filter(checks.admits).map(checks.orderKey).sorted()
        return places.count >= size ? places[size - 1] : nil
    }

    /// What the ranking checks of each match's day, from the days in memory: the filter's
    /// dates when nothing else is left for SQL, and with `keepingOrder` (called only when
    /// `keepsOrderInRanking`) the search's order to keep the best rows by (nil: nothing to
    /// check). The order of arrival reads the days only for a window of dates.
    func dayChecks(_ db: Database, keepingOrder: Bool) throws -> DayChecks? {
        let window = datesInMemory ? filter.dayWindow : nil
        let (kept, needsDays): (DateOrder?, Bool)
        switch keepingOrder ? order : .relevance {
        case .newest: (kept, needsDays) = (.newest, true)
        case .oldest: (kept, needsDays) = (.oldest, true)
        case .added: (kept, needsDays) = (try arrivals.map { .added(try $0(db)) }, window != nil)
        case .relevance: (kept, needsDays) = (nil, window != nil)
        }
        guard window != nil || kept != nil else { return nil }
        guard needsDays else { return DayChecks(days: [], window: nil, order: kept) }
        return try days.map { DayChecks(days: try $0(db).values, window: window, order: kept) }
    }

    /// Scores every match (that meets the conditions) in one pass of `RankFunction`, which
    /// records into `tally`, `positions` and `stories` as it goes; `dayChecks` leaves out the
    /// matches dated outside its window (their conditions are then not checked in SQL) and
    /// may keep the best rows in date order. Returns the number of matches scored, and the
    /// one-phrase count whose IDF the recorded scores still lack (nil: they have it).
    func rankEveryMatch(_ db: Database, key: SnapshotKey, match: String, recorders: RankingRecorders, tally: GroupTally? = nil,
                        positions: MatchPositions? = nil, stories: StoryTally? = nil,
                        dayChecks: DayChecks?) throws -> (matches: Int, phraseRows: PhraseRowCount?) {
        // A one-phrase query's IDF counts the phrase's rows: with conditions, fewer rows are
        // scored than match, so the count is made apart (`PhraseCounts`), not on the way; in a
        // date order the rows are kept by date, so each needs its whole score as it is kept.
        let keptByDate = dayChecks?.order != nil
        let phraseRows = filter.hasConditions || keptByDate ? nil : PhraseRowCount()
        let counts = try phraseCounts(db, key: key, lookUp: filter.hasConditions || keptByDate || filter.phrases.count > 1)
        let number = recorders.register(tally, positions: positions, phraseRows: phraseRows, phraseCounts: counts, days: dayChecks,
                                        stories: stories)
        defer { recorders.close(number) }
        let conditionsInSQL = dayChecks?.window == nil
        let ranking = rankingStatement(key: key, match: match, recorder: number, conditionsInSQL: conditionsInSQL)
        let matches: Int
        if filter.hasConditions && conditionsInSQL {
            // Each row the statement gives is a match scored: counted by the positions kept as
            // it steps, or else by the rows it returns.
            let statement = try db.cachedStatement(sql: ranking.sql)
            if let positions {
                try statement.execute(arguments: ranking.arguments)
                matches = positions.rows
            } else {
                matches = try Double?.fetchAll(statement, arguments: ranking.arguments).count
            }
        } else {
            matches = try Int.fetchOne(db.cachedStatement(sql: ranking.sql), arguments: ranking.arguments) ?? 0
        }
        // More matches than rows (a damaged index) would give the deferred IDF no number.
        if let phraseRows, phraseRows.deferred, phraseRows.matches > phraseRows.indexRows {
            throw IndexError.queryFailed(RankFunction.contradiction)
        }
        if let counts, let phraseHits { counts.keepMade(in: phraseHits, oneCounted: phraseRows) }
        return (matches, phraseRows)
    }

    /// The counts of the query's phrases known for `db`'s snapshot (`lookUp`: see
    /// `PhraseCounts.resolve`), and where its ranking records those it makes (nil without a
    /// place to keep them).
    private func phraseCounts(_ db: Database, key: SnapshotKey, lookUp: Bool = true) throws -> PhraseCounts? {
        guard let phraseHits, !filter.phrases.isEmpty else { return nil }
        return try PhraseCounts.resolve(db, names: filter.phrases, key: key, cache: phraseHits, lookUp: lookUp)
    }

    /// The number of copy groups among all matches, each match's group read from the covering
    /// index: a cost in proportion to the matches, below what ranking them cost (counting from
    /// the copy groups' members instead costs in proportion to every copy in the archive).
    var countSQL: String {
        "SELECT count(DISTINCT coalesce(a.copyOf, a.id)) FROM \(filter.source) \(filter.whereClause)"
    }

    var countArguments: StatementArguments { StatementArguments(filter.whereArguments) }

    /// The number of copy groups among all matches, when nothing but the MATCH decides what
    /// matches: the matches' ids come from FTS5 alone and their groups from `groups`. Reading
    /// each match's group through the covering index cost several times the matching itself.
    /// nil when another way must count (conditions, no MATCH, or an id the table lacks).
    func countFromMemory(_ db: Database) throws -> Int? {
        guard let match = filter.match, !filter.hasConditions, let groups else { return nil }
        let tally = GroupTally(groups: try groups(db))
        let ids = try Int64.fetchCursor(db, sql: "SELECT rowid FROM article_fts WHERE article_fts MATCH ?", arguments: [match])
        while let id = try ids.next() { tally.add(id) }
        return tally.complete ? tally.count : nil
    }

    /// The page's articles with snippet, paths, copies and story, in page order. `count` rows of
    /// (id, rank, place) are bound first. `textForSnippets`: instead of FTS5's snippet, the text
    /// snippets are made from (`snipText`), for a page whose instances the ranking kept: no MATCH.
    func detailSQL(count: Int, textForSnippets: Bool = false) -> String {
        let rows = Array(repeating: "(?, ?, ?)", count: count).joined(separator: ", ")
        guard !textForSnippets else {
            return """
                WITH page(id, rank, place) AS MATERIALIZED (VALUES \(rows))
                SELECT page.rank, (SELECT \(TextCodec.snippetFunction)(body) FROM article_text WHERE id = a.id) AS snipText,
                       \(Self.hitColumns)
                FROM page CROSS JOIN article a ON a.id = page.id
                LEFT JOIN story s ON s.id = a.storyId
                ORDER BY page.place
                """
        }
        // The snippet needs the MATCH positioned on each page row. Looked up row by row, unless
        // the query holds a prefix: then one pass over the matches, the page's rows picked out
        // through an index of their ids (`+rowid`: FTS5 must not take it for a lookup), merges
        // the prefix's word lists once, not once per row.
        let source = filter.match == nil
            ? "page CROSS JOIN article a ON a.id = page.id"
            : filter.hasPrefix
                ? "article_fts CROSS JOIN page ON page.id = article_fts.rowid CROSS JOIN article a ON a.id = page.id"
                : "page CROSS JOIN article a ON a.id = page.id CROSS JOIN article_fts ON article_fts.rowid = page.id"
        let condition = filter.match == nil ? "" : filter.hasPrefix
            ? "WHERE article_fts MATCH ? AND +article_fts.rowid IN (SELECT id FROM page)"
            : "WHERE article_fts MATCH ?"
        return """
            WITH page(id, rank, place) AS MATERIALIZED (VALUES \(rows))
            SELECT page.rank, \(Self.snippet(matching: filter.match != nil)) AS snip,
                   \(Self.hitColumns)
            FROM \(source)
            LEFT JOIN story s ON s.id = a.storyId
            \(condition)
            ORDER BY page.place
            """
    }

    func detailArguments(_ page: [Ranked], textForSnippets: Bool = false) -> StatementArguments {
        var values: [DatabaseValueConvertible] = []
        for (place, hit) in page.enumerated() { values += [hit.id, hit.rank, place] }
        if let match = filter.match, !textForSnippets { values += [String(SnippetMarkup.open), String(SnippetMarkup.close), match] }
        return StatementArguments(values)
    }

    /// The snippet of an article `a`: the matching passage with its terms marked, or without a
    /// MATCH the text's first 200 characters. With a MATCH, two arguments (the marks) are bound
    /// here and `article_fts` must be joined for the row.
    static func snippet(matching: Bool) -> String {
        matching
            ? "snippet(article_fts, \(MatchPositions.bodyColumn), ?, ?, '\(snippetEllipsis)', \(snippetTokens))"
            : "(SELECT CASE WHEN length(body) > 200 THEN substr(body, 1, 200) || '…' ELSE body END "
                + "FROM (SELECT \(TextCodec.inflateFunction)(body) AS body FROM article_text WHERE id = a.id))"
    }

    /// What a hit shows beside its text, for an article `a` joined with its story `s`: its
    /// paths, its number of copies and its story.
    static let hitColumns = """
        a.id, a.headline, a.outlet, a.byline, \(IndexSchema.isoDay("a.articleDay")) AS articleDate, a.dateKind, a.url, a.language,
        (SELECT group_concat(path, char(10)) FROM (SELECT path FROM file WHERE articleId = a.id ORDER BY path)) AS paths,
        (SELECT count(*) FROM article c WHERE c.copyOf = coalesce(a.copyOf, a.id)) AS copies,
        s.id AS storyId, s.articles AS storyArticles, s.outlets AS storyOutlets,
        \(IndexSchema.isoDay("s.firstDay")) AS storyFirst, \(IndexSchema.isoDay("s.lastDay")) AS storyLast
        """

    /// Matches to read for `needed` copy groups: twice as many, or for a deep page as many as the
    /// archive's articles per copy group say, with a quarter to spare. The page is exact whatever
    /// the size (a window too small grows and is read again); the estimate spares a deep page
    /// over an archive of many copies the second pass over every match.
    private func firstWindow(_ db: Database, needed: Int) throws -> Int {
        let plain = max(64, needed * 2 + 16)
        guard plain > 64, scoresEveryMatch, let groups else { return plain }
        let copies = try groups(db).values.reduce(0) { $0 + ($1 == 0 ? 0 : 1) }
        let articles = try RowTally.read(db, .articles)
        guard articles > copies else { return plain }
        let perGroup = Double(articles) / Double(articles - copies)
        return max(plain, Int(Double(needed) * perGroup * 1.25) + 16)
    }

    /// The number of tokens a snippet shows, and what marks text left out.
    static let snippetTokens = 24
    static let snippetEllipsis = "…"

    /// The page (`offset`, `limit`) of group leaders in order, the number of groups, and the
    /// best rows' body instances when the ranking kept them.
    func page(_ db: Database, limit: Int, offset: Int) throws -> (total: Int, page: [Ranked], positions: MatchPositions?) {
        let needed = offset + limit
        var window = try firstWindow(db, needed: needed)
        while true {
            let (rows, complete, groups, positions) = try self.window(db, size: window)
            var seen = Set<Int64>()
            let leaders = rows.filter { seen.insert($0.group).inserted }
            // The window is a prefix of the full order, so its first `needed` groups are the
            // first `needed` groups of all matches.
            if complete || leaders.count >= needed {
                let total = try complete ? leaders.count
                    : groups ?? countFromMemory(db) ?? Int.fetchOne(db, sql: countSQL, arguments: countArguments) ?? 0
                return (total, Array(leaders.dropFirst(offset).prefix(limit)), positions)
            }
            window *= 4
        }
    }
}
