import Foundation
import GRDB
import NewsCore
@testable import NewsIndex
import Testing
import TestSupport

/// The idle rewrite of an index file left with room in its pages (`FileSlack`), on real SQLite files.
@Suite("Index file rewritten when its pages hold much unused room (real SQLite file)")
struct FileSlackTests {
    let folder = TemporaryFolder("newsd-file-slack")

    /// No dictionary, so that the only idle work is the slack's; files of a few hundred KiB of slack rewritten.
    static var policy: TextDictionaryPolicy {
        var policy = TextDictionaryPolicy()
        policy.minimumArticles = 1_000_000
        policy.rewriteAfterSlackBytes = 256 << 10
        return policy
    }

    /// `count` articles of random words (a few KiB each), as `a0.txt`, `a1.txt`… from `first`.
    static func articles(_ range: Range<Int>, random: inout SeededRandom) -> [IndexChange] {
        let words = QueryPropertyTests.vocabulary
        return TestArticles.upserts(range.map { n in
            let body = (0..<700).map { _ in words.randomElement(using: &random)! }.joined(separator: " ")
            return ("a\(n).txt", TestArticles.article(headline: "Report number \(n)", body: body))
        })
    }

    static func slack(_ index: ArticleIndex) throws -> FileSlack {
        try #require(try index.pool.read { try FileSlack.measure($0) })
    }

    static func steps(_ index: ArticleIndex) throws -> [TextCompaction] {
        var steps: [TextCompaction] = []
        while true {
            let step = try index.compactText(policy: policy)
            if step == .none { return steps }
            steps.append(step)
            try #require(steps.count < 100, "compaction does not end: \(steps.suffix(3))")
        }
    }

    @Test("half the articles gone: the idle step rewrites the file once, smaller, and nothing reads differently; not measured again until it grows")
    func rewritesOnceAfterRemovals() throws {
        var random = SeededRandom.forTest("FileSlackTests.rewritesOnceAfterRemovals")
        let path = folder.file("index.sqlite")
        let index = try ArticleIndex(path: path)
        try index.apply(Self.articles(0..<600, random: &random), now: 1)
        try index.apply((0..<600).filter { $0 % 2 == 0 }.map { .remove(path: "a\($0).txt") }, now: 2)
        let before = try Self.slack(index)
        #expect(before.worthRewriting(percent: Self.policy.rewriteAfterSlackPercent, minimumBytes: Self.policy.rewriteAfterSlackBytes),
                "\(before)")
        let hits = try index.search(SearchQuery.parse("report"), limit: 500, offset: 0).hits.map(\.id)

        let steps = try Self.steps(index)
        let rewrites = steps.compactMap { step -> (Int64, Int64)? in
            if case .rewritten(let before, let after, .slack) = step { return (before, after) } else { return nil }
        }
        #expect(rewrites.count == 1 && steps.count == 1, "\(steps)")
        if let (sizeBefore, sizeAfter) = rewrites.first { #expect(sizeAfter < sizeBefore * 3 / 4, "\(sizeBefore) → \(sizeAfter) bytes") }
        let after = try Self.slack(index)
        #expect(after.slackBytes * 100 < after.fileBytes * Int64(Self.policy.rewriteAfterSlackPercent), "\(after)")
        #expect(after.fileBytes < before.fileBytes - before.slackBytes / 2, "\(before) → \(after)")
        #expect(try index.search(SearchQuery.parse("report"), limit: 500, offset: 0).hits.map(\.id) == hits)
        try CopyTextTests.expectFullTextConsistent(index, "after the rewrite")

        // Measured at its new size: a little growth asks for no new measurement.
        #expect(index.hasTextToCompact(policy: Self.policy) == false)
        try index.apply(Self.articles(600..<603, random: &random), now: 3)
        #expect(index.hasTextToCompact(policy: Self.policy) == false)
        #expect(try Self.steps(index).isEmpty)
    }

    @Test("a file with little room in its pages is measured once after opening and left as it is")
    func leavesATightFile() throws {
        var random = SeededRandom.forTest("FileSlackTests.leavesATightFile")
        let path = folder.file("index.sqlite")
        do {
            let index = try ArticleIndex(path: path)
            try index.apply(Self.articles(0..<400, random: &random), now: 1)
            try index.pool.writeWithoutTransaction { try $0.execute(sql: "VACUUM") }
        }
        let index = try ArticleIndex(path: path)
        #expect(index.hasTextToCompact(policy: Self.policy), "a newly opened index has not been measured")
        let size = index.sizeOnDisk()
        #expect(try Self.steps(index).isEmpty)
        #expect(index.hasTextToCompact(policy: Self.policy) == false)
        #expect(index.sizeOnDisk() <= size)
    }

    @Test("slack worth a rewrite: both the share and the bytes; the gauge asks again after the growth given")
    func thresholds() {
        #expect(FileSlack(fileBytes: 100 << 20, slackBytes: 5 << 20).worthRewriting(percent: 5, minimumBytes: 1 << 20))
        #expect(!FileSlack(fileBytes: 100 << 20, slackBytes: (5 << 20) - 1).worthRewriting(percent: 5, minimumBytes: 1 << 20))
        #expect(!FileSlack(fileBytes: 4 << 20, slackBytes: (1 << 20) - 1).worthRewriting(percent: 5, minimumBytes: 1 << 20))
        let gauge = SlackGauge()
        #expect(gauge.due(fileBytes: 1000, growthPercent: 10))
        gauge.measured(fileBytes: 1000)
        #expect(!gauge.due(fileBytes: 1099, growthPercent: 10))
        #expect(gauge.due(fileBytes: 1100, growthPercent: 10))
        #expect(!gauge.due(fileBytes: 900, growthPercent: 10))
    }
}
