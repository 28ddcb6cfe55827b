import Logging
import NewsCore
import NewsIndex
import PostgresNIO

extension PostgresArchive {
    /// ts_rank's weights for the document's labels D, C, B, A (byline, outlet, body, headline):
    /// the embedded index's bm25 weights (headline 1.5, body 1, outlet and byline 0), scaled to 1.
    static let rankWeights = "'{0, 0, 0.6667, 1}'::float4[]"

    /// One page of hits and the number of matches. Paths are shown as `host:path`.
    ///
    /// Relevance is PostgreSQL's `ts_rank` (frequency of the terms, headline weighted above body,
    /// divided by 1 + the logarithm of the length), not bm25: the order differs from the embedded
    /// index's where term rarity matters. Copies are not folded and stories not grouped here yet.
    /// A search longer than `timeLimit` is stopped by the server (SQLSTATE `statementTimeoutState`).
    public func search(_ query: SearchQuery, sort: SearchSort = .relevance, group: SearchGrouping = .copies,
                       minOutlets: Int? = nil, limit: Int, offset: Int,
                       timeLimit: Duration = .seconds(60)) async throws(ArchiveError) -> (total: Int, hits: [SearchHit]) {
        let translated = PostgresQueryTranslator.translate(query)
        var bindings = Self.bindings(translated.arguments)
        var conditions = translated.conditions
        if let text = translated.textQuery { conditions.insert("a.document @@ \(text)", at: 0) }
        if let minOutlets {
            bindings.append(minOutlets)
            conditions.append("a.story_id IN (SELECT id FROM newsd_story WHERE outlets >= $\(bindings.count))")
        }
        let score = translated.textQuery.map { "ts_rank(\(Self.rankWeights), a.document, \($0), 1)" } ?? "0::float4"
        // Without words every match ranks alike: relevance is then date order. Date orders put
        // articles dated only by their file after every dated one, as the embedded index does.
        let order = switch translated.textQuery == nil && sort == .relevance ? .newest : sort {
        case .relevance: "score DESC, article_date DESC, id DESC"
        case .newest: "undated, article_date DESC, id DESC"
        case .oldest: "undated, article_date ASC, id ASC"
        case .added: "ingested_at DESC, id DESC"
        case .coverage: "coverage DESC, score DESC, article_date DESC, id DESC"
        }
        // Copies share their first article's id; an article not yet placed in a story stands alone.
        let groupKey = group == .copies ? "coalesce(a.copy_of, a.id)" : "coalesce(a.story_id, -a.id)"
        let whereClause = conditions.isEmpty ? "true" : conditions.joined(separator: " AND ")
        let countSQL = "SELECT count(DISTINCT \(groupKey)) FROM newsd_article a WHERE \(whereClause)"
        let countBindings = bindings
        let next = bindings.count + 1
        bindings.append(limit)
        bindings.append(offset)
        bindings.append(Self.snippetOptions)
        // Matches ranked and grouped first (the best-ranked article stands for its group), then
        // snippets and paths for the page's rows alone.
        let snippet = translated.textQuery.map { "ts_headline(a.search_configuration, a.body, \($0), $\(next + 2))" }
            ?? "CASE WHEN length(a.body) > 200 THEN substr(a.body, 1, 200) || '…' ELSE a.body END"
        let sql = """
            WITH matches AS MATERIALIZED (
                SELECT a.id, \(score) AS score, a.article_date, a.date_source IS NULL AS undated, a.ingested_at,
                       \(groupKey) AS grp, a.story_id
                FROM newsd_article a
                WHERE \(whereClause)
            ),
            best AS (
                SELECT DISTINCT ON (grp) id, score, article_date, undated, ingested_at, story_id,
                       count(*) OVER (PARTITION BY grp) AS group_hits
                FROM matches ORDER BY grp, score DESC, article_date DESC, id DESC
            ),
            page AS (
                SELECT b.*, coalesce(s.outlets, 0) AS coverage, count(*) OVER () AS total
                FROM best b LEFT JOIN newsd_story s ON s.id = b.story_id
                ORDER BY \(order)
                LIMIT $\(next) OFFSET $\(next + 1)
            )
            SELECT \(Self.hitColumns(score: "page.score::float8", total: "page.total", groupHits: "page.group_hits", snippet: snippet))
            FROM page JOIN newsd_article a ON a.id = page.id LEFT JOIN newsd_story s ON s.id = a.story_id
            ORDER BY \(order.split(separator: ",").map { "page." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", "))
            """
        let logger = self.logger, finalBindings = bindings
        let milliseconds = max(1, timeLimit.components.seconds * 1000 + timeLimit.components.attoseconds / 1_000_000_000_000_000)
        let run: @Sendable (PostgresConnection) async throws -> (total: Int, hits: [SearchHit]) = { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "SET LOCAL statement_timeout = \(milliseconds)"), logger: logger)
            let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: finalBindings), logger: logger).collect()
            var total = 0
            var hits: [SearchHit] = []
            for (position, row) in rows.enumerated() {
                let (count, hit) = try Self.hit(row, rank: offset + position + 1, group: group)
                total = count
                hits.append(hit)
            }
            if rows.isEmpty, offset > 0 {
                total = try await connection.query(PostgresQuery(unsafeSQL: countSQL, binds: countBindings), logger: logger)
                    .collect().first?.decode(Int.self) ?? 0
            }
            return (total, hits)
        }
        return try await readingReplica(doing: "search", run)
    }

    /// Runs a read-only `body` in a transaction on the replica when there is one, and on the
    /// primary while the replica cannot be reached (said once per outage).
    func readingReplica<Result: Sendable>(doing what: String,
                                          _ body: @escaping @Sendable (PostgresConnection) async throws -> Result) async throws(ArchiveError) -> Result {
        guard replica != nil else { return try await transaction(doing: what, retrying: false, body) }
        do {
            let result = try await transaction(doing: what + " on the replica", retrying: false, onReplica: true, untilAFailedAttempt: true, body)
            if replicaDown.withLock({ down in defer { down = false }; return down }) {
                logger.notice("the read replica answers again", metadata: ["event": "replica-recovered", "database": "\(replicaAddress!.display)"])
            }
            return result
        } catch where error.isUnreachable || error.sqlState == nil {
            if !replicaDown.withLock({ down in defer { down = true }; return down }) {
                logger.warning("the read replica cannot be reached; reading the primary meanwhile", metadata: [
                    "event": "replica-unreachable", "database": "\(replicaAddress!.display)", "error": "\(error.description)",
                ])
            }
            return try await transaction(doing: what, retrying: false, body)
        }
    }

    /// The longest the status call waits for a connection.
    static let statusWait = Duration.seconds(2)

    /// How far the replica is behind the primary: bytes of WAL not yet replayed, and seconds
    /// since it last replayed a transaction (0 when it is caught up); nil without a replica.
    public func replicaLag() async throws(ArchiveError) -> (bytes: Int64, seconds: Double)? {
        guard replica != nil else { return nil }
        let logger = self.logger
        let primaryPosition = try await connected(doing: "read the primary's WAL position", within: Self.statusWait) { connection in
            try await connection.query("SELECT pg_current_wal_lsn()::text", logger: logger).collect().first?.decode(String.self) ?? "0/0"
        }
        return try await connected(doing: "read the replica's lag", onReplica: true, within: Self.statusWait) { connection in
            guard let row = try await connection.query("""
                SELECT pg_is_in_recovery(),
                       coalesce(pg_wal_lsn_diff(\(primaryPosition)::pg_lsn, pg_last_wal_replay_lsn()), 0)::int8,
                       coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0)::float8
                """, logger: logger).collect().first else { return (0, 0) }
            let (recovering, bytes, seconds) = try row.decode((Bool, Int64, Double).self)
            guard recovering else {
                throw ArchiveError(message: "index_read_url names a server that is not a replica (not in recovery); point it at a streaming replica of the primary")
            }
            return (max(0, bytes), bytes > 0 ? seconds : 0)
        }
    }

    /// How many articles matching `query` are dated on each day, per outlet, and how many match
    /// with no date of their own (as the embedded index's `dayCounts`). Answered by the replica
    /// when there is one.
    public func dayCounts(_ query: SearchQuery, timeLimit: Duration = .seconds(60)) async throws(ArchiveError)
        -> (days: [(day: String, outlet: String?, count: Int)], undated: Int) {
        let translated = PostgresQueryTranslator.translate(query)
        var conditions = translated.conditions
        if let text = translated.textQuery { conditions.insert("a.document @@ \(text)", at: 0) }
        let clause = conditions.isEmpty ? "true" : conditions.joined(separator: " AND ")
        let sql = """
            SELECT a.article_date, a.outlet, count(*)::int8, a.date_source IS NULL FROM newsd_article a WHERE \(clause) GROUP BY 1, 2, 4
            """
        let arguments = translated.arguments, logger = self.logger
        let milliseconds = max(1, timeLimit.components.seconds * 1000 + timeLimit.components.attoseconds / 1_000_000_000_000_000)
        return try await readingReplica(doing: "count matches by day") { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "SET LOCAL statement_timeout = \(milliseconds)"), logger: logger)
            let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: Self.bindings(arguments)), logger: logger).collect()
            var days: [(day: String, outlet: String?, count: Int)] = []
            var undated = 0
            for row in rows {
                let (day, outlet, count, fileDated) = try row.decode((String, String?, Int, Bool).self)
                if fileDated { undated += count } else { days.append((day, outlet, count)) }
            }
            return (days, undated)
        }
    }

    /// The translated query's arguments as bindings.
    static func bindings(_ arguments: [SQLArgument]) -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(arguments)
        return bindings
    }

    /// The columns a hit is read from, in `hit(_:rank:group:)`'s order, on `a` (the article) and
    /// `s` (its story); `score`, `total`, `group_hits` and `snippet` are the caller's expressions.
    static func hitColumns(score: String, total: String, groupHits: String, snippet: String) -> String {
        """
        a.id, a.headline, a.outlet, a.byline, a.article_date, a.date_source, a.url, a.language,
        \(score), \(total), \(groupHits), \(snippet) AS snip,
        (SELECT string_agg(f.host_id || ':' || f.path, E'\\n' ORDER BY f.host_id, f.path) FROM newsd_file f WHERE f.article_id = a.id),
        (SELECT count(*) FROM newsd_article c WHERE c.copy_of = coalesce(a.copy_of, a.id)),
        s.id, s.articles, s.outlets, s.first_date, s.last_date
        """
    }

    /// One row of `hitColumns` as a hit at `rank`, and the total it carries.
    static func hit(_ row: PostgresRow, rank: Int, group: SearchGrouping) throws -> (total: Int, hit: SearchHit) {
        let (id, headline, outlet, byline, date, source, url, language, score, total, groupHits, snip, joined, copies,
             storyId, storyArticles, storyOutlets, storyFirst, storyLast) = try row.decode(
            (Int64, String, String?, String?, String, String?, String?, String?, Double, Int, Int, String, String?, Int,
             Int64?, Int?, Int?, String?, String?).self)
        let paths = joined?.split(separator: "\n").map(String.init) ?? []
        let (snippetText, highlights) = SnippetMarkup.decode(snip)
        var story: StorySummary?
        if let storyId, let storyArticles, let storyOutlets, let storyFirst, let storyLast {
            story = StorySummary(id: storyId, articles: storyArticles, outlets: storyOutlets, firstDate: storyFirst, lastDate: storyLast)
        }
        return (total, SearchHit(rank: rank, id: id, path: paths.first ?? "", paths: paths, title: headline,
                                 outlet: outlet, byline: byline, date: date,
                                 dateSource: source.flatMap(DateSource.init(rawValue:)) ?? .file, url: url, language: language,
                                 score: score, snippet: snippetText, highlights: highlights,
                                 copies: copies, story: story, storyHits: group == .stories ? groupHits : nil))
    }

    /// When the latest article arrived (Unix seconds); nil in an empty archive.
    public func latestArrival() async throws(ArchiveError) -> Double? {
        let logger = self.logger
        return try await connected(doing: "read the latest arrival") { connection in
            try await connection.query("SELECT max(ingested_at) FROM newsd_article", logger: logger).collect().first?.decode(Double?.self) ?? nil
        }
    }

    /// Up to when Unix user `uid` of this host has seen what arrived; nil before their first look.
    public func readerCursor(uid: UInt32) async throws(ArchiveError) -> Double? {
        let logger = self.logger, host = self.host
        return try await connected(doing: "read what user \(uid) has seen") { connection in
            try await connection.query("SELECT seen_up_to FROM newsd_reader WHERE host_id = \(host) AND uid = \(Int64(uid))", logger: logger)
                .collect().first?.decode(Double.self)
        }
    }

    /// Records that `uid` of this host has seen everything up to `moment`; never moves back.
    public func advanceReaderCursor(uid: UInt32, to moment: Double) async throws(ArchiveError) {
        let logger = self.logger, host = self.host
        _ = try await connected(doing: "record what user \(uid) has seen") { connection in
            try await connection.query("""
                INSERT INTO newsd_reader (host_id, uid, seen_up_to) VALUES (\(host), \(Int64(uid)), \(moment))
                ON CONFLICT (host_id, uid) DO UPDATE SET seen_up_to = greatest(newsd_reader.seen_up_to, EXCLUDED.seen_up_to)
                """, logger: logger)
        }
    }

    /// PostgreSQL's SQLSTATE for a statement stopped by `statement_timeout`.
    public static let statementTimeoutState = "57014"

    /// ts_headline's options: the embedded index's highlight markers and about its passage length.
    static let snippetOptions = "StartSel=\(SnippetMarkup.open), StopSel=\(SnippetMarkup.close), MaxWords=24, MinWords=12, ShortWord=2, MaxFragments=1, FragmentDelimiter=…"

    /// The number of matches, for a page past the last one.
    /// One article with its text and every file (of every host) holding it.
    public func article(id: Int64) async throws(ArchiveError) -> ArticleResponse? {
        let logger = self.logger
        return try await connected(doing: "read article \(id)") { connection in
            guard let row = try await connection.query("""
                SELECT id, headline, outlet, byline, article_date, date_source, url, language, word_count, encoding, body, ingested_at,
                       story_id, copy_of, copy_similarity,
                       (SELECT string_agg(f.host_id || ':' || f.path, E'\\n' ORDER BY f.host_id, f.path) FROM newsd_file f WHERE f.article_id = a.id)
                FROM newsd_article a WHERE id = \(id)
                """, logger: logger).collect().first else { return nil }
            let (articleId, headline, outlet, byline, date, source, url, language, words, encoding, body, ingested, story, copyOf, similarity,
                 joined) = try row.decode(
                (Int64, String, String?, String?, String, String?, String?, String?, Int, String, String, Double, Int64?, Int64?, Double?, String?).self)
            return ArticleResponse(id: articleId, title: headline, outlet: outlet, byline: byline, date: date,
                                   dateSource: source.flatMap(DateSource.init(rawValue:)) ?? .file, url: url, language: language,
                                   wordCount: words, encoding: encoding, paths: joined?.split(separator: "\n").map(String.init) ?? [],
                                   body: body, ingestedAt: ingested, storyId: story, copyOf: copyOf, copySimilarity: similarity)
        }
    }

    /// The article a path holds: `host:path`, or a path of this host's inbox.
    public func articleId(path: String) async throws(ArchiveError) -> Int64? {
        let (owner, file) = split(path)
        let logger = self.logger
        return try await connected(doing: "look up \(path)") { connection in
            try await connection.query("SELECT article_id FROM newsd_file WHERE host_id = \(owner) AND path = \(file)", logger: logger)
                .collect().first?.decode(Int64.self)
        }
    }

    /// The failure recorded for a path (`host:path`, or this host's), ignored files included.
    public func failure(path: String) async throws(ArchiveError) -> FailureRecord? {
        let (owner, file) = split(path)
        let logger = self.logger
        return try await connected(doing: "look up \(path)") { connection in
            guard let row = try await connection.query("""
                SELECT path, code, reason, inode, size, mtime_ns, ctime_ns FROM newsd_failure WHERE host_id = \(owner) AND path = \(file)
                """, logger: logger).collect().first else { return nil }
            let (path, code, reason, inode, size, mtime, ctime) = try row.decode((String, String, String, Int64, Int64, Int64, Int64).self)
            return FailureRecord(path: path, code: code, reason: reason,
                                 stamp: Self.stamp(inode, size, mtime, ctime))
        }
    }

    /// The paths of the articles a multi-article file holds, in file order.
    public func memberPaths(of container: String, limit: Int) async throws(ArchiveError) -> [String] {
        let (owner, file) = split(container)
        let logger = self.logger
        return try await connected(doing: "look up \(container)") { connection in
            try await connection.query("""
                SELECT path FROM newsd_file WHERE host_id = \(owner) AND container = \(file)
                ORDER BY length(path), path LIMIT \(limit)
                """, logger: logger).collect().map { owner + ":" + (try $0.decode(String.self)) }
        }
    }

    /// `host:path` as (host, path); a path without a known host's prefix is this host's.
    func split(_ path: String) -> (host: String, path: String) {
        if let colon = path.firstIndex(of: ":"), !path[..<colon].contains("/") {
            return (String(path[..<colon]), String(path[path.index(after: colon)...]))
        }
        return (host, path)
    }

    /// The stamp of every file of this host below `subtree` (`""`: all), indexed or failed, for
    /// reconciliation: other hosts' files are never touched. `onProgress` is called every
    /// `ArticleIndex.stampsPerProgress` rows.
    public func knownStamps(under subtree: String = "", onProgress: @escaping @Sendable () -> Void = {}) async throws(ArchiveError) -> [String: FileStamp] {
        let (from, before) = subtree.isEmpty ? ("", "\u{10FFFF}") : (subtree + "/", subtree + "0")
        var bindings = PostgresBindings()
        bindings.append(host)
        bindings.append(from)
        bindings.append(before)
        return try await stamps(where: "path COLLATE \"C\" >= $2 AND path COLLATE \"C\" < $3", bindings, membersToo: false, onProgress: onProgress)
    }

    /// The recorded stamps of just these paths of this host (indexed or failed).
    public func knownStamps(of paths: [String]) async throws(ArchiveError) -> [String: FileStamp] {
        guard !paths.isEmpty else { return [:] }
        var bindings = PostgresBindings()
        bindings.append(host)
        bindings.append(paths)
        return try await stamps(where: "path = ANY($2)", bindings, membersToo: true)
    }

    /// The stamps of this host's indexed, failed and multi-article files matching `condition`
    /// (`bindings`: the host as `$1`, then the condition's). Members of a multi-article file are
    /// known through their file's stamp unless `membersToo`.
    private func stamps(where condition: String, _ binds: PostgresBindings, membersToo: Bool,
                        onProgress: @escaping @Sendable () -> Void = {}) async throws(ArchiveError) -> [String: FileStamp] {
        let logger = self.logger
        return try await connected(doing: "read this host's known files") { connection in
            var stamps: [String: FileStamp] = [:]
            var rowsRead = 0
            for table in ["newsd_file", "newsd_failure", "newsd_container"] {
                let members = table == "newsd_file" && !membersToo ? "AND container IS NULL" : ""
                let rows = try await connection.query(PostgresQuery(unsafeSQL: """
                    SELECT path, inode, size, mtime_ns, ctime_ns FROM \(table) WHERE host_id = $1 AND \(condition) \(members)
                    """, binds: binds), logger: logger)
                for try await row in rows {
                    let (path, inode, size, mtime, ctime) = try row.decode((String, Int64, Int64, Int64, Int64).self)
                    stamps[path] = Self.stamp(inode, size, mtime, ctime)
                    rowsRead += 1
                    if rowsRead % ArticleIndex.stampsPerProgress == 0 { onProgress() }
                }
            }
            return stamps
        }
    }

    /// A stamp from its stored columns (the inode stored as a signed 64-bit integer).
    static func stamp(_ inode: Int64, _ size: Int64, _ mtime: Int64, _ ctime: Int64) -> FileStamp {
        FileStamp(inode: UInt64(bitPattern: inode), size: size, mtimeNs: mtime, ctimeNs: ctime)
    }

    /// This host's recorded failures (or, with `ignored`, files of formats newsd does not read),
    /// multi-article files with skipped entries among them, by path.
    public func failures(limit: Int = 1000, ignored: Bool = false) async throws(ArchiveError) -> [FailureRecord] {
        let ignoredCode = ArticleIndex.ignoredCode, skippedCode = ArticleIndex.entriesSkippedCode
        let logger = self.logger, host = self.host
        return try await connected(doing: "list failures") { connection in
            let rows = try await connection.query("""
                SELECT path, code, reason, inode, size, mtime_ns, ctime_ns FROM newsd_failure
                WHERE host_id = \(host) AND (code = \(ignoredCode)) = \(ignored)
                UNION ALL
                SELECT path, \(skippedCode), skipped || ' of ' || (skipped + articles) || ' entries could not be read (the others are indexed): '
                           || coalesce(skipped_reasons, ''), inode, size, mtime_ns, ctime_ns
                FROM newsd_container WHERE host_id = \(host) AND skipped > 0 AND NOT \(ignored)
                ORDER BY 1 LIMIT \(limit)
                """, logger: logger).collect()
            return try rows.map { row in
                let (path, code, reason, inode, size, mtime, ctime) = try row.decode((String, String, String, Int64, Int64, Int64, Int64).self)
                return FailureRecord(path: path, code: code, reason: reason,
                                     stamp: Self.stamp(inode, size, mtime, ctime))
            }
        }
    }

    /// Counts for `status`: the whole archive's articles, and each host's files and failures.
    public func overview() async throws(ArchiveError) -> ArchiveOverview {
        let logger = self.logger
        // Status answers within two seconds even while the database is away.
        return try await connected(doing: "count the archive", within: Self.statusWait) { connection in
            let (articles, unplaced, stories) = try await connection.query("""
                SELECT (SELECT count(*) FROM newsd_article), (SELECT count(*) FROM newsd_article WHERE story_id IS NULL),
                       (SELECT count(*) FROM newsd_story)
                """, logger: logger).collect().first?.decode((Int, Int, Int).self) ?? (0, 0, 0)
            let rows = try await connection.query("""
                SELECT h.host_id,
                       (SELECT count(*) FROM newsd_file f WHERE f.host_id = h.host_id),
                       (SELECT count(*) FROM newsd_failure f WHERE f.host_id = h.host_id AND f.code <> \(ArticleIndex.ignoredCode))
                        + (SELECT count(*) FROM newsd_container c WHERE c.host_id = h.host_id AND c.skipped > 0),
                       (SELECT count(*) FROM newsd_failure f WHERE f.host_id = h.host_id AND f.code = \(ArticleIndex.ignoredCode)),
                       h.last_seen
                FROM newsd_host h ORDER BY h.host_id
                """, logger: logger).collect()
            let hosts = try rows.map { row in
                let (name, files, failed, ignored, seen) = try row.decode((String, Int, Int, Int, Double).self)
                return ArchiveOverview.Host(host: name, files: files, failed: failed, ignored: ignored, lastSeen: seen)
            }
            let outlets = try await connection.query("""
                SELECT outlet, count(*) FROM newsd_article WHERE outlet IS NOT NULL GROUP BY outlet ORDER BY 2 DESC, 1 LIMIT 10
                """, logger: logger).collect().map { try $0.decode((String, Int).self) }
            let languages = try await connection.query("""
                SELECT language, count(*) FROM newsd_article WHERE language IS NOT NULL GROUP BY language ORDER BY 2 DESC, 1 LIMIT 20
                """, logger: logger).collect().map { try $0.decode((String, Int).self) }
            // The archive's own tables with their indexes and TOAST, not the whole database.
            let bytes = try await connection.query("""
                SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::int8 FROM pg_class c
                WHERE c.relkind = 'r' AND c.relname = ANY(\(unescaped: PostgresSchema.tableArray))
                  AND c.relnamespace = current_schema()::regnamespace
                """, logger: logger).collect().first?.decode(Int64.self) ?? 0
            return ArchiveOverview(articles: articles, stories: stories, unplaced: unplaced, hosts: hosts,
                                   outlets: outlets.map { OutletCount(outlet: $0.0, articles: $0.1) },
                                   languages: languages.map { LanguageCount(language: $0.0, articles: $0.1) }, databaseBytes: bytes)
        }
    }
}

/// What `status` shows of a shared archive.
public struct ArchiveOverview: Sendable, Equatable {
    public struct Host: Sendable, Equatable {
        public var host: String
        public var files: Int
        public var failed: Int
        public var ignored: Int
        /// Unix seconds of the host's last start.
        public var lastSeen: Double
    }

    public var articles: Int
    /// Stories as the placer last published them.
    public var stories: Int
    /// Articles the placer has not yet published a story for.
    public var unplaced: Int
    public var hosts: [Host]
    public var outlets: [OutletCount]
    public var languages: [LanguageCount]
    /// Bytes of the archive's tables, their indexes and TOAST.
    public var databaseBytes: Int64
}

extension PostgresBindings {
    /// Appends a translated query's arguments, in order (the next `$n` placeholders).
    mutating func append(_ arguments: [SQLArgument]) {
        for argument in arguments {
            switch argument {
            case .text(let text): append(text)
            case .double(let number): append(number)
            }
        }
    }
}
