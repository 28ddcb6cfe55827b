import Foundation
import NewsCore
import NewsIndex
import Testing
import TestSupport

/// Stories, copies and related articles on the seeds, in a real index.
@Suite("Stories and copies (real SQLite file)", .enabled(if: SeedCorpus.isAvailable, SeedCorpus.skipReason))
struct StoryIndexTests {
    let folder = TemporaryFolder("newsd-stories")

    static func seedArticle(_ prefix: String, edit: ((inout AnalyzedArticle) -> Void)? = nil) throws -> IndexableArticle {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: SeedCorpus.folder + "/" + SeedCorpus.name(prefix))))
        var analyzed = ArticleAnalyzer.analyze(try ArticleParser.parse(bytes).get(), fileDay: CalendarDay(year: 2020, month: 6, day: 29)!)
        edit?(&analyzed)
        return IndexableArticle(contentHash: analyzed.contentHash, headline: analyzed.headline, body: analyzed.body,
                                encoding: "utf-8", wordCount: analyzed.wordCount, outlet: analyzed.outlet, byline: analyzed.byline,
                                publishedDate: analyzed.published?.iso, fileDate: "2020-06-29")
    }

    /// Indexes, then places stories as the daemon does once its queue is empty.
    func applyAndPlace(_ index: ArticleIndex, _ changes: [IndexChange], now: Double) throws {
        try index.apply(changes, now: now)
        while try index.placeStories(limit: 2) > 0 {}
        #expect(try index.overview().unplaced == 0)
    }

    func indexWithSeeds() throws -> ArticleIndex {
        let index = try ArticleIndex(path: folder.file("index.sqlite"))
        // One file per batch: stories are built incrementally, as files arrive.
        for (n, prefix) in ["000", "001", "002", "003", "004"].enumerated() {
            try applyAndPlace(index, [.upsert(path: "\(prefix).txt", stamp: FileStamp(inode: UInt64(n + 1), size: 1, mtimeNs: 1),
                                     article: Self.seedArticle(prefix))], now: Double(n))
        }
        return index
    }

    func storyOf(_ index: ArticleIndex, _ path: String) throws -> Int64 {
        let id = try #require(try index.articleId(path: path))
        let hit = try #require(try index.search(SearchQuery.parse("path:\(path)"), limit: 1, offset: 0).hits.first)
        #expect(hit.id == id)
        return try #require(hit.story?.id)
    }

    @Test("the seeds make three stories; the bounty story has three outlets in date order")
    func threeStories() throws {
        let index = try indexWithSeeds()
        let stories = try ["000", "001", "002", "003", "004"].map { try storyOf(index, "\($0).txt") }
        #expect(stories[0] == stories[1] && stories[1] == stories[2])
        #expect(Set(stories).count == 3)
        #expect(try index.overview().stories == 3)
        let story = try #require(try index.story(id: stories[0]))
        #expect(story.story.outlets == 3 && story.story.articles == 3)
        #expect(Set(story.timeline.compactMap(\.outlet)) == ["The Independent", "Daily Mail", "CNN"])
        #expect(try index.overview().outlets.map(\.outlet).sorted() == ["CNN", "Daily Mail", "Sputnik", "The Independent"])
    }

    @Test("grouping by story, --min-outlets and coverage order")
    func grouping() throws {
        let index = try indexWithSeeds()
        let byStory = try index.search(SearchQuery.parse("russia"), group: .stories, limit: 10, offset: 0)
        #expect(byStory.total == 3)
        #expect(byStory.hits.first { $0.story?.outlets == 3 }?.storyHits == 3)
        let wide = try index.search(SearchQuery.parse("russia"), minOutlets: 2, limit: 10, offset: 0)
        #expect(Set(wide.hits.map(\.path)) == ["000.txt", "001.txt", "002.txt"])
        let coverage = try index.search(SearchQuery.parse("moscow"), sort: .coverage, limit: 10, offset: 0)
        #expect(coverage.hits.first?.story?.outlets == 3, "the story carried by three outlets comes first")
    }

    @Test("a lightly edited copy folds into one hit with +1 copy, joins the story, and re-ingesting moves nothing")
    func copies() throws {
        let index = try indexWithSeeds()
        let story = try storyOf(index, "002.txt")
        let edited = try Self.seedArticle("002") { article in
            article.headline = "UPDATED: " + article.headline
            article.paragraphs[1] = "CNN has reached out to the NSC and the Pentagon for comment."
        }
        try applyAndPlace(index, [.upsert(path: "copy/002-updated.txt", stamp: FileStamp(inode: 9, size: 1, mtimeNs: 1), article: edited)], now: 9)
        #expect(try storyOf(index, "copy/002-updated.txt") == story)
        let hits = try index.search(SearchQuery.parse("NSC"), limit: 10, offset: 0)
        #expect(hits.total == 1)
        #expect(hits.hits.first?.copies == 1)
        let originalId = try #require(try index.articleId(path: "002.txt"))
        let related = try #require(try index.related(id: originalId, limit: 5))
        #expect(related.related.first?.copy == true && related.related.first?.path == "copy/002-updated.txt")

        // Read again unchanged: the same stories.
        let before = try ["000", "003", "004"].map { try storyOf(index, "\($0).txt") }
        for (n, prefix) in ["000", "003", "004"].enumerated() {
            try applyAndPlace(index, [.upsert(path: "\(prefix).txt", stamp: FileStamp(inode: UInt64(20 + n), size: 2, mtimeNs: 2),
                                     article: Self.seedArticle(prefix))], now: 20)
        }
        #expect(try ["000", "003", "004"].map { try storyOf(index, "\($0).txt") } == before)

        // The first of the copies goes: the other remains, alone, in the story.
        try applyAndPlace(index, [.remove(path: "002.txt")], now: 30)
        let after = try index.search(SearchQuery.parse("NSC"), limit: 10, offset: 0)
        #expect(after.total == 1 && after.hits.first?.copies == 0 && after.hits.first?.path == "copy/002-updated.txt")
        #expect(try index.story(id: story)?.story.articles == 3)
    }

    @Test("related: scores in 0…1, symmetric, the story's reports first")
    func related() throws {
        let index = try indexWithSeeds()
        let ids = try ["000", "001", "002", "003", "004"].map { try #require(try index.articleId(path: "\($0).txt")) }
        let fromIndependent = try #require(try index.related(id: ids[0], limit: 10))
        let firstTwo = fromIndependent.related.prefix(2).map(\.sameStory)
        #expect(firstTwo == [true, true])
        #expect(fromIndependent.related.allSatisfy { (0...1).contains($0.similarity) })
        for entry in fromIndependent.related {
            let back = try #require(try index.related(id: entry.id, limit: 10)).related.first { $0.id == ids[0] }
            #expect(back?.similarity == entry.similarity, "similarity of \(ids[0]) and \(entry.id) is symmetric")
        }
        #expect(try index.related(id: 999, limit: 5) == nil)
    }
}
