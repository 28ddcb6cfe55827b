import Foundation
import GRDB
import NewsCore

extension ArticleIndex {
    /// A story with its articles, oldest first: by date, then by file time (which orders the
    /// reports of one day when the texts give no dates), then by id, so the order is stable.
    public func story(id: Int64) throws -> StoryResponse? {
        try pool.read { db in
            guard let story = try Row.fetchOne(db, sql: "SELECT articles, outlets, \(IndexSchema.storySpanColumns) FROM story WHERE id = ?",
                                               arguments: [id]) else { return nil }
            let entries = try Row.fetchAll(db, sql: """
                SELECT a.id, \(IndexSchema.isoDay("a.articleDay")) AS articleDate, a.dateKind, a.outlet, a.headline, a.copyOf, a.fileTime,
                       (SELECT min(path) FROM file WHERE articleId = a.id) AS path
                FROM article a WHERE a.storyId = ? ORDER BY a.articleDay, a.fileTime, a.id
                """, arguments: [id]).map { row in
                (entry: StoryResponse.Entry(id: row["id"], date: row["articleDate"], dateSource: ArticleIndex.dateSource(row),
                                            outlet: row["outlet"], title: row["headline"], path: row["path"] ?? "", copyOf: row["copyOf"]),
                 fileTime: row["fileTime"] as Double)
            }
            return StoryResponse(story: StorySummary(id: id, articles: story["articles"], outlets: story["outlets"],
                                                     firstDate: story["firstDate"], lastDate: story["lastDate"]),
                                 timeline: StoryTimeline.ordered(entries))
        }
    }

    /// The articles at least `Similarity.relatedFloor` similar to one, best first, with the
    /// similarity stories are decided by. In an archive of up to `relatedExhaustiveLimit`
    /// articles every placed article is scored, so none above the floor is missed; in a larger
    /// one the candidates come from `StoryCandidates` (the most recent under each of the
    /// article's rarest keys, any date). Scores use the stored fingerprints.
    public func related(id: Int64, limit: Int) throws -> RelatedResponse? {
        try pool.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT a.headline, a.storyId, a.copyOf, f.bytes AS fingerprint FROM article a LEFT JOIN article_fingerprint_whole f ON f.id = a.id
                WHERE a.id = ?
                """, arguments: [id])
            else { return nil }
            // Scores use the stored fingerprint on both sides, so that related(a) lists b with
            // exactly the score related(b) lists a.
            guard (row["storyId"] as Int64?) != nil, let stored = StoryBook.storedFingerprint(row["fingerprint"]) else {
                return RelatedResponse(id: id, title: row["headline"], related: [])
            }
            let ownStory: Int64? = row["storyId"]
            let ownGroup: Int64 = row["copyOf"] ?? id
            let articles = try RowTally.read(db, .articles)
            // Scored first, from the fingerprints alone; the rows are read for those kept.
            let fingerprints = articles <= Self.relatedExhaustiveLimit
                ? try Row.fetchAll(db, sql: """
                    SELECT f.id, f.bytes FROM article_fingerprint_whole f JOIN article a ON a.id = f.id WHERE f.id != ? AND a.storyId IS NOT NULL
                    """, arguments: [id])
                : try Row.fetchAll(db, sql: "SELECT id, bytes FROM article_fingerprint_whole WHERE id IN (SELECT value FROM json_each(?))",
                                   arguments: [StoryCandidates.jsonArray(try StoryCandidates(db: db).candidates(
                                       for: stored, excluding: id, day: nil, windowDays: 0, filed: true))])
            var kept: [Int64: Double] = [:]
            for row in fingerprints {
                guard let other = ArticleFingerprint(encoded: [UInt8]((row["bytes"] as Data?) ?? Data())) else { continue }
                let similarity = (Similarity.articles(stored, other) * 1000).rounded() / 1000
                if similarity >= Similarity.relatedFloor { kept[row["id"]] = similarity }
            }
            let candidates = try Row.fetchAll(db, sql: """
                SELECT a.id, a.headline, a.outlet, \(IndexSchema.isoDay("a.articleDay")) AS articleDate, a.storyId, a.copyOf,
                       (SELECT min(path) FROM file WHERE articleId = a.id) AS path
                FROM article a WHERE a.id IN (SELECT value FROM json_each(?)) AND a.storyId IS NOT NULL
                """, arguments: [StoryCandidates.jsonArray(kept.keys.sorted())])
            let scored = candidates.compactMap { candidate -> RelatedResponse.Entry? in
                guard let similarity = kept[candidate["id"]] else { return nil }
                let story: Int64? = candidate["storyId"]
                let group: Int64 = candidate["copyOf"] ?? candidate["id"]
                return RelatedResponse.Entry(id: candidate["id"], title: candidate["headline"], outlet: candidate["outlet"],
                                             date: candidate["articleDate"], path: candidate["path"] ?? "", similarity: similarity,
                                             storyId: story, sameStory: story != nil && story == ownStory, copy: group == ownGroup)
            }
            let best = scored.sorted { $0.similarity != $1.similarity ? $0.similarity > $1.similarity : $0.id < $1.id }
            return RelatedResponse(id: id, title: row["headline"], related: Array(best.prefix(limit)))
        }
    }
}

extension ArticleIndex {
    /// Archives up to this many articles score every article for `related`: fingerprints are
    /// small and compared by merging sorted lists, so that stays an interactive answer.
    static let relatedExhaustiveLimit = 20_000
}

extension ArticleIndex {
    /// Stories with at least `minArticles` articles whose last report is dated on or after
    /// `since` (`YYYY-MM-DD`, nil: any), in `sort` order, up to `limit`; and how many there are.
    public func stories(since: String?, minArticles: Int, sort: StoryListSort, limit: Int) throws -> (total: Int, stories: [StoryListEntry]) {
        let order = switch sort {
        case .latest: "lastDay DESC, articles DESC, id DESC"
        case .size: "articles DESC, lastDay DESC, id DESC"
        case .outlets: "outlets DESC, articles DESC, lastDay DESC, id DESC"
        }
        let condition = "articles >= ?" + (since == nil ? "" : " AND lastDay >= ?")
        let arguments: [DatabaseValueConvertible] = [minArticles] + (since.map { [QueryTranslator.dayNumber($0)] } ?? [])
        return try pool.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM story WHERE \(condition)", arguments: StatementArguments(arguments)) ?? 0
            // The first report as `story(id:)` orders them: published dates before uncertain ones.
            let rows = try Row.fetchAll(db, sql: """
                SELECT s.id, s.articles, s.outlets, \(IndexSchema.isoDay("s.firstDay")) AS firstDate, \(IndexSchema.isoDay("s.lastDay")) AS lastDate,
                       (SELECT headline FROM article a WHERE a.storyId = s.id
                        ORDER BY a.dateKind IS NOT \(DateKind.published.rawValue), a.articleDay, a.fileTime, a.copyOf IS NOT NULL, hex(a.contentHash)
                        LIMIT 1) AS headline
                FROM story s WHERE \(condition) ORDER BY \(order) LIMIT ?
                """, arguments: StatementArguments(arguments + [limit]))
            return (total, rows.map { row in
                StoryListEntry(story: StorySummary(id: row["id"], articles: row["articles"], outlets: row["outlets"],
                                                   firstDate: row["firstDate"], lastDate: row["lastDate"]),
                               headline: row["headline"] ?? "")
            })
        }
    }
}
