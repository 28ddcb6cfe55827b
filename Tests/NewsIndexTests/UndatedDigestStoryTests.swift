import Foundation
import NewsCore
@testable import NewsIndex
import Testing
import TestSupport

/// Between two articles without a date, a link joins their stories only when each counts the
/// other among those it is most like (`StoryBook.counts`): a digest that many undated notes are
/// like keeps links to its two closest notes, and the note it does not link back to stays a
/// story of its own, whichever order the four arrive in.
@Suite("Undated notes and a digest of them")
struct UndatedDigestStoryTests {
    static let harbour = """
        Notes from the harbour board meeting. The board chair, Miriam Okafor, said dredging of the eastern channel \
        would start after the herring season. Councillor Tomas Brenner objected that the dredging contract had not \
        been tendered openly. The harbour master, Ines Valdivia, warned that silt had already closed two berths and \
        that larger ferries were being turned away. The board voted to publish the contract papers before its next meeting.
        """
    static let school = """
        Call with the head teacher about the school roof. Patrick Osei, head of Northfield school, said rainwater \
        came through the roof into three classrooms during the storm. The county surveyor, Hannah Lindqvist, found \
        rotten joists under the flat roof and said the roof repairs could not wait. Parents were told by governor \
        Aldo Ferrante that pupils would be taught in the village hall until the school repairs end, which should \
        take most of the spring term.
        """
    static let orchard = """
        Interview at the cider orchard. Grower Beatrix Kowalczyk said a late frost killed most of the blossom in her \
        orchard. Her neighbour, Samuel Achterberg, lost the whole orchard crop of early apples to the same frost. \
        The cooperative's treasurer, Lionel Mbeki, said the cooperative would ask the district for frost grants, \
        and the cooperative expects to press less than half of last year's cider.
        """

    static var notes: [(String, IndexableArticle)] {
        [
            ("harbour.md", TestArticles.article(headline: "Harbour board: dredging row", body: harbour, fileDate: "2026-11-30")),
            ("school.md", TestArticles.article(headline: "Northfield school roof", body: school, fileDate: "2026-11-30")),
            ("orchard.md", TestArticles.article(headline: "Frost at the cider orchard", body: orchard, fileDate: "2026-11-30")),
            ("digest.md", TestArticles.article(headline: "Week's notes to follow up",
                                               body: "To follow up this week. " + harbour + " " + school + " " + orchard,
                                               fileDate: "2026-11-30")),
        ]
    }

    /// Every order of `items`.
    static func orders<T>(_ items: [T]) -> [[T]] {
        guard items.count > 1 else { return [items] }
        return items.indices.flatMap { at in
            orders(items.enumerated().filter { $0.offset != at }.map(\.element)).map { [items[at]] + $0 }
        }
    }

    @Test("a digest that three undated notes are like joins the two it links back to, in every order")
    func digestJoinsOnlyMutualNotes() throws {
        let folder = TemporaryFolder("newsd-undated-digest")
        var outcomes = Set<Set<Set<String>>>()
        for (number, order) in Self.orders(Self.notes).enumerated() {
            let index = try ArticleIndex(path: folder.file("order-\(number).sqlite"))
            // Placed one at a time, in the order they arrive.
            for note in order {
                try index.apply(TestArticles.upserts([note]), now: Double(number))
                while try index.placeStories(limit: 1) > 0 {}
            }
            var byStory: [Int64: Set<String>] = [:]
            for (path, _) in order {
                let id = try #require(try index.articleId(path: path))
                byStory[try #require(try index.article(id: id)?.storyId), default: []].insert(path)
            }
            outcomes.insert(Set(byStory.values))
        }
        #expect(outcomes.count == 1, "the stories depend on the order: \(outcomes)")
        let stories = try #require(outcomes.first)
        // The digest links to two notes, each of which links back; the third links to the
        // digest alone, which does not join two undated articles.
        let withDigest = try #require(stories.first { $0.contains("digest.md") })
        #expect(withDigest.count == 3, "the digest's story: \(stories)")
        #expect(stories.count == 2 && stories.contains { $0.count == 1 }, "one note stays a story of its own: \(stories)")
    }
}
