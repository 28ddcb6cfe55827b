import Logging
import NewsCore
import NewsIndex
import PostgresNIO

extension PostgresArchive {
    /// Applies one batch of this host's inbox changes in one transaction: a host that dies
    /// mid-batch leaves nothing of it. Outcomes follow the embedded index's: an article is shared
    /// by every file (on any host) holding its text, keeps its id when its only file is edited,
    /// and goes when its last file goes.
    public func apply(_ changes: [IndexChange], now: Double) async throws(ArchiveError) -> [AppliedChange] {
        try await applyBatch(changes, now: now, clock: QueryClock(now: now, utcOffset: 0)).changes
    }

    /// `apply`, and every alert of the archive (whichever host keeps it) matched against the
    /// batch's new articles in the same transaction, each match recorded once; `clock` reads the
    /// alerts' relative dates. Returns the outcomes and how many matches were recorded.
    public func applyBatch(_ changes: [IndexChange], now: Double, clock: QueryClock) async throws(ArchiveError)
        -> (changes: [AppliedChange], alertMatches: Int) {
        let host = self.host, logger = self.logger
        return try await transaction(doing: "write \(changes.count) inbox changes") { connection in
            var writer = BatchWriter(connection: connection, host: host, now: now, logger: logger)
            for change in changes { try await writer.apply(change) }
            try await writer.removeOrphans()
            let fresh = Array(Set(writer.applied.lazy.filter { $0.outcome == .indexed }.compactMap(\.articleId)))
            let alertMatches = try await Self.recordAlertMatches(of: fresh, connection, clock: clock, now: now, logger: logger)
            // Wakes the story placer and every host's watches and alerts (delivered at commit).
            if !writer.applied.isEmpty || !writer.orphanCandidates.isEmpty {
                try await connection.query("""
                    SELECT pg_notify(\(PostgresArchive.articlesChannel), payload) FROM unnest(\(Self.payloads(fresh))::text[]) AS payload
                    """, logger: logger)
            }
            return (writer.applied, alertMatches)
        }
    }
}

/// The statements of one batch, on the connection of its transaction.
private struct BatchWriter {
    let connection: PostgresConnection
    let host: String
    let now: Double
    let logger: Logger
    var applied: [AppliedChange] = []
    /// Articles that lost a file in this batch: removed at the end if no file (of any host) holds
    /// them, so that a file renamed within one batch keeps its article and id.
    var orphanCandidates = Set<Int64>()

    init(connection: PostgresConnection, host: String, now: Double, logger: Logger) {
        self.connection = connection
        self.host = host
        self.now = now
        self.logger = logger
    }

    mutating func apply(_ change: IndexChange) async throws {
        switch change {
        case .upsert(let path, let stamp, let article):
            try await detachMembers(of: path, keeping: [])
            try await connection.query("DELETE FROM newsd_failure WHERE host_id = \(host) AND path = \(path)", logger: logger)
            try await connection.query("DELETE FROM newsd_container WHERE host_id = \(host) AND path = \(path)", logger: logger)
            applied.append(try await upsert(path: path, stamp: stamp, article: article, container: nil))
        case .upsertMembers(let path, let stamp, let members, let skipped, let skippedReasons):
            try await detachFile(path)
            try await detachMembers(of: path, keeping: Set(members.map { "\(path)#\($0.key)" }))
            for member in members {
                let change = try await upsert(path: "\(path)#\(member.key)", stamp: stamp, article: member.article, container: path)
                if change.outcome != .unchanged { applied.append(change) }
            }
            try await connection.query("""
                INSERT INTO newsd_container (host_id, path, articles, skipped, skipped_reasons, inode, size, mtime_ns, ctime_ns)
                VALUES (\(host), \(path), \(members.count), \(skipped), \(skippedReasons), \(Int64(bitPattern: stamp.inode)), \(stamp.size),
                        \(stamp.mtimeNs), \(stamp.ctimeNs))
                ON CONFLICT (host_id, path) DO UPDATE SET articles = EXCLUDED.articles, skipped = EXCLUDED.skipped,
                    skipped_reasons = EXCLUDED.skipped_reasons, inode = EXCLUDED.inode, size = EXCLUDED.size,
                    mtime_ns = EXCLUDED.mtime_ns, ctime_ns = EXCLUDED.ctime_ns
                """, logger: logger)
            if skipped > 0 {
                applied.append(AppliedChange(path: path, outcome: .failed,
                                             failure: (ArticleIndex.entriesSkippedCode, skippedReasons ?? "\(skipped) entries could not be read")))
            }
            try await connection.query("DELETE FROM newsd_failure WHERE host_id = \(host) AND path = \(path)", logger: logger)
        case .failed(let path, let stamp, let code, let reason):
            try await detachFile(path)
            try await detachMembers(of: path, keeping: [])
            try await connection.query("DELETE FROM newsd_container WHERE host_id = \(host) AND path = \(path)", logger: logger)
            try await connection.query("""
                INSERT INTO newsd_failure (host_id, path, code, reason, inode, size, mtime_ns, ctime_ns)
                VALUES (\(host), \(path), \(code), \(reason), \(Int64(bitPattern: stamp.inode)), \(stamp.size), \(stamp.mtimeNs), \(stamp.ctimeNs))
                ON CONFLICT (host_id, path) DO UPDATE SET code = EXCLUDED.code, reason = EXCLUDED.reason, inode = EXCLUDED.inode,
                    size = EXCLUDED.size, mtime_ns = EXCLUDED.mtime_ns, ctime_ns = EXCLUDED.ctime_ns
                """, logger: logger)
            applied.append(AppliedChange(path: path, outcome: .failed, failure: (code, reason)))
        case .remove(let path):
            try await detachMembers(of: path, keeping: [])
            let old = try await detachFile(path)
            try await connection.query("DELETE FROM newsd_failure WHERE host_id = \(host) AND path = \(path)", logger: logger)
            try await connection.query("DELETE FROM newsd_container WHERE host_id = \(host) AND path = \(path)", logger: logger)
            applied.append(AppliedChange(path: path, outcome: .removed, articleId: old))
        }
    }

    /// Links `path` to the article holding `article`'s text, creating or rewriting it as needed.
    mutating func upsert(path: String, stamp: FileStamp, article: IndexableArticle, container: String?) async throws -> AppliedChange {
        let previous = try await connection.query(
            "SELECT article_id FROM newsd_file WHERE host_id = \(host) AND path = \(path) FOR UPDATE", logger: logger
        ).collect().first?.decode(Int64.self)
        // KEY SHARE: enough to keep the article from being removed or given another text by
        // another host before this batch commits, and it does not wait for (or hold up) the story
        // placer's publish, which updates the same rows' story and copy group in its own order.
        let sameText = try await connection.query(
            "SELECT id FROM newsd_article WHERE content_hash = \(article.contentHash) FOR KEY SHARE", logger: logger
        ).collect().first?.decode(Int64.self)
        let articleId: Int64
        let outcome: AppliedChange.Outcome
        let configuration = PostgresSchema.searchConfiguration(language: article.language)
        if let sameText {
            articleId = sameText
            outcome = previous == sameText ? .unchanged : .duplicate
            if outcome == .unchanged {
                // Read again (after an upgrade, say): a newer extractor may know more about the
                // same text, and a newer analysis make another fingerprint of it.
                let fingerprint = ByteBuffer(bytes: article.fingerprint)
                try await connection.query("""
                    UPDATE newsd_article SET outlet = \(article.outlet), byline = \(article.byline), published_date = \(article.publishedDate),
                        article_date = \(article.articleDate), date_source = \(article.storedDateSource), url = \(article.url),
                        language = \(article.language), search_configuration = \(configuration)::regconfig, fingerprint = \(fingerprint)
                    WHERE id = \(sameText) AND (outlet IS DISTINCT FROM \(article.outlet) OR byline IS DISTINCT FROM \(article.byline)
                        OR published_date IS DISTINCT FROM \(article.publishedDate) OR article_date IS DISTINCT FROM \(article.articleDate)
                        OR date_source IS DISTINCT FROM \(article.storedDateSource) OR url IS DISTINCT FROM \(article.url)
                        OR language IS DISTINCT FROM \(article.language) OR fingerprint IS DISTINCT FROM \(fingerprint))
                    """, logger: logger)
            }
        } else if let previous,
                  try await connection.query("SELECT count(*) FROM newsd_file WHERE article_id = \(previous)", logger: logger)
                    .collect().first?.decode(Int.self) == 1 {
            // The file was edited and nothing else (on any host) holds its old text: keep the id.
            try await connection.query("""
                UPDATE newsd_article SET content_hash = \(article.contentHash), headline = \(article.headline), body = \(article.body),
                    encoding = \(article.encoding), word_count = \(article.wordCount), outlet = \(article.outlet), byline = \(article.byline),
                    published_date = \(article.publishedDate), article_date = \(article.articleDate), date_source = \(article.storedDateSource),
                    url = \(article.url), language = \(article.language), search_configuration = \(configuration)::regconfig,
                    ingested_at = \(now), story_id = NULL, copy_of = NULL, copy_similarity = NULL, fingerprint = \(ByteBuffer(bytes: article.fingerprint))
                WHERE id = \(previous)
                """, logger: logger)
            articleId = previous
            outcome = .indexed
        } else {
            let inserted = try await connection.query("""
                INSERT INTO newsd_article (content_hash, headline, body, encoding, word_count, outlet, byline, published_date, date_source,
                    article_date, url, language, search_configuration, ingested_at, first_host, fingerprint)
                VALUES (\(article.contentHash), \(article.headline), \(article.body), \(article.encoding), \(article.wordCount),
                    \(article.outlet), \(article.byline), \(article.publishedDate), \(article.storedDateSource), \(article.articleDate),
                    \(article.url), \(article.language), \(configuration)::regconfig, \(now), \(host), \(ByteBuffer(bytes: article.fingerprint)))
                ON CONFLICT (content_hash) DO NOTHING
                RETURNING id
                """, logger: logger).collect().first?.decode(Int64.self)
            if let inserted {
                articleId = inserted
                outcome = .indexed
            } else {
                // Another host stored the same text since the lookup above.
                guard let other = try await connection.query(
                    "SELECT id FROM newsd_article WHERE content_hash = \(article.contentHash) FOR KEY SHARE", logger: logger
                ).collect().first?.decode(Int64.self) else {
                    throw ArchiveError(message: "an article stored by another host vanished while this one linked to it", sqlState: "40001")
                }
                articleId = other
                outcome = .duplicate
            }
        }
        if let previous, previous != articleId { orphanCandidates.insert(previous) }
        try await connection.query("""
            INSERT INTO newsd_file (host_id, path, article_id, container, encoding, inode, size, mtime_ns, ctime_ns)
            VALUES (\(host), \(path), \(articleId), \(container), \(article.encoding), \(Int64(bitPattern: stamp.inode)), \(stamp.size),
                    \(stamp.mtimeNs), \(stamp.ctimeNs))
            ON CONFLICT (host_id, path) DO UPDATE SET article_id = EXCLUDED.article_id, container = EXCLUDED.container,
                encoding = EXCLUDED.encoding, inode = EXCLUDED.inode, size = EXCLUDED.size, mtime_ns = EXCLUDED.mtime_ns,
                ctime_ns = EXCLUDED.ctime_ns
            """, logger: logger)
        return AppliedChange(path: path, outcome: outcome, articleId: articleId, encoding: article.encoding)
    }

    /// Unlinks this host's file at `path`; returns the article it held.
    @discardableResult
    mutating func detachFile(_ path: String) async throws -> Int64? {
        let old = try await connection.query(
            "DELETE FROM newsd_file WHERE host_id = \(host) AND path = \(path) RETURNING article_id", logger: logger
        ).collect().first?.decode(Int64.self)
        if let old { orphanCandidates.insert(old) }
        return old
    }

    /// Unlinks the members of a multi-article file at `path` except `kept`.
    mutating func detachMembers(of path: String, keeping kept: Set<String>) async throws {
        let rows = try await connection.query("""
            DELETE FROM newsd_file WHERE host_id = \(host) AND container = \(path) AND NOT (path = ANY(\(Array(kept))))
            RETURNING article_id
            """, logger: logger).collect()
        for row in rows { orphanCandidates.insert(try row.decode(Int64.self)) }
    }

    /// Removes the articles no file holds any more, on any host.
    mutating func removeOrphans() async throws {
        guard !orphanCandidates.isEmpty else { return }
        try await connection.query("""
            DELETE FROM newsd_article a WHERE a.id = ANY(\(Array(orphanCandidates)))
            AND NOT EXISTS (SELECT 1 FROM newsd_file f WHERE f.article_id = a.id)
            """, logger: logger)
    }
}
