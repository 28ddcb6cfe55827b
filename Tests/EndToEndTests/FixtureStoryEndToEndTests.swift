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

    @Test("one story of three outlets, the copy folded, and an uncertain date never reported first")
    func strikeStory() async throws {
        let daemon = try await RunningDaemon { inbox in try Self.drop(into: inbox) }
        #expect(try await daemon.waitForStatus(timeout: .seconds(30)) { $0.files == 5 && $0.unplaced == 0 && $0.state == "idle" },
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
        let printed = try daemon.newsctl("story", String(storyId))
        #expect(printed.stdout.contains("2024-03-13?"), "\(printed.stdout)")

        let hits = try daemon.client.search("felixstowe").hits
        #expect(hits.count == 3, "the copy folds into the Reuters hit")
        #expect(hits.contains { ($0.id == reuters.id || $0.id == copy.id) && $0.copies == 1 })
        let human = try daemon.newsctl("find", "felixstowe")
        #expect(human.stdout.contains("2024-03-13 (year?)"), "\(human.stdout)")
        let grouped = try daemon.client.search("strike OR lemon", group: .stories)
        #expect(grouped.total == 2)
        let wide = try daemon.client.search("felixstowe", minOutlets: 3)
        #expect(wide.total >= 3)
        let related = try daemon.client.related(id: reuters.id, limit: 4)
        #expect(related.related.first?.copy == true)
    }
}
