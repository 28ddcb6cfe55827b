import Foundation
import NewsClient
import Testing
import TestSupport

/// Issue #6's promise, on the real binaries: five seeds give three stories, each article with its
/// outlet, and `newsctl story` shows the bounty story as The Independent, the Daily Mail and CNN
/// reported it, in the order of their dates.
@Suite("End to end: stories", .enabled(if: SeedCorpus.isAvailable, SeedCorpus.skipReason))
struct StoryEndToEndTests {
    /// Copies the seeds with file times a day apart (000 oldest), as if saved as they appeared.
    static func dropSeeds(into inbox: String) throws {
        for (n, name) in SeedCorpus.names.enumerated() {
            let target = inbox + "/" + name
            try FileManager.default.copyItem(atPath: SeedCorpus.folder + "/" + name, toPath: target)
            let time = Date(timeIntervalSince1970: 1_593_252_000 + Double(n) * 86_400) // 2020-06-27 10:00 UTC + n days
            try FileManager.default.setAttributes([.modificationDate: time], ofItemAtPath: target)
        }
    }

    @Test("three stories; the bounty story's timeline; related; grouping by story", arguments: ArchiveBackend.allCases)
    func seeds(backend: ArchiveBackend) async throws {
        let daemon = try await RunningDaemon(extraArguments: try backend.daemonArguments()) { inbox in try Self.dropSeeds(into: inbox) }
        #expect(try await daemon.waitForStatus { $0.articles == 5 && $0.unplaced == 0 && $0.stories > 0 && $0.state == "idle" },
                "log:\n\(daemon.log)")
        let status = try daemon.client.status()
        #expect(status.stories == 3)
        #expect(Set(status.outlets.map(\.outlet)) == ["The Independent", "Daily Mail", "CNN", "Sputnik"])

        let independent = try daemon.client.article(path: SeedCorpus.name("000"))
        let storyId = try #require(independent.storyId)
        let story = try daemon.newsctl("story", String(storyId))
        #expect(story.status == 0)
        let lines = story.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "Story \(storyId): 3 articles from 3 outlets, 2020-06-27 to 2020-06-29")
        let reports = lines.filter { $0.hasPrefix("2020-") }
        #expect(reports.count == 3)
        #expect(reports.map { String($0.dropFirst(12).prefix(15)).trimmingCharacters(in: .whitespaces) }
                == ["The Independent", "Daily Mail", "CNN"])
        #expect(reports.first?.hasSuffix("(first)") == true)

        let byArticle = try daemon.newsctl("story", "--article", SeedCorpus.name("002"))
        #expect(byArticle.stdout == story.stdout)
        for alone in ["003", "004"] {
            let other = try daemon.client.article(path: SeedCorpus.name(alone)).storyId
            #expect(other != nil && other != storyId)
            #expect(try daemon.client.story(id: other!).story.articles == 1)
        }

        let related = try daemon.client.related(id: independent.id, limit: 4)
        #expect(related.related.prefix(2).map(\.sameStory) == [true, true])
        #expect(related.related.allSatisfy { (0...1).contains($0.similarity) })
        let relatedCLI = try daemon.newsctl("related", SeedCorpus.name("000"), "--json")
        #expect(try JSONDecoder().decode(RelatedResponse.self, from: Data(relatedCLI.stdout.utf8)) == related)

        let grouped = try daemon.client.search("russia", group: .stories)
        #expect(grouped.total == 3)
        let wide = try daemon.newsctl("find", "russia", "--min-outlets", "3", "--json")
        let wideHits = try JSONDecoder().decode(SearchResponse.self, from: Data(wide.stdout.utf8)).hits
        #expect(Set(wideHits.map { backend.local($0.path) }) == Set(["000", "001", "002"].map(SeedCorpus.name)))

        let missing = try daemon.newsctl("story", "999")
        #expect(missing.status == 2 && missing.stderr.hasPrefix("newsctl: no story with id 999"))
        _ = try await daemon.stop()
    }

    @Test("a syndicated copy dropped later shows as +1 copy and joins the story at once", arguments: ArchiveBackend.allCases)
    func syndicatedCopy(backend: ArchiveBackend) async throws {
        let daemon = try await RunningDaemon(extraArguments: try backend.daemonArguments()) { inbox in try Self.dropSeeds(into: inbox) }
        #expect(try await daemon.waitForStatus { $0.articles == 5 && $0.state == "idle" })
        let original = try String(contentsOfFile: daemon.inbox + "/" + SeedCorpus.name("002"), encoding: .utf8)
        let copy = original.replacingOccurrences(of: "CNN has contacted the NSC", with: "CNN reached out to the NSC")
        try copy.write(toFile: daemon.inbox + "/.syndicated.tmp", atomically: false, encoding: .utf8)
        try FileManager.default.moveItem(atPath: daemon.inbox + "/.syndicated.tmp", toPath: daemon.inbox + "/syndicated.txt")
        // Searchable first, then placed (copies are found at placement), once no other file follows.
        #expect(try await daemon.waitForStatus { $0.articles == 6 && $0.unplaced == 0 }, "log:\n\(daemon.log)")
        let find = try daemon.newsctl("find", "\"finalizing a decision\"")
        #expect(find.stdout.contains("(+1 copy)"), "\(find.stdout)")
        let response = try daemon.client.search("\"finalizing a decision\"")
        #expect(response.total == 1 && response.hits.first?.copies == 1)
        let article = try daemon.client.article(path: "syndicated.txt")
        #expect(article.copyOf != nil)
        #expect((article.copySimilarity ?? 0) >= Similarity.copyThreshold)
        #expect(article.storyId == (try daemon.client.article(path: SeedCorpus.name("000")).storyId))
        _ = try await daemon.stop()
    }
}
