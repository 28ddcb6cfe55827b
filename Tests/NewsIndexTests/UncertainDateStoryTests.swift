import Foundation
import NewsCore
@testable import NewsIndex
import Testing
import TestSupport

/// Story placement trusts only published dates: a report copied in today (the file's date) or
/// dated by an inferred year joins its story by its text; a report published a year later does not.
@Suite("Stories and uncertain dates")
struct UncertainDateStoryTests {
    let folder = TemporaryFolder("newsd-uncertain")

    static let reuters = """
        LONDON, March 13 (Reuters) - Dock workers at Felixstowe, Britain's biggest container port, voted to extend their \
        strike by three weeks after talks with the port operator over a 6.5% pay offer broke down, the Unite union said. \
        Unite said 81% of the members who voted backed the extension. The operator, Hutchison Ports, called the outcome \
        disappointing. Shipping lines have diverted vessels to Rotterdam and Antwerp since the walkout began in late February. \
        Talks are due to resume at the conciliation service Acas on Monday.
        """
    static let bbc = """
        Workers at the Port of Felixstowe will stay on strike for another three weeks after members of the Unite union \
        voted to reject a 6.5% pay offer from Hutchison Ports. The union said more than four in five members who voted \
        backed extending the walkout, which started in February. Some shipping lines have sent vessels to Rotterdam and \
        Antwerp instead. Both sides are expected to meet at Acas next week.
        """

    func place(_ articles: [(String, IndexableArticle)]) throws -> ArticleIndex {
        let index = try ArticleIndex(path: folder.file("index.sqlite"))
        try index.apply(TestArticles.upserts(articles), now: 1)
        while try index.placeStories(limit: 100) > 0 {}
        return index
    }

    func story(_ index: ArticleIndex, _ path: String) throws -> Int64? {
        try index.articleId(path: path).flatMap { try index.article(id: $0)?.storyId }
    }

    @Test("a report with the file's date (copied in years later) joins the story its text belongs to")
    func fileDateJoins() throws {
        let index = try place([
            ("bbc.html", TestArticles.article(headline: "Felixstowe port strike extended as pay talks fail", body: Self.bbc,
                                              outlet: "BBC", published: "2024-03-14")),
            ("reuters.txt", TestArticles.article(headline: "Felixstowe dockers vote to extend strike over pay", body: Self.reuters,
                                                 outlet: "Reuters", fileDate: "2026-12-02")),
        ])
        #expect(try story(index, "bbc.html") != nil)
        #expect(try story(index, "bbc.html") == story(index, "reuters.txt"))
        let storyId = try #require(try story(index, "bbc.html"))
        let summary = try #require(try index.story(id: storyId))
        #expect(summary.story.firstDate == "2024-03-14" && summary.story.lastDate == "2024-03-14",
                "the span is that of the published dates")
    }

    @Test("the same report published two years later is another story")
    func publishedFarApart() throws {
        let index = try place([
            ("bbc.html", TestArticles.article(headline: "Felixstowe port strike extended as pay talks fail", body: Self.bbc,
                                              outlet: "BBC", published: "2024-03-14")),
            ("reuters.txt", TestArticles.article(headline: "Felixstowe dockers vote to extend strike over pay", body: Self.reuters,
                                                 outlet: "Reuters", published: "2026-03-13")),
        ])
        #expect(try story(index, "bbc.html") != story(index, "reuters.txt"))
    }
}
