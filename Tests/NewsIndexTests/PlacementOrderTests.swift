import Foundation
import GRDB
import NewsCore
@testable import NewsIndex
import Testing
import TestSupport

/// Which articles a placement transaction takes and in what order it places them: the oldest
/// dated of all that wait, by date, whatever order they were indexed in (real SQLite file).
/// Observable because each article that joins no story gets a new story, numbered in the order
/// the articles are placed.
@Suite("Placement order: the oldest dated first, across transactions (real SQLite file)")
struct PlacementOrderTests {
    let folder = TemporaryFolder("newsd-placement-order")

    /// Unrelated articles, indexed latest first; one dated by its file only, one by a dateline.
    static let articles: [(path: String, article: IndexableArticle)] = [
        ("june.txt", TestArticles.article(headline: "Orchard frost", body: "Growers in Pellham lost blossoms to a late frost.",
                                          published: "2024-06-20")),
        ("may.txt", TestArticles.article(headline: "Ferry timetable", body: "The Quarrow ferry adds sailings on weekends.",
                                         published: "2024-05-03")),
        ("notes.txt", TestArticles.article(headline: "Reading list", body: "Books on lighthouses kept by a reader.",
                                           fileDate: "2024-04-11")),
        ("march.txt", TestArticles.article(headline: "Choir returns", body: "The Brindle choir sang again after renovations.",
                                           published: "2024-03-14", dateSource: .inferred)),
        ("february.txt", TestArticles.article(headline: "Bridge closure", body: "Engineers shut the Ostry bridge for inspection.",
                                              published: "2024-02-02")),
        ("january.txt", TestArticles.article(headline: "Library hours", body: "The Vell library opens late on Thursdays.",
                                             published: "2024-01-09")),
    ]

    /// Each placed article's path with its story id, in story order.
    static func placed(_ index: ArticleIndex) throws -> [String] {
        try index.pool.read { db in
            try String.fetchAll(db, sql: """
                SELECT f.path FROM article a JOIN file f ON f.articleId = a.id WHERE a.storyId IS NOT NULL ORDER BY a.storyId
                """)
        }
    }

    @Test("each transaction takes the oldest dated of the articles waiting, whenever they were indexed")
    func oldestDatedFirst() throws {
        let index = try ArticleIndex(path: folder.file("index.sqlite"))
        _ = try index.apply(TestArticles.upserts(Self.articles), now: 1_700_000_000)
        #expect(try index.placeStories(limit: 4) == 4)
        // The four dated first, though indexed last; each a story of its own, numbered by date
        // (the file's date of the notes, the dateline's of the choir report).
        #expect(try Self.placed(index) == ["january.txt", "february.txt", "march.txt", "notes.txt"])
        // An article indexed now, dated before all that wait, goes first in the next transaction.
        let december = ("december.txt", TestArticles.article(headline: "Harbour lights", body: "The Quarrow harbour lit its new beacons.",
                                                              published: "2023-12-18"))
        _ = try index.apply(TestArticles.upserts([december]), now: 1_700_000_100)
        #expect(try index.placeStories(limit: 2) == 2)
        #expect(try Self.placed(index) == ["january.txt", "february.txt", "march.txt", "notes.txt", "december.txt", "may.txt"])
        #expect(try index.placeStories(limit: 4) == 1)
        #expect(try Self.placed(index).last == "june.txt")
        #expect(try index.overview().unplaced == 0)
    }
}
