import Logging
import NewsCore
import NewsIndex
import PostgresNIO

/// New articles as every host of a shared archive learns of them: each batch that adds articles
/// notifies their ids at its commit (`articlesChannel`), and any host matches its running watches
/// against those ids alone, never against the archive.
extension PostgresArchive {
    /// The longest notification payload newsd sends (PostgreSQL's limit is 8000 bytes).
    static let payloadLimit = 7800

    /// `ids` as comma-separated payloads of at most `payloadLimit` bytes each. No ids: one empty
    /// payload (the batch removed articles or linked files: the placer still looks again).
    static func payloads(_ ids: [Int64]) -> [String] {
        var payloads: [String] = []
        var current = ""
        for id in ids.sorted() {
            let text = String(id)
            if !current.isEmpty && current.utf8.count + 1 + text.utf8.count > payloadLimit {
                payloads.append(current)
                current = ""
            }
            current += current.isEmpty ? text : "," + text
        }
        payloads.append(current)
        return payloads
    }

    /// The ids of one payload; an empty or foreign payload has none.
    static func ids(inPayload payload: String) -> [Int64] {
        payload.split(separator: ",").compactMap { Int64($0) }
    }

    /// Listens for new articles on a connection of its own for as long as `body` runs: the stream
    /// yields the ids each committed batch added (on any host). The stream ends when the
    /// connection is lost; what arrives until the next `listenForArrivals` is not seen.
    public func listenForArrivals(_ body: @escaping @Sendable (AsyncStream<[Int64]>) async throws -> Void) async throws(ArchiveError) {
        let logger = self.logger
        try await connected(doing: "listen for new articles") { connection in
            // A listener callback, not the notification sequence: the sequence does not end when
            // its task is cancelled, and newsd's stop would wait for it.
            let (arrivals, continuation) = AsyncStream<[Int64]>.makeStream()
            let listener = connection.addListener(channel: Self.articlesChannel) { _, notification in
                let ids = Self.ids(inPayload: notification.payload)
                if !ids.isEmpty { continuation.yield(ids) }
            }
            connection.closeFuture.whenComplete { _ in continuation.finish() }
            defer {
                listener.stop()
                continuation.finish()
            }
            _ = try await connection.query("LISTEN \(unescaped: Self.articlesChannel)", logger: logger).collect()
            try await body(arrivals)
            if !connection.isClosed { _ = try? await connection.query("UNLISTEN \(unescaped: Self.articlesChannel)", logger: logger).collect() }
        }
    }

    /// Which of the articles `ids` each standing query matches.
    public func matches(of ids: [Int64], against queries: [StandingQuery]) async throws(ArchiveError) -> [StandingMatch] {
        guard !ids.isEmpty, !queries.isEmpty else { return [] }
        let logger = self.logger
        return try await connected(doing: "match new articles against watches") { connection in
            try await Self.matches(of: ids, against: queries, connection, logger: logger)
        }
    }

    /// The most standing queries one statement matches (each binds its own terms).
    static let queriesPerStatement = 50

    /// Matches `queries` against the articles `ids` on `connection`: one statement per
    /// `queriesPerStatement` queries, each a union of one lookup per query bounded to `ids`.
    static func matches(of ids: [Int64], against queries: [StandingQuery], _ connection: PostgresConnection,
                        logger: Logger) async throws -> [StandingMatch] {
        var found: [StandingMatch] = []
        var start = queries.startIndex
        while start < queries.endIndex {
            let chunk = queries[start..<min(start + queriesPerStatement, queries.endIndex)]
            start = chunk.endIndex
            var bindings = PostgresBindings()
            bindings.append(ids)
            var selects: [String] = []
            for query in chunk {
                bindings.append(query.key)
                let key = bindings.count
                let translated = PostgresQueryTranslator.translate(query.query, firstPlaceholder: bindings.count + 1)
                bindings.append(translated.arguments)
                var conditions = ["a.id = ANY($1)"] + translated.conditions
                if let text = translated.textQuery { conditions.append("a.document @@ \(text)") }
                selects.append("SELECT $\(key)::text, a.id FROM newsd_article a WHERE \(conditions.joined(separator: " AND "))")
            }
            let sql = selects.joined(separator: "\nUNION ALL\n")
            for row in try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger).collect() {
                let (key, id) = try row.decode((String, Int64).self)
                found.append(StandingMatch(key: key, articleId: id))
            }
        }
        return found.sorted { ($0.key, $0.articleId) < ($1.key, $1.articleId) }
    }

    /// The articles `ids` as search hits, in that order, their snippets showing where `query`
    /// matches (the text's opening where it does not, as for an alert on `-word`). Articles
    /// that are gone are left out.
    public func hits(ids: [Int64], matching query: SearchQuery) async throws(ArchiveError) -> [SearchHit] {
        guard !ids.isEmpty else { return [] }
        let translated = PostgresQueryTranslator.translate(query, firstPlaceholder: 3)
        var bindings = PostgresBindings()
        bindings.append(ids)
        bindings.append(Self.snippetOptions)
        bindings.append(translated.arguments)
        let snippet = translated.textQuery.map { "ts_headline(a.search_configuration, a.body, \($0), $2)" }
            ?? "CASE WHEN length(a.body) > 200 THEN substr(a.body, 1, 200) || '…' ELSE a.body END"
        let sql = """
            SELECT \(Self.hitColumns(score: "0::float8", total: "0::int8", groupHits: "1::int8", snippet: snippet))
            FROM newsd_article a LEFT JOIN newsd_story s ON s.id = a.story_id WHERE a.id = ANY($1)
            """
        let logger = self.logger, finalBindings = bindings
        let byId = try await connected(doing: "read \(ids.count) articles") { connection in
            var byId: [Int64: SearchHit] = [:]
            for row in try await connection.query(PostgresQuery(unsafeSQL: sql, binds: finalBindings), logger: logger).collect() {
                let hit = try Self.hit(row, rank: 0, group: .copies).hit
                byId[hit.id] = hit
            }
            return byId
        }
        return ids.compactMap { byId[$0] }.enumerated().map { position, hit in
            var ranked = hit
            ranked.rank = position + 1
            return ranked
        }
    }
}
