import Foundation
@testable import NewsDaemon
import GRDB
import NewsCore
@testable import NewsIndex
import Testing
import TestSupport

/// Each story's row — its article and outlet counts and its span — is kept by placement
/// (`StoryBook.finish`) as articles join and leave it; it must always say what its members say.
@Suite("Story rows on generated archives")
struct StoryRowTests {
    /// A story as its members make it: how many, from how many outlets, and its span — that of
    /// its published dates when it has any, else of all its dates.
    struct Summary: Equatable {
        var articles: Int
        var outlets: Int
        var firstDay: Int
        var lastDay: Int
    }

    static func fromMembers(_ index: ArticleIndex) throws -> [Int64: Summary] {
        try index.pool.read { db in
            var members: [Int64: [(day: Int, published: Bool, outlet: String?)]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT storyId, articleDay, dateKind, outlet FROM article WHERE storyId IS NOT NULL") {
                let (story, day, kind, outlet): (Int64, Int, Int64?, String?) = (row["storyId"], row["articleDay"], row["dateKind"], row["outlet"])
                members[story, default: []].append((day, kind == DateKind.published.rawValue, outlet))
            }
            return members.mapValues { list in
                let spanned = list.contains(where: \.published) ? list.filter(\.published) : list
                return Summary(articles: list.count, outlets: Set(list.compactMap(\.outlet)).count,
                               firstDay: spanned.map(\.day).min()!, lastDay: spanned.map(\.day).max()!)
            }
        }
    }

    static func stored(_ index: ArticleIndex) throws -> [Int64: Summary] {
        try index.pool.read { db in
            var stories: [Int64: Summary] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, articles, outlets, firstDay, lastDay FROM story") {
                stories[row["id"]] = Summary(articles: row["articles"], outlets: row["outlets"], firstDay: row["firstDay"], lastDay: row["lastDay"])
            }
            return stories
        }
    }

    @Test("every story's counts and span equal its members', as articles arrive and go")
    func rowsFollowMembers() throws {
        var random = SeededRandom.forTest("StoryRowTests.rowsFollowMembers")
        for archive in 0..<3 {
            let root = TemporaryFolder("newsd-story-rows")
            let inbox = root.folder("inbox")
            var paths = try GeneratedStoryPlacementTests.writeArchive(into: inbox, random: &random)
            // Copies saved without their dateline: dated only by their file, in a story whose
            // other reports have dates in the text (its span is theirs).
            let saved = try #require(try FileManager.default.attributesOfItem(atPath: inbox + "/" + paths[0])[.modificationDate] as? Date)
            for path in paths where Bool.random(using: &random) {
                let text = try String(contentsOfFile: inbox + "/" + path, encoding: .utf8)
                guard let dateline = text.range(of: " (Wire) - ") else { continue }
                let lineStart = try #require(text[..<dateline.lowerBound].range(of: "\n\n", options: .backwards)).upperBound
                let copy = "undated-" + path
                try (text[..<lineStart] + text[dateline.upperBound...]).write(toFile: inbox + "/" + copy, atomically: false, encoding: .utf8)
                try FileManager.default.setAttributes([.modificationDate: saved], ofItemAtPath: inbox + "/" + copy)
                paths.append(copy)
            }
            let reader = ChangeReader(inbox: inbox, policy: InboxNamePolicy(), maxFileBytes: 1 << 20)
            // Outlets from a short list, so that a story has several articles from one outlet
            // and some have none.
            let outlets = ["Northern Wire", "Harbour Post", "Valley Times"]
            let changes = try paths.shuffled(using: &random).map { name -> IndexChange in
                guard case .change(.upsert(let path, let stamp, var article))? = reader.change(for: name, known: nil) else {
                    throw DaemonError(message: "the generated file \(name) could not be read")
                }
                article.outlet = Bool.random(using: &random) ? outlets.randomElement(using: &random)! : nil
                return .upsert(path: path, stamp: stamp, article: article)
            }
            let index = try ArticleIndex(path: root.file("index.sqlite"))
            try index.apply(changes, now: 1)
            let context = "seed \(random.seed), archive \(archive) of \(changes.count) articles"
            while try index.placeStories(limit: Int.random(in: 1...40, using: &random)) > 0 {}
            #expect(try Self.stored(index) == Self.fromMembers(index), "\(context): after placing")
            // Some articles go: their stories lose members, split or empty.
            let gone = changes.shuffled(using: &random).prefix(changes.count / 4).map { change -> IndexChange in
                guard case .upsert(let path, _, _) = change else { return change }
                return .remove(path: path)
            }
            try index.apply(gone, now: 2)
            while try index.placeStories(limit: Int.random(in: 1...40, using: &random)) > 0 {}
            #expect(try Self.stored(index) == Self.fromMembers(index), "\(context): after \(gone.count) went")
        }
    }
}
