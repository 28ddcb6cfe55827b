import Foundation
import GRDB
import NewsCore
@testable import NewsIndex
import Testing
import TestSupport

/// Which articles a placement transaction takes and in what order it places them: those
/// indexed first, by date (real SQLite file). Observable because each article that joins no
/// story gets a new story, numbered in the order the articles are placed.
@Suite("Placement order: the first indexed, placed by date (real SQLite file)")
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

    @Test("a transaction takes the articles indexed first and places them oldest date first")
    func firstIndexedByDate() throws {
        let index = try ArticleIndex(path: folder.file("index.sqlite"))
        _ = try index.apply(TestArticles.upserts(Self.articles), now: 1_700_000_000)
        #expect(try index.placeStories(limit: 4) == 4)
        // The four indexed first, whatever their dates; each a story of its own, numbered by date.
        #expect(try Self.placed(index) == ["march.txt", "notes.txt", "may.txt", "june.txt"])
        #expect(try index.placeStories(limit: 4) == 2)
        #expect(try Self.placed(index) == ["march.txt", "notes.txt", "may.txt", "june.txt", "january.txt", "february.txt"])
        #expect(try index.overview().unplaced == 0)
    }
}
