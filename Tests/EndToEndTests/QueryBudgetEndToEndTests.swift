import Foundation
import NewsClient
import NewsCore
import Testing
import TestSupport

/// No query can take newsd down: each has a time limit enforced inside SQLite, a search whose
/// client hangs up is stopped, and status answers meanwhile.
@Suite("End to end: query budget")
struct QueryBudgetEndToEndTests {
    /// Articles of random words from a large vocabulary: many distinct prefixes, so that ten
    /// two-letter prefixes OR-ed together cost seconds of ranking and snippets.
    static func writeCorpus(_ inbox: String, articles: Int, random: inout SeededRandom) throws {
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        let vocabulary = (0..<20_000).map { _ in String((0..<Int.random(in: 3...9, using: &random)).map { _ in letters.randomElement(using: &random)! }) }
        try FileManager.default.createDirectory(atPath: inbox + "/many", withIntermediateDirectories: true)
        for number in 0..<articles {
            let paragraphs = (0..<8).map { _ in (0..<100).map { _ in vocabulary.randomElement(using: &random)! }.joined(separator: " ") + "." }
            try "Article \(number) of the generated corpus\n\n\(paragraphs.joined(separator: "\n\n"))\n"
                .write(toFile: inbox + "/many/a\(number).txt", atomically: false, encoding: .utf8)
        }
    }

    /// Ten one-letter prefixes, each merging a large part of the vocabulary: a deep page of them
    /// must still be running when the tests hang up or check the time limit (two-letter ones
    /// finished first once deep pages were ranked in one pass).
    static let expensive = "a* OR b* OR c* OR d* OR e* OR f* OR g* OR h* OR i* OR k*"

    @Test("an over-budget search is stopped with query-too-expensive; status and cheap searches answer meanwhile")
    func overBudget() async throws {
        var random = SeededRandom.forTest("QueryBudgetEndToEndTests.overBudget")
        let daemon = try await RunningDaemon(environment: ["NEWSD_QUERY_TIMEOUT_MS": "1"]) { inbox in
            try Self.writeCorpus(inbox, articles: 300, random: &random)
        }
        #expect(try await daemon.waitForStatus(timeout: .seconds(60)) { $0.articles == 300 && $0.state == "idle" })
        let started = ContinuousClock.now
        do {
            _ = try daemon.client.search(Self.expensive, limit: 1000)
            Issue.record("the expensive search was answered within 1 ms")
        } catch {
            guard case .api(let status, let body) = error else { throw error }
            #expect(status == 503)
            #expect(body.error.code == "query-too-expensive")
            #expect(body.error.message.contains("narrow it"), "\(body.error.message)")
        }
        #expect(ContinuousClock.now - started < .seconds(2), "stopped at once, not after the query ran")
        #expect(try daemon.client.status().articles == 300)
        #expect(daemon.log.contains("event=query-too-expensive"))
        try await daemon.stop()
    }

    @Test("a search whose client hangs up is cancelled; status answers while it runs")
    func clientGone() async throws {
        var random = SeededRandom.forTest("QueryBudgetEndToEndTests.clientGone")
        let daemon = try await RunningDaemon(environment: ["NEWSD_QUERY_TIMEOUT_MS": "600000"]) { inbox in
            try Self.writeCorpus(inbox, articles: 2000, random: &random)
        }
        // Indexed and placed first, so that only the search runs; the limit guards against a
        // hang, not speed: with every suite running beside it, a debug build took over 120 s.
        #expect(try await daemon.waitForStatus(timeout: .seconds(300)) { $0.articles == 2000 && $0.state == "idle" })
        // Send the search and hang up without reading the answer.
        let fd = HostileInboxEndToEndTests.connectUnix(daemon.socket)
        #expect(fd >= 0)
        let request = "GET /v1/search?q=\(NewsClient.percentEncoded(Self.expensive))&limit=1000 HTTP/1.1\r\nHost: newsd\r\n\r\n"
        _ = request.withCString { write(fd, $0, strlen($0)) }
        // Status answers while the search runs. Two checks, not more: ranking got cheaper, and
        // under load more checks let the search finish before the hang-up it must see.
        for _ in 0..<2 {
            let asked = ContinuousClock.now
            #expect(try daemon.client.status().articles == 2000)
            #expect(try daemon.client.search("\"article 1234\"").total == 1)
            #expect(ContinuousClock.now - asked < .seconds(1))
        }
        close(fd)
        #expect(try await waitUntil(timeout: .seconds(10)) { daemon.log.contains("event=query-cancelled") }, "log:\n\(daemon.log.suffix(2000))")
        #expect(!daemon.log.contains("event=query-too-expensive"))
        try await daemon.stop()
    }
}
