import Logging
import NewsCore
import PostgresNIO

extension PostgresArchive {
    /// Article `a`'s first file as `host:path` (the path a story or related list shows).
    static let firstPath = "(SELECT min(f.host_id || ':' || f.path) FROM newsd_file f WHERE f.article_id = a.id)"
    /// The modification time (ns) of article `a`'s oldest file: it orders a story's reports of one day.
    static let firstFileTime = "coalesce((SELECT min(f.mtime_ns) FROM newsd_file f WHERE f.article_id = a.id), 0)"

    /// A story with its articles in story order (`StoryTimeline`), as the placer published it.
    public func story(id: Int64) async throws(ArchiveError) -> StoryResponse? {
        let logger = self.logger
        return try await connected(doing: "read story \(id)") { connection in
            guard let summary = try await connection.query("""
                SELECT articles, outlets, first_date, last_date FROM newsd_story WHERE id = \(id)
                """, logger: logger).collect().first else { return nil }
            let (articles, outlets, first, last) = try summary.decode((Int, Int, String, String).self)
            let rows = try await connection.query("""
                SELECT a.id, a.article_date, a.date_source, a.outlet, a.headline, a.copy_of,
                       \(unescaped: Self.firstPath),
                       \(unescaped: Self.firstFileTime)
                FROM newsd_article a WHERE a.story_id = \(id)
                """, logger: logger).collect()
            let entries = try rows.map { row in
                let (article, date, source, outlet, headline, copyOf, path, mtime) = try row.decode(
                    (Int64, String, String?, String?, String, Int64?, String?, Int64).self)
                return (entry: StoryResponse.Entry(id: article, date: date, dateSource: source.flatMap(DateSource.init(rawValue:)) ?? .file,
                                                   outlet: outlet, title: headline, path: path ?? "", copyOf: copyOf),
                        fileTime: Double(mtime) / 1e9)
            }
            return StoryResponse(story: StorySummary(id: id, articles: articles, outlets: outlets, firstDate: first, lastDate: last),
                                 timeline: StoryTimeline.ordered(entries))
        }
    }

    /// Stories with at least `minArticles` articles whose last report is dated on or after
    /// `since`, in `sort` order, up to `limit`; and how many there are (as the embedded index's).
    public func stories(since: String?, minArticles: Int, sort: StoryListSort, limit: Int) async throws(ArchiveError)
        -> (total: Int, stories: [StoryListEntry]) {
        let order = switch sort {
        case .latest: "s.last_date DESC, s.articles DESC, s.id DESC"
        case .size: "s.articles DESC, s.last_date DESC, s.id DESC"
        case .outlets: "s.outlets DESC, s.articles DESC, s.last_date DESC, s.id DESC"
        }
        let logger = self.logger
        return try await connected(doing: "list stories") { connection in
            let total = try await connection.query("""
                SELECT count(*) FROM newsd_story s WHERE s.articles >= \(minArticles) AND (\(since)::text IS NULL OR s.last_date >= \(since))
                """, logger: logger).collect().first?.decode(Int.self) ?? 0
            // The first report as `story(id:)` orders them: published dates before uncertain ones.
            let query: PostgresQuery = """
                SELECT s.id, s.articles, s.outlets, s.first_date, s.last_date,
                       (SELECT a.headline FROM newsd_article a WHERE a.story_id = s.id
                        ORDER BY a.date_source IS DISTINCT FROM 'published', a.article_date,
                                 \(unescaped: Self.firstFileTime), a.copy_of IS NOT NULL, a.content_hash LIMIT 1)
                FROM newsd_story s WHERE s.articles >= \(minArticles) AND (\(since)::text IS NULL OR s.last_date >= \(since))
                ORDER BY \(unescaped: order) LIMIT \(limit)
                """
            let rows = try await connection.query(query, logger: logger).collect()
            return (total, try rows.map { row in
                let (id, articles, outlets, first, last, headline) = try row.decode((Int64, Int, Int, String, String, String?).self)
                return StoryListEntry(story: StorySummary(id: id, articles: articles, outlets: outlets, firstDate: first, lastDate: last),
                                      headline: headline ?? "")
            })
        }
    }
}

extension PostgresArchive {
    /// Archives of up to this many placed articles score every one of them for `related` (as the
    /// embedded index does); larger ones score this many, those nearest in date.
    static let relatedScored = 20_000

    /// The articles at least `Similarity.relatedFloor` similar to one, best first, scored by the
    /// fingerprints each host stored with the text, as the embedded index scores them.
    public func related(id: Int64, limit: Int) async throws(ArchiveError) -> RelatedResponse? {
        let logger = self.logger
        return try await connected(doing: "find articles related to \(id)") { connection in
            guard let own = try await connection.query("""
                SELECT headline, story_id, copy_of, fingerprint, article_date FROM newsd_article WHERE id = \(id)
                """, logger: logger).collect().first else { return nil }
            let (headline, ownStory, copyOf, bytes, date) = try own.decode((String, Int64?, Int64?, ByteBuffer?, String).self)
            guard let ownStory, let bytes, let fingerprint = ArticleFingerprint(encoded: Array(buffer: bytes)) else {
                return RelatedResponse(id: id, title: headline, related: [])
            }
            let ownGroup = copyOf ?? id
            let candidates = try await connection.query("""
                SELECT id, fingerprint FROM newsd_article
                WHERE id <> \(id) AND story_id IS NOT NULL AND fingerprint IS NOT NULL
                ORDER BY abs(to_date(article_date, 'YYYY-MM-DD') - to_date(\(date), 'YYYY-MM-DD')), id
                LIMIT \(Self.relatedScored)
                """, logger: logger)
            var kept: [Int64: Double] = [:]
            for try await (other, otherBytes) in candidates.decode((Int64, ByteBuffer).self) {
                guard let theirs = ArticleFingerprint(encoded: Array(buffer: otherBytes)) else { continue }
                let similarity = (Similarity.articles(fingerprint, theirs) * 1000).rounded() / 1000
                if similarity >= Similarity.relatedFloor { kept[other] = similarity }
            }
            let rows = try await connection.query("""
                SELECT a.id, a.headline, a.outlet, a.article_date, a.story_id, a.copy_of,
                       \(unescaped: Self.firstPath)
                FROM newsd_article a WHERE a.id = ANY(\(Array(kept.keys)))
                """, logger: logger).collect()
            let scored = try rows.compactMap { row -> RelatedResponse.Entry? in
                let (other, title, outlet, day, story, otherCopyOf, path) = try row.decode((Int64, String, String?, String, Int64?, Int64?, String?).self)
                guard let similarity = kept[other] else { return nil }
                return RelatedResponse.Entry(id: other, title: title, outlet: outlet, date: day, path: path ?? "", similarity: similarity,
                                             storyId: story, sameStory: story == ownStory, copy: (otherCopyOf ?? other) == ownGroup)
            }
            let best = scored.sorted { $0.similarity != $1.similarity ? $0.similarity > $1.similarity : $0.id < $1.id }
            return RelatedResponse(id: id, title: headline, related: Array(best.prefix(limit)))
        }
    }
}
