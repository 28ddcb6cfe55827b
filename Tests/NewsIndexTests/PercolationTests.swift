import Foundation
import NewsCore
@testable import NewsIndex
import Testing
import TestSupport

/// Alerts and watches: queries matched against the articles each transaction adds, never the
/// archive (#14).
@Suite("Percolation: alerts and watches match new articles")
struct PercolationTests {
    @Test("id ranges cover every new id, merge close runs and stay few")
    func ranges() {
        #expect(Percolator.ranges(covering: []) == [])
        #expect(Percolator.ranges(covering: [5]) == [5...5])
        #expect(Percolator.ranges(covering: [1, 2, 3, 10, 70]) == [1...70])
        #expect(Percolator.ranges(covering: [1, 2, 500, 501, 5000]) == [1...2, 500...501, 5000...5000])
        var random = SeededRandom.forTest("PercolationTests.ranges")
        for _ in 0..<200 {
            let ids = (0..<Int.random(in: 1...60, using: &random)).map { _ in Int64.random(in: 1...100_000, using: &random) }
            let ranges = Percolator.ranges(covering: Array(Set(ids)).sorted())
            #expect(ranges.count <= Percolator.maxRanges, "seed \(random.seed)")
            #expect(ids.allSatisfy { id in ranges.contains { $0.contains(id) } }, "seed \(random.seed): \(ids) not covered by \(ranges)")
            #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound < $1.lowerBound }, "seed \(random.seed): overlapping \(ranges)")
        }
    }

    /// An archive, then batches of new and edited documents with random watches and alerts: each
    /// watch gets exactly the batch's new articles its query matches, and each alert records
    /// each matching article once, however often it is indexed again.
    @Test("random watches and alerts match exactly the batch's matching articles, alerts once per article")
    func randomStandingQueries() throws {
        var random = SeededRandom.forTest("PercolationTests.randomStandingQueries")
        let folder = TemporaryFolder("newsd-percolation")
        let index = try ArticleIndex(path: folder.file("index.sqlite"))
        var documents = try QueryPropertyTests.corpus(&random, count: 150, in: index)
        let clock = QueryClock(now: 1_000, utcOffset: 0)
        var alertTrees: [String: QueryPropertyTests.Tree] = [:]
        for n in 0..<12 {
            let tree = QueryPropertyTests.tree(&random, depth: 0)
            guard !tree.overLimits else { continue }
            _ = try index.addAlert(name: "a\(n)", query: tree.text, now: 1)
            alertTrees["a\(n)"] = tree
        }
        var alerted = Set<String>() // "alert articleId"
        for round in 0..<12 {
            var changes: [IndexChange] = []
            var fresh: [QueryPropertyTests.Document] = []
            for n in 0..<Int.random(in: 1...25, using: &random) {
                let edit = Int.random(in: 0..<4, using: &random) == 0
                let path = edit ? documents.randomElement(using: &random)!.path : "r\(round)-\(n).txt"
                guard !fresh.contains(where: { $0.path == path }) else { continue }
                let document = QueryPropertyTests.document(&random, path: path)
                fresh.append(document)
                changes.append(QueryPropertyTests.upsert(document, number: documents.count + changes.count))
            }
            documents.removeAll { old in fresh.contains { $0.path == old.path } }
            documents += fresh
            var watchTrees: [String: QueryPropertyTests.Tree] = [:]
            var watches: [StandingQuery] = []
            for n in 0..<5 {
                let tree = QueryPropertyTests.tree(&random, depth: 0)
                guard !tree.overLimits else { continue }
                watchTrees["w\(n)"] = tree
                watches.append(StandingQuery(key: "w\(n)", query: try SearchQuery.parse(tree.text, clock: clock)))
            }
            let batch = try index.apply(changes, now: Double(10 + round), clock: clock, watches: watches)
            let pathOf = Dictionary(uniqueKeysWithValues: batch.changes.map { ($0.articleId!, $0.path) })
            for (key, tree) in watchTrees {
                let expected = Set(fresh.filter { tree.matches($0) }.map(\.path))
                let found = Set(batch.watchMatches.filter { $0.key == key }.map { pathOf[$0.articleId] ?? "?" })
                #expect(found == expected, "seed \(random.seed), round \(round), \(tree.text): missing \(expected.subtracting(found).sorted()), extra \(found.subtracting(expected).sorted())")
            }
            // An edited article keeps its id: an alert it matched before does not fire again,
            // even when its new text matches too.
            let idOf = Dictionary(uniqueKeysWithValues: pathOf.map { ($1, $0) })
            var newlyAlerted = 0
            for (name, tree) in alertTrees {
                for document in fresh where tree.matches(document) && alerted.insert("\(name) \(idOf[document.path]!)").inserted { newlyAlerted += 1 }
            }
            #expect(batch.alertMatches == newlyAlerted, "seed \(random.seed), round \(round)")
        }
        // Every recorded match is a match of the article's text when it was recorded.
        let pending = try index.pendingAlertMatches(limit: 100_000)
        #expect(Set(pending.map { "\($0.alert) \($0.articleId)" }).count == pending.count, "seed \(random.seed): an alert recorded an article twice")
        #expect(!pending.isEmpty, "seed \(random.seed): no alert matched anything; the test proves nothing")
        try index.markAlertsNotified(Array(pending.prefix(20)), at: 99)
        #expect(try index.pendingAlertMatches(limit: 100_000).count == pending.count - min(20, pending.count))
        let listed = try index.alerts()
        #expect(listed.map(\.matches).reduce(0, +) == pending.count)
    }

    @Test("an alert on a filter alone, and a removed alert")
    func filterAlertsAndRemoval() throws {
        let folder = TemporaryFolder("newsd-percolation-filter")
        let index = try ArticleIndex(path: folder.file("index.sqlite"))
        _ = try index.addAlert(name: "undated-harbour", query: "harbour -date:2023", now: 1)
        _ = try index.addAlert(name: "all-2023", query: "date:2023", now: 1)
        #expect(throws: AlertStoreError.self) { try index.addAlert(name: "all-2023", query: "x", now: 1) }
        #expect { try index.addAlert(name: "third", query: "x", now: 1, limit: 2) } throws: { error in
            if case AlertStoreError.full(2) = error { true } else { false }
        }
        let clock = QueryClock(now: 1_000, utcOffset: 0)
        let batch = try index.apply(TestArticles.upserts([
            ("a.txt", TestArticles.article(headline: "Harbour closes", body: "Storm shuts the harbour.", published: "2023-03-01")),
            ("b.txt", TestArticles.article(headline: "Harbour opens", body: "Ships return to the harbour.")),
            ("c.txt", TestArticles.article(headline: "Wheat", body: "A record harvest.", published: "2023-05-01")),
        ]), now: 5, clock: clock, watches: [])
        #expect(batch.alertMatches == 3)
        let byAlert = Dictionary(grouping: try index.pendingAlertMatches(limit: 10), by: \.alert).mapValues { $0.map(\.articleId) }
        let ids = Dictionary(uniqueKeysWithValues: batch.changes.map { ($0.path, $0.articleId!) })
        #expect(byAlert["undated-harbour"] == [ids["b.txt"]!])
        #expect(byAlert["all-2023"]?.sorted() == [ids["a.txt"]!, ids["c.txt"]!].sorted())
        let shown = try index.alert(name: "all-2023", limit: 10, clock: clock)
        #expect(shown?.hits.map(\.path).sorted() == ["a.txt", "c.txt"])
        #expect(try index.removeAlert(name: "all-2023"))
        #expect(try !index.removeAlert(name: "all-2023"))
        #expect(try index.pendingAlertMatches(limit: 10).map(\.alert) == ["undated-harbour"])
    }
}
