import Foundation
import NewsCore
@testable import NewsIndex
import Testing
import TestSupport

/// A full-text search in the order articles arrived (`--sort added`) is kept by the ranking from
/// the arrivals held in memory (`ArrivalTimes`, `ArrivalOrder`): the order must break ties by
/// id, and the table must follow every new arrival of an edited article and an id given to a
/// new article after the one that had it was removed (real SQLite file).
@Suite("The order of arrival kept by the ranking (real SQLite file)")
struct ArrivalOrderTests {
    let folder = TemporaryFolder("newsd-arrival-order")

    @Test("the later arrival comes first, then the higher id; ids without an article have no place")
    func keys() {
        let order = ArrivalOrder(times: [.nan, 5, 3, 5, .nan, 3])
        let ranked = (0..<6).filter { order.holds(Int64($0)) }.sorted { order.keys[$0] < order.keys[$1] }
        #expect(ranked == [3, 1, 5, 2])
        #expect(!order.holds(0) && !order.holds(4) && !order.holds(-1) && !order.holds(6))
        #expect(Set(ranked.map { order.keys[$0] }) == [0, 1, 2, 3])
    }

    func report(_ words: String, published: String = "2024-03-04") -> IndexableArticle {
        TestArticles.article(headline: "Harbour report", body: "The harbour board met. \(words)", published: published)
    }

    func added(_ index: ArticleIndex, _ query: String = "harbour") throws -> [String] {
        try index.search(try SearchQuery.parse(query), sort: .added, limit: 10, offset: 0).hits.map(\.path)
    }

    @Test("an edited article arrives again, an id given again arrives with its new article, and no match is sorted in SQL")
    func followsArrivals() throws {
        let index = try ArticleIndex(path: folder.file("index.sqlite"))
        _ = try index.apply(TestArticles.upserts([("a.txt", report("Ferries ran late.")), ("b.txt", report("Cranes were idle."))]),
                            now: 1_700_000_000)
        _ = try index.apply(TestArticles.upserts([("c.txt", report("Tugs stood by.", published: "2024-01-02"))]), now: 1_700_000_100)
        #expect(try added(index) == ["c.txt", "b.txt", "a.txt"], "the later batch first, then the higher id")

        // The window's statement (the steps before those counting the copy groups) is one pass
        // of the ranking over the matches: none looked up or sorted in SQL.
        let plan = try index.searchPlan(try SearchQuery.parse("harbour"), sort: .added)
        let counting = try #require(plan.firstIndex(of: "USE TEMP B-TREE FOR count(DISTINCT)"), "\(plan)")
        #expect(plan[..<counting].contains { $0.hasPrefix("SCAN article_fts VIRTUAL TABLE") }, "\(plan)")
        #expect(!plan[..<counting].contains { $0.contains("ORDER BY") || $0.contains("SEARCH a ") }, "\(plan)")

        _ = try index.apply(TestArticles.upserts([("a.txt", report("Ferries ran late again."))]), now: 1_700_000_200)
        #expect(try index.articleId(path: "a.txt") == 1, "the test needs the id kept")
        #expect(try added(index) == ["a.txt", "c.txt", "b.txt"])

        // The latest article goes; the next one added takes its id, and arrives last of all.
        _ = try index.apply([.remove(path: "c.txt")], now: 1_700_000_300)
        _ = try index.apply(TestArticles.upserts([("d.txt", report("Pilots were short."))]), now: 1_700_000_400)
        #expect(try index.articleId(path: "d.txt") == 3, "the test needs the id given again")
        #expect(try added(index) == ["d.txt", "a.txt", "b.txt"])
        #expect(try added(index, "harbour date:2024-03-04") == ["d.txt", "a.txt", "b.txt"])
        #expect(try added(index, "ferries OR cranes") == ["a.txt", "b.txt"])
    }
}
