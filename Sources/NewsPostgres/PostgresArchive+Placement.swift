import Logging
import NewsCore
import NewsIndex
import PostgresNIO

extension PostgresArchive {
    /// The channel every batch that changes the inbox's files notifies, at its commit.
    static let articlesChannel = "newsd_articles"
    /// The advisory lock held by the archive's one story placer, for as long as its session lasts.
    static let placerLock: Int64 = 0x6E65_7773_6400_0002

    /// Runs `body` as the archive's one story placer, on a connection of its own that holds the
    /// placer's lock (the lock goes with the connection, so a host that dies hands placement to
    /// the next that asks). Returns false at once when another host places. `wake` yields each
    /// time a batch that adds or removes articles commits, and once every `recheck` besides, in
    /// case a notification was lost with a connection.
    public func leadPlacement(recheck: Duration = .seconds(60),
                              _ body: @escaping @Sendable (PlacementSession, AsyncStream<Void>) async throws -> Void) async throws(ArchiveError) -> Bool {
        let logger = self.logger
        return try await connected(doing: "place stories") { connection in
            let locked = try await connection.query("SELECT pg_try_advisory_lock(\(Self.placerLock))", logger: logger)
                .collect().first?.decode(Bool.self) ?? false
            guard locked else { return false }
            do {
                try await Self.lead(connection, recheck: recheck, logger: logger, body)
            } catch {
                await Self.unlockPlacement(connection, logger: logger)
                throw error
            }
            await Self.unlockPlacement(connection, logger: logger)
            return true
        }
    }

    private static func lead(_ connection: PostgresConnection, recheck: Duration, logger: Logger,
                             _ body: @escaping @Sendable (PlacementSession, AsyncStream<Void>) async throws -> Void) async throws {
        // Many notifications while the placer works are one reason to look again. A listener
        // callback, not the notification sequence: the sequence does not end when its task is
        // cancelled, and newsd's stop would wait for it.
        let (wake, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let listener = connection.addListener(channel: articlesChannel) { _, _ in continuation.yield() }
        // A lost connection ends the session (and its lock) at once, not at the next recheck.
        connection.closeFuture.whenComplete { _ in continuation.finish() }
        defer {
            listener.stop()
            continuation.finish()
        }
        _ = try await connection.query("LISTEN \(unescaped: articlesChannel)", logger: logger).collect()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                while true {
                    try await Task.sleep(for: recheck)
                    continuation.yield()
                }
            }
            defer { group.cancelAll() }
            try await body(PlacementSession(connection: connection, logger: logger), wake)
        }
        if !connection.isClosed { _ = try? await connection.query("UNLISTEN \(unescaped: articlesChannel)", logger: logger).collect() }
    }

    /// Gives the placer's lock back before the connection returns to the pool; a connection that
    /// cannot say so is closed, which releases the lock as surely.
    private static func unlockPlacement(_ connection: PostgresConnection, logger: Logger) async {
        guard !connection.isClosed else { return }
        do {
            _ = try await connection.query("SELECT pg_advisory_unlock(\(placerLock))", logger: logger).collect()
        } catch {
            try? await connection.close()
        }
    }
}

/// The archive as its story placer reads and writes it, on the connection holding the placer's lock.
public struct PlacementSession: Sendable {
    let connection: PostgresConnection
    let logger: Logger

    /// These articles (those still in the archive), as the embedded index takes them.
    public func articles(ids: [Int64]) async throws(ArchiveError) -> [(id: Int64, article: IndexableArticle)] {
        try await run("read articles to place") { connection, logger in
            try await connection.query("""
                SELECT a.id, a.content_hash, a.headline, a.body, a.encoding, a.word_count, a.outlet, a.byline, a.published_date,
                       a.date_source, a.article_date, a.url, a.language,
                       \(unescaped: PostgresArchive.firstFileTime)
                FROM newsd_article a WHERE a.id = ANY(\(ids)) ORDER BY a.id
                """, logger: logger).collect().map { row in
                let (id, hash, headline, body, encoding, words, outlet, byline, published, source, date, url, language, mtime) = try row.decode(
                    (Int64, String, String, String, String, Int, String?, String?, String?, String?, String, String?, String?, Int64).self)
                return (id, IndexableArticle(contentHash: hash, headline: headline, body: body, encoding: encoding, wordCount: words,
                                             outlet: outlet, byline: byline, publishedDate: published,
                                             dateSource: source.flatMap(DateSource.init(rawValue:)), url: url, language: language,
                                             fileDate: date, fileTime: Double(mtime) / 1e9))
            }
        }
    }

    /// Every article in the archive, and whether it waits for a story (new, or edited since).
    public func articleIds() async throws(ArchiveError) -> [Int64: Bool] {
        try await run("list the archive's articles") { connection, logger in
            var ids: [Int64: Bool] = [:]
            let rows = try await connection.query("SELECT id, story_id IS NULL FROM newsd_article", logger: logger)
            for try await (id, unplaced) in rows.decode((Int64, Bool).self) { ids[id] = unplaced }
            return ids
        }
    }

    /// What the archive holds now: each article's story and copy group, and each story.
    public func published() async throws(ArchiveError) -> PublishedPlacement {
        try await run("read the published stories") { connection, logger in
            var result = PublishedPlacement()
            let articles = try await connection.query("SELECT id, story_id, copy_of, copy_similarity FROM newsd_article", logger: logger)
            for try await (id, story, copy, similarity) in articles.decode((Int64, Int64?, Int64?, Double?).self) {
                result.articles[id] = Placement(storyId: story, copyOf: copy, copySimilarity: similarity)
            }
            let stories = try await connection.query("SELECT id, articles, outlets, first_date, last_date FROM newsd_story", logger: logger)
            for try await (id, count, outlets, first, last) in stories.decode((Int64, Int, Int, String, String).self) {
                result.stories[id] = StorySummary(id: id, articles: count, outlets: outlets, firstDate: first, lastDate: last)
            }
            return result
        }
    }

    /// Writes what changed, in one transaction: articles gone meanwhile are skipped. A
    /// transaction that met another host's (a deadlock, say) is tried again, up to three times,
    /// rather than ending the session: placement would move to another host for nothing.
    public func publish(articles: [(id: Int64, placement: Placement)], stories: [StorySummary], removedStories: [Int64]) async throws(ArchiveError) {
        try await PostgresArchive.retryingConflicts(logger: logger) { () async throws(ArchiveError) in
            try await publishOnce(articles: articles, stories: stories, removedStories: removedStories)
        }
    }

    private func publishOnce(articles: [(id: Int64, placement: Placement)], stories: [StorySummary], removedStories: [Int64]) async throws(ArchiveError) {
        try await run("publish stories") { connection, logger in
            try await connection.withTransaction(logger: logger) { connection in
                if !removedStories.isEmpty {
                    _ = try await connection.query("DELETE FROM newsd_story WHERE id = ANY(\(removedStories))", logger: logger).collect()
                }
                if !stories.isEmpty {
                    _ = try await connection.query("""
                        INSERT INTO newsd_story (id, articles, outlets, first_date, last_date)
                        SELECT * FROM unnest(\(stories.map(\.id)), \(stories.map(\.articles)), \(stories.map(\.outlets)),
                                             \(stories.map(\.firstDate)), \(stories.map(\.lastDate)))
                        ON CONFLICT (id) DO UPDATE SET articles = EXCLUDED.articles, outlets = EXCLUDED.outlets,
                            first_date = EXCLUDED.first_date, last_date = EXCLUDED.last_date
                        """, logger: logger).collect()
                }
                // Arrays cannot hold NULL here: 0 (no article or story has it) and -1 (no similarity) stand for none.
                for part in stride(from: 0, to: articles.count, by: 10_000) {
                    let slice = articles[part..<min(part + 10_000, articles.count)]
                    _ = try await connection.query("""
                        UPDATE newsd_article a SET story_id = nullif(u.story, 0), copy_of = nullif(u.copy, 0),
                            copy_similarity = nullif(u.similarity, -1)
                        FROM unnest(\(slice.map(\.id)), \(slice.map { $0.placement.storyId ?? 0 }),
                                    \(slice.map { $0.placement.copyOf ?? 0 }), \(slice.map { $0.placement.copySimilarity ?? -1 }))
                            AS u(id, story, copy, similarity)
                        WHERE a.id = u.id
                        """, logger: logger).collect()
                }
            }
        }
    }

    private func run<T: Sendable>(_ what: String, _ body: (PostgresConnection, Logger) async throws -> T) async throws(ArchiveError) -> T {
        do {
            return try await body(connection, logger)
        } catch {
            throw PostgresArchive.unwrap(error, doing: what)
        }
    }
}

/// An article's story and copy group, as published: `copyOf` is the copy group's first article,
/// `copySimilarity` how alike the two texts are.
public struct Placement: Sendable, Hashable {
    public var storyId: Int64?
    public var copyOf: Int64?
    public var copySimilarity: Double?

    public init(storyId: Int64?, copyOf: Int64?, copySimilarity: Double?) {
        self.storyId = storyId
        self.copyOf = copyOf
        self.copySimilarity = copySimilarity
    }
}

/// The stories the archive holds, as the placer last published them.
public struct PublishedPlacement: Sendable {
    public var articles: [Int64: Placement] = [:]
    public var stories: [Int64: StorySummary] = [:]

    public init() {}
}
