import Foundation
import GRDB
import NewsCore
@testable import NewsIndex
import Testing
import TestSupport

/// Pages of the default search (one hit per copy group) against the full ranking: random
/// corpora with tied scores and random copy groups, random query trees of every form, random
/// orders and pages. Whatever shortcut finds a page must give exactly the reference's page.
@Suite("Top-k pages: random corpora and queries against the full ranking")
struct TopKPropertyTests {
    @Test("every page of a random query equals the same page of the full ranking")
    func randomPages() throws {
        var random = SeededRandom.forTest("TopKPropertyTests.randomPages")
        for corpusRound in 0..<3 {
            let folder = TemporaryFolder("newsd-topk-property")
            let index = try ArticleIndex(path: folder.file("index.sqlite"))
            let count = [90, 240, 400][corpusRound]
            var documents = try QueryPropertyTests.corpus(&random, count: count, twins: true, in: index)
            // Random copy groups: some articles copy an earlier one (groups of up to five).
            let copies = (1...count).compactMap { id -> (Int, Int)? in
                guard id > 5, Int.random(in: 0..<4, using: &random) == 0 else { return nil }
                return (id, id - Int.random(in: 1...5, using: &random))
            }
            try index.pool.write { db in
                for (id, first) in copies {
                    try db.execute(sql: "UPDATE article SET copyOf = coalesce((SELECT copyOf FROM article WHERE id = ?), ?), copySimilarity = 0.9 WHERE id = ?",
                                   arguments: [first, first, id])
                }
                // Arrivals as a folder loaded in batches, with files edited since: a few times
                // shared by many articles, not in id order.
                for id in 1...count {
                    try db.execute(sql: "UPDATE article SET ingestedAt = ? WHERE id = ?", arguments: [Int.random(in: 1...6, using: &random), id])
                }
            }
            for round in 0..<120 {
                // The index changes now and then between queries, so that what a search keeps
                // for the next (each phrase's row count) is tried across states.
                if round % 10 == 9 { try Self.change(index, &documents, &random, now: Double(10 + round)) }
                let tree = QueryPropertyTests.tree(&random, depth: 0)
                guard !tree.overLimits else { continue }
                // One query in three carries a filter on the article row: ranked, its window is
                // kept by the ranking of the rows that pass it.
                let filters = [" since:2023-01-04", " until:2023-01-05", " date:2023-01-02..2023-01-07", " date:2023-01-03", " date:2024"]
                let text = round % 3 == 2 ? tree.text + filters.randomElement(using: &random)! : tree.text
                let sort: SearchSort = [.relevance, .relevance, .newest, .oldest, .added].randomElement(using: &random)!
                let limit = Int.random(in: 1...30, using: &random), offset = [0, 0, Int.random(in: 0...60, using: &random)].randomElement(using: &random)!
                let (total, hits) = try index.search(SearchQuery.parse(text), sort: sort, limit: limit, offset: offset)
                let (expectedTotal, expectedIds) = try WindowedSearchTests.reference(index, text, sort: sort, limit: limit, offset: offset)
                let context = "seed \(random.seed), corpus \(corpusRound), round \(round): \(text) (\(sort), limit \(limit), offset \(offset))"
                #expect(total == expectedTotal, "\(context)")
                #expect(hits.map(\.id) == expectedIds, "\(context)")
                // In every order a hit shows its bm25 score (a date order kept by the ranking too).
                if case let scores = try WindowedSearchTests.bm25Scores(index, text), !scores.isEmpty {
                    let wrong = hits.filter { $0.score != -(scores[$0.id] ?? .nan) }.map { "\($0.id): \($0.score), bm25 \(-(scores[$0.id] ?? .nan))" }
                    let wrongCount = wrong.count
                    #expect(wrongCount == 0, "\(context): scores other than bm25's: \(wrong.prefix(3))")
                }
                if hits.map(\.id) != expectedIds { return }
            }
        }
    }

    /// One random change: an article added, one's text edited, or one removed, at `now`. Added
    /// and edited text holds every word of the vocabulary, so that the change moves the row
    /// count of most phrases.
    static func change(_ index: ArticleIndex, _ documents: inout [QueryPropertyTests.Document], _ random: inout SeededRandom,
                       now: Double = 1) throws {
        let number = documents.count
        func broad(_ path: String) -> QueryPropertyTests.Document {
            var document = QueryPropertyTests.document(&random, path: path)
            document.body += QueryPropertyTests.vocabulary.shuffled(using: &random)
            return document
        }
        switch Int.random(in: 0..<3, using: &random) {
        case 0:
            documents.append(broad("d\(number).txt"))
            try index.apply([QueryPropertyTests.upsert(documents[number], number: number)], now: now)
        case 1:
            let edited = Int.random(in: 0..<number, using: &random)
            documents[edited] = broad(documents[edited].path)
            try index.apply([QueryPropertyTests.upsert(documents[edited], number: number)], now: now)
        default:
            try index.apply([.remove(path: documents[Int.random(in: 0..<number, using: &random)].path)], now: now)
        }
    }
}
