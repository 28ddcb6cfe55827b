import Foundation
import NewsClient
import NewsCore
import Testing
import TestSupport

/// Stories and copies on our own fixtures (Tests/Fixtures/stories), so they run on a plain clone:
/// four reports of one strike from Reuters (and Yahoo's copy of it), the BBC and the Guardian in
/// three formats, and an unrelated report.
@Suite("End to end: stories and copies on the fixtures")
struct FixtureStoryEndToEndTests {
    static let folder = (FixtureFiles.articles as NSString).deletingLastPathComponent + "/stories"

    /// Copies the fixtures; Reuters' year-less dateline (March 13) gets its year from a file saved a
    /// week later, so it is dated before the BBC's published 14 March, but only as `inferred`.
    static func drop(into inbox: String) throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            try FileManager.default.copyItem(atPath: folder + "/" + name, toPath: inbox + "/" + name)
            let saved = Date(timeIntervalSince1970: 1_710_936_000) // 2024-03-20 12:00 UTC
            try FileManager.default.setAttributes([.modificationDate: saved], ofItemAtPath: inbox + "/" + name)
        }
    }

    @Test("one story of three outlets, the copy folded, and an uncertain date never reported first", arguments: ArchiveBackend.allCases)
    func strikeStory(backend: ArchiveBackend) async throws {
        let daemon = try await RunningDaemon(extraArguments: try backend.daemonArguments()) { inbox in try Self.drop(into: inbox) }
        #expect(try await daemon.waitForStatus(timeout: .seconds(30)) { $0.files == 5 && $0.unplaced == 0 && $0.stories > 0 && $0.state == "idle" },
                "log:\n\(daemon.log)")
        let reuters = try daemon.client.article(path: "felixstowe-reuters.txt")
        #expect(reuters.dateSource == .inferred && reuters.date == "2024-03-13" && reuters.outlet == "Reuters")
        // Which of the two heads the copy group depends on which was placed first.
        let copy = try daemon.client.article(path: "felixstowe-yahoo.txt")
        #expect(copy.copyOf == reuters.id || reuters.copyOf == copy.id, "Yahoo's page is Reuters' text")
        let storyId = try #require(reuters.storyId)
        for path in ["felixstowe-bbc.html", "felixstowe-guardian.md", "felixstowe-yahoo.txt"] {
            #expect(try daemon.client.article(path: path).storyId == storyId, "\(path)")
        }
        #expect(try daemon.client.article(path: "lemon-harvest.txt").storyId != storyId)

        let story = try daemon.client.story(id: storyId)
        #expect(story.story.articles == 4)
        #expect(story.story.outlets >= 3)
        #expect(story.timeline.first?.outlet == "BBC", "the first published report, not the inferred one dated earlier")
        #expect(story.timeline.first?.dateSource == .published)
        #expect(story.timeline.map { backend.local($0.path) }.sorted()
                == ["felixstowe-bbc.html", "felixstowe-guardian.md", "felixstowe-reuters.txt", "felixstowe-yahoo.txt"])
        let printed = try daemon.newsctl("story", String(storyId))
        #expect(printed.stdout.contains("2024-03-13?"), "\(printed.stdout)")

        let hits = try daemon.client.search("felixstowe").hits
        #expect(hits.count == 3, "the copy folds into the Reuters hit")
        #expect(hits.contains { ($0.id == reuters.id || $0.id == copy.id) && $0.copies == 1 })
        #expect(hits.allSatisfy { $0.story?.id == storyId })
        let human = try daemon.newsctl("find", "felixstowe")
        #expect(human.stdout.contains("2024-03-13 (year?)"), "\(human.stdout)")
        let grouped = try daemon.client.search("strike OR lemon", group: .stories)
        #expect(grouped.total == 2)
        #expect(grouped.hits.first { $0.story?.id == storyId }?.storyHits == 4, "\(grouped.hits.map { ($0.title, $0.storyHits) })")
        let wide = try daemon.client.search("felixstowe", minOutlets: 3)
        #expect(wide.total >= 3)
        #expect(try daemon.client.search("lemon", minOutlets: 2).total == 0, "the harvest report is a story of one outlet")
        let covered = try daemon.client.search("strike OR lemon OR harvest", sort: .coverage)
        #expect(covered.hits.first?.story?.id == storyId, "the story carried by most outlets first")
        let related = try daemon.client.related(id: reuters.id, limit: 4)
        #expect(related.related.first?.copy == true)
        // In a small collection every article is scored: the Guardian's explainer lists every
        // other report of the strike, not only those sharing its rarest keys, and not the harvest.
        let guardian = try daemon.client.article(path: "felixstowe-guardian.md")
        let fromGuardian = try daemon.client.related(id: guardian.id, limit: 10).related
        #expect(Set(fromGuardian.map { backend.local($0.path) }) == ["felixstowe-bbc.html", "felixstowe-reuters.txt", "felixstowe-yahoo.txt"],
                "\(fromGuardian)")
        #expect(fromGuardian.allSatisfy { $0.similarity >= Similarity.relatedFloor && $0.sameStory })
    }

    @Test("stories, timeline and a story's coverage chart print exactly this (golden output, ASCII at 60 columns)",
          arguments: ArchiveBackend.allCases)
    func browsing(backend: ArchiveBackend) async throws {
        let daemon = try await RunningDaemon(extraArguments: try backend.daemonArguments()) { inbox in try Self.drop(into: inbox) }
        #expect(try await daemon.waitForStatus(timeout: .seconds(30)) { $0.files == 5 && $0.unplaced == 0 && $0.stories > 0 && $0.state == "idle" },
                "log:\n\(daemon.log)")
        func newsctl(_ arguments: String...) throws -> ProcessResult {
            try runProcess(BuiltProducts.newsctl, arguments, environment: ["NEWSD_SOCKET": daemon.socket, "NO_COLOR": "1", "COLUMNS": "60"])
        }
        let storyId = try #require(try daemon.client.article(path: "felixstowe-bbc.html").storyId)
        let lemonStory = try #require(try daemon.client.article(path: "lemon-harvest.txt").storyId)
        let width = max(String(storyId).count, String(lemonStory).count)
        func id(_ value: Int64) -> String { String(repeating: " ", count: width - String(value).count) + String(value) }

        let stories = try newsctl("stories", "--since", "2023-01-01", "--min-articles", "1", "--sort", "size")
        #expect(stories.status == 0)
        #expect(stories.stdout == """
            \(id(storyId))  2024-03-14 – 2024-03-15  4 articles  4 outlets  Felixstowe port strike extended as pay talks fail
            \(id(lemonStory))  2023-11-04               1 article   1 outlet   Sicilian lemon growers expect a smaller harvest

            2 of 2 stories since 2023-01-01, most articles first; newsctl story ID shows one

            """, "\(stories.stdout)")
        #expect(try newsctl("stories", "--since", "2024-01-01").stdout.hasPrefix("\(storyId)  2024-03-14 – 2024-03-15  4 articles"),
                "a single report is not a story to list by default")
        #expect(try newsctl("stories", "--since", "7d").status == 1)

        let timeline = try newsctl("timeline", "felixstowe")
        #expect(timeline.status == 0)
        #expect(timeline.stdout == """
            Articles matching “felixstowe” per day: 4 dated

            2024-03-13  #############################################  2
            2024-03-14  #######################                        1
            2024-03-15  #######################                        1

            """, "\(timeline.stdout)")
        let csv = try newsctl("timeline", "felixstowe", "--by-outlet", "--csv")
        #expect(csv.stdout == "start,outlet,count\r\n2024-03-14,BBC,1\r\n2024-03-13,Reuters,1\r\n2024-03-15,The Guardian,1\r\n2024-03-13,Yahoo News,1\r\n",
                "\(csv.stdout)")
        let monthly = try daemon.client.timeline("felixstowe OR lemon", by: .month)
        #expect(monthly.rows.map(\.count) == [1, 0, 0, 0, 4] && monthly.rows.first?.start == "2023-11-01", "\(monthly.rows)")

        let story = try newsctl("story", String(storyId))
        #expect(story.stdout.hasSuffix("""

            Reports per day:
            2024-03-13  #############################################  2
            2024-03-14  #######################                        1
            2024-03-15  #######################                        1

            """), "\(story.stdout)")
    }
}
