import Foundation
import NewsCore
@testable import NewsIndex
import Testing
import TestSupport

/// A search filtered by dates alone, or in date order, checks each match's day from the days
/// held in memory (`ArticleDays`): the table must follow every change of an article's day or
/// date kind, and an id given to a new article after the one that had it was removed (real
/// SQLite file).
@Suite("Date filters checked from the days in memory (real SQLite file)")
struct ArticleDaysInMemoryTests {
    let folder = TemporaryFolder("newsd-days-in-memory")

    func report(_ day: String, _ words: String) -> IndexableArticle {
        TestArticles.article(headline: "Harbour report", body: "The harbour board met. \(words)", published: day)
    }

    func march(_ index: ArticleIndex) throws -> [Int64] {
        try index.search(try SearchQuery.parse("harbour date:2024-03"), limit: 10, offset: 0).hits.map(\.id).sorted()
    }

    @Test("a day changed, and an id given again with another day, are seen by the next search")
    func followsChanges() throws {
        let index = try ArticleIndex(path: folder.file("index.sqlite"))
        _ = try index.apply(TestArticles.upserts([
            ("a.txt", report("2024-03-04", "Ferries ran late.")),
            ("b.txt", report("2024-03-11", "Cranes were idle.")),
            ("c.txt", report("2024-03-18", "Tugs stood by.")),
        ]), now: 1_700_000_000)
        #expect(try march(index) == [1, 2, 3])

        // The newest article goes; the next one added takes its id, dated in May.
        _ = try index.apply([.remove(path: "c.txt")], now: 1_700_000_100)
        _ = try index.apply(TestArticles.upserts([("d.txt", report("2024-05-06", "Pilots were short."))]), now: 1_700_000_200)
        #expect(try index.articleId(path: "d.txt") == 3, "the test needs the id given again")
        #expect(try march(index) == [1, 2])

        // An article edited to another month keeps its id and changes its day.
        _ = try index.apply(TestArticles.upserts([("a.txt", report("2024-06-03", "Ferries ran late again."))]), now: 1_700_000_300)
        #expect(try index.articleId(path: "a.txt") == 1, "the test needs the id kept")
        #expect(try march(index) == [2])
        #expect(try index.search(try SearchQuery.parse("harbour date:2024-05..2024-07"), limit: 10, offset: 0).hits.map(\.id).sorted() == [1, 3])
    }

    @Test("an article dated by its file that gets a published date on the same day moves up in date order")
    func followsDateKind() throws {
        let index = try ArticleIndex(path: folder.file("index.sqlite"))
        _ = try index.apply(TestArticles.upserts([
            ("a.txt", report("2024-03-10", "Ferries ran late.")),
            ("b.txt", TestArticles.article(headline: "Harbour notes", body: "The harbour board met. Notes kept by a reader.", fileDate: "2024-03-20")),
            ("c.txt", report("2024-03-05", "Tugs stood by.")),
        ]), now: 1_700_000_000)
        func newest() throws -> [String] {
            try index.search(try SearchQuery.parse("harbour"), sort: .newest, limit: 10, offset: 0).hits.map(\.path)
        }
        #expect(try newest() == ["a.txt", "c.txt", "b.txt"], "dated first, the file-dated last")
        _ = try index.apply(TestArticles.upserts([
            ("b.txt", TestArticles.article(headline: "Harbour notes", body: "The harbour board met. Notes kept by a reader, dated.",
                                           published: "2024-03-20")),
        ]), now: 1_700_000_100)
        #expect(try index.articleId(path: "b.txt") == 2, "the test needs the id kept")
        #expect(try newest() == ["b.txt", "a.txt", "c.txt"])
        #expect(try index.search(try SearchQuery.parse("harbour"), sort: .oldest, limit: 10, offset: 0).hits.map(\.path) == ["c.txt", "a.txt", "b.txt"])
    }
}
