import Foundation
import GRDB
import NewsCore
@testable import NewsIndex
import Testing
import TestSupport

/// The windowed search (WindowedSearch) against the reference: ranking, grouping and sorting every
/// match in one SQL statement. Hundreds of matches with many equal scores and copy groups, so
/// pages cross the first window and ties sit at its edge.
@Suite("Ranked search windows (real SQLite file)")
struct WindowedSearchTests {
    let folder = TemporaryFolder("newsd-ranked")

    /// Copy groups: every fourth article copies the one before it.
    static let pairs = "UPDATE article SET copyOf = id - 1, copySimilarity = 0.9 WHERE id % 4 = 0"
    /// 70 copy groups of five or six equally ranked articles: the best-ranked rows crowd into
    /// fewer groups than a page needs, so the first window is too small and must widen.
    static let wide = "UPDATE article SET copyOf = (id - 1) % 70 + 1, copySimilarity = 0.9 WHERE id > 70"

    func makeIndex(copies: String = pairs, scores: Int = 7) throws -> ArticleIndex {
        let index = try ArticleIndex(path: folder.file("index.sqlite"))
        let changes = (0..<400).map { n -> IndexChange in
            // `scores` distinct scores for "grain": equal text shapes give equal bm25, decided by date, then id.
            let body = Array(repeating: "grain", count: n % scores + 1).joined(separator: " ") + " harvest report number w\(n) filler words here"
            let parsed = ParsedArticle(headline: "Farm report w\(n)", paragraphs: [body], encoding: .utf8)
            return .upsert(path: "r\(n).txt", stamp: FileStamp(inode: UInt64(n + 1), size: 1, mtimeNs: 1), article: IndexableArticle(
                contentHash: parsed.contentHash, headline: parsed.headline, body: parsed.body, encoding: "utf-8",
                wordCount: parsed.wordCount, outlet: nil, byline: nil, publishedDate: nil,
                fileDate: String(format: "2020-01-%02d", n % 5 + 1)))
        }
        try index.apply(changes, now: 1)
        try index.pool.write { db in try db.execute(sql: copies) }
        return index
    }

    /// The reference: every match ranked, each copy group represented by its first article in
    /// the order (relevance: rank, then the newer date, then the higher id; newest: dated before
    /// undated, then the newer date, then the higher id; oldest: dated before undated, then the
    /// older date, then the lower id), and the groups ordered the same way.
    static func reference(_ index: ArticleIndex, _ text: String, sort: SearchSort = .relevance, limit: Int, offset: Int) throws -> (Int, [Int64]) {
        let translated = QueryTranslator.translate(try SearchQuery.parse(text))
        let source = translated.match == nil ? "article a" : "article_fts JOIN article a ON a.id = article_fts.rowid"
        let conditions = ((translated.match == nil ? [] : ["article_fts MATCH ?"]) + translated.conditions).joined(separator: " AND ")
        let rank = translated.match == nil ? "0.0" : "bm25(article_fts, \(ArticleIndex.bm25Weights))"
        let order = switch sort {
        case .newest: "undated, day DESC, id DESC"
        case .oldest: "undated, day ASC, id ASC"
        case .added: "arrived DESC, id DESC"
        default: "rank, day DESC, id DESC"
        }
        let matches = """
            WITH m AS MATERIALIZED (
                SELECT a.id AS id, \(rank) AS rank, a.articleDay AS day, a.dateKind IS NULL AS undated, a.ingestedAt AS arrived,
                       coalesce(a.copyOf, a.id) AS grp
                FROM \(source) WHERE \(conditions)
            ),
            best AS (SELECT *, row_number() OVER (PARTITION BY grp ORDER BY \(order)) AS place FROM m)
            """
        let arguments = (translated.match.map { [$0] } ?? []) + translated.arguments
        return try index.pool.read { db in
            let ids = try Int64.fetchAll(db, sql: matches + " SELECT id FROM best WHERE place = 1 ORDER BY \(order) LIMIT ? OFFSET ?",
                                         arguments: StatementArguments(arguments + [limit, offset]))
            let total = try Int.fetchOne(db, sql: matches + " SELECT count(DISTINCT grp) FROM m", arguments: StatementArguments(arguments)) ?? 0
            return (total, ids)
        }
    }

    /// FTS5's own bm25 (with newsd's column weights) of every match of `text`, by article id;
    /// empty without a full-text query.
    static func bm25Scores(_ index: ArticleIndex, _ text: String) throws -> [Int64: Double] {
        guard let match = QueryTranslator.translate(try SearchQuery.parse(text)).match else { return [:] }
        return try index.pool.read { db in
            var scores: [Int64: Double] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT rowid, bm25(article_fts, \(ArticleIndex.bm25Weights)) FROM article_fts WHERE article_fts MATCH ?",
                                        arguments: [match]) {
                scores[row[0]] = row[1]
            }
            return scores
        }
    }

    @Test("every page equals the reference, across window edges and ties",
          arguments: [(10, 0), (10, 60), (40, 50), (100, 0), (7, 293), (20, 290), (5, 400)])
    func pages(limit: Int, offset: Int) throws {
        try comparePages(makeIndex(copies: Self.pairs), limit: limit, offset: offset)
    }

    @Test("with large copy groups the window widens and still equals the reference",
          arguments: [(10, 0), (40, 0), (10, 35), (50, 20), (5, 66)])
    func widePages(limit: Int, offset: Int) throws {
        try comparePages(makeIndex(copies: Self.wide), limit: limit, offset: offset)
    }

    /// Every match scores the same: the full-text index hands ties over in its own order, so a
    /// window cut anywhere inside them is no prefix of the full order, and must widen to all.
    @Test("when every score ties, the page still follows date and id", arguments: [(10, 0), (10, 100), (30, 270)])
    func allTied(limit: Int, offset: Int) throws {
        let index = try makeIndex(copies: Self.pairs, scores: 1)
        let (total, hits) = try index.search(SearchQuery.parse("grain"), limit: limit, offset: offset)
        let (expectedTotal, expectedIds) = try Self.reference(index, "grain", limit: limit, offset: offset)
        #expect(total == expectedTotal)
        #expect(hits.map(\.id) == expectedIds)
    }

    @Test("date orders, with and without a full-text query, equal the reference", arguments: [SearchSort.newest, .oldest, .relevance])
    func datePages(sort: SearchSort) throws {
        let index = try makeIndex(copies: Self.wide)
        for (limit, offset) in [(10, 0), (40, 30), (5, 66), (100, 0)] {
            for text in ["grain", "since:2020-01-03", "-w17", "gra* until:2020-01-02"] {
                let (total, hits) = try index.search(SearchQuery.parse(text), sort: sort, limit: limit, offset: offset)
                let (expectedTotal, expectedIds) = try Self.reference(index, text, sort: sort == .relevance && !text.contains("gra") ? .newest : sort,
                                                                 limit: limit, offset: offset)
                #expect(total == expectedTotal, "\(text) \(sort)")
                #expect(hits.map(\.id) == expectedIds, "\(text) \(sort) limit \(limit) offset \(offset)")
            }
        }
    }

    func comparePages(_ index: ArticleIndex, limit: Int, offset: Int) throws {
        for text in ["grain", "grain harvest", "gra*", "grain since:2020-01-03", "farm -w17"] {
            let (total, hits) = try index.search(SearchQuery.parse(text), limit: limit, offset: offset)
            let (expectedTotal, expectedIds) = try Self.reference(index, text, limit: limit, offset: offset)
            #expect(total == expectedTotal, "\(text)")
            #expect(hits.map(\.id) == expectedIds, "\(text) limit \(limit) offset \(offset)")
            #expect(hits.map(\.rank) == Array((offset + 1)...(offset + max(hits.count, 1))).prefix(hits.count).map { $0 })
            let scores = try Self.bm25Scores(index, text)
            #expect(hits.allSatisfy { $0.score == -(scores[$0.id] ?? .nan) }, "\(text): each hit's score is bm25's, to the bit")
        }
    }

    @Test("copies fold into one hit, and the total counts groups")
    func copiesFold() throws {
        let index = try makeIndex()
        let (total, hits) = try index.search(SearchQuery.parse("grain"), limit: 400, offset: 0)
        #expect(total == 300, "400 articles, 100 of them copies")
        #expect(hits.count == 300)
        let groups = hits.map { $0.id % 4 == 0 ? $0.id - 1 : $0.id }
        #expect(Set(groups).count == 300, "each copy group shows once")
        #expect(hits.allSatisfy { ($0.id % 4 == 0 || $0.id % 4 == 3) == ($0.copies == 1) }, "a group's hit carries +1 copy")
    }
}
