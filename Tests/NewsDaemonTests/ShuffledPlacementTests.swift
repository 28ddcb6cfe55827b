import Foundation
@testable import NewsDaemon
import NewsCore
import GRDB
@testable import NewsIndex
import Testing
import TestSupport

/// Stories and copy groups depend on the articles, not on the order they arrive in (#14): our
/// fixture stories, read by the real reader, indexed and placed in many random orders and
/// interleavings, give the same stories, the same copy groups and the same first report.
@Suite("Story placement does not depend on arrival order")
struct ShuffledPlacementTests {
    /// `Tests/Fixtures/stories` and `Tests/Fixtures/saga` (a story running for six weeks,
    /// reports under a week apart, a copy dated a day after its original, a later report on
    /// the same company that is another story), or the folders of `Tests/Fixtures` named in `sets`.
    static func fixtureChanges(sets: [String] = ["stories", "saga"]) throws -> (root: TemporaryFolder, changes: [IndexChange]) {
        let root = TemporaryFolder("newsd-shuffled-placement")
        let inbox = root.folder("inbox")
        let fixtures = (FixtureFiles.articles as NSString).deletingLastPathComponent
        var names: [String] = []
        for set in sets {
            try FileManager.default.createDirectory(atPath: inbox + "/" + set, withIntermediateDirectories: true)
            for name in try FileManager.default.contentsOfDirectory(atPath: fixtures + "/" + set).sorted() {
                try FileManager.default.copyItem(atPath: "\(fixtures)/\(set)/\(name)", toPath: "\(inbox)/\(set)/\(name)")
                names.append("\(set)/\(name)")
            }
        }
        let reader = ChangeReader(inbox: inbox, policy: InboxNamePolicy(), maxFileBytes: 10 << 20)
        let changes = try names.map { name -> IndexChange in
            guard case .change(let change)? = reader.change(for: name, known: nil) else {
                throw DaemonError(message: "the fixture \(name) could not be read")
            }
            return change
        }
        return (root, changes)
    }

    /// What placement decided, by path: the stories (sets of paths), each copy group's first
    /// article for every member of one, and each story's first report.
    struct Outcome: Equatable, CustomStringConvertible {
        var stories: Set<Set<String>> = []
        var copyLeader: [String: String] = [:]
        var firstReport: [Set<String>: String] = [:]

        var description: String {
            "stories \(stories.map { $0.sorted() }.sorted { $0.first ?? "" < $1.first ?? "" }), copies \(copyLeader.sorted { $0.key < $1.key }), first \(firstReport.values.sorted())"
        }
    }

    static func outcome(_ index: ArticleIndex, paths: [String]) throws -> Outcome {
        var byStory: [Int64: Set<String>] = [:]
        var pathOfId: [Int64: String] = [:]
        var articles: [String: ArticleResponse] = [:]
        for path in paths {
            let article = try #require(try index.articleId(path: path).flatMap { try index.article(id: $0) })
            articles[path] = article
            pathOfId[article.id] = article.paths.min()
            byStory[try #require(article.storyId), default: []].insert(path)
        }
        var result = Outcome(stories: Set(byStory.values))
        for (path, article) in articles {
            if let leader = article.copyOf { result.copyLeader[path] = pathOfId[leader] ?? "gone" }
        }
        for (story, members) in byStory {
            result.firstReport[members] = try index.story(id: story)?.timeline.first?.path
        }
        return result
    }

    /// The stories as the links make them (connected groups of the links that count, see
    /// `StoryBook.counts`), computed from scratch: what placement keeps up incrementally.
    static func storiesFromLinks(_ index: ArticleIndex) throws -> Set<Set<Int64>> {
        try index.pool.read { db in
            let undated = Set(try Int64.fetchAll(db, sql: "SELECT id FROM article WHERE dateKind IS NULL"))
            let edges = try Row.fetchAll(db, sql: "SELECT id, other, copy FROM story_link")
            let held = Set(edges.map { "\($0["id"] as Int64) \($0["other"] as Int64)" })
            var groups = UnionFind()
            for id in try Int64.fetchAll(db, sql: "SELECT id FROM article") { groups.add(id) }
            for edge in edges {
                let (id, other): (Int64, Int64) = (edge["id"], edge["other"])
                if edge["copy"] as Bool || StoryBook.counts(undated.contains(id), undated.contains(other), mutual: held.contains("\(other) \(id)")) {
                    groups.union(id, other)
                }
            }
            return Set(groups.groups().map(Set.init))
        }
    }

    static func storedStories(_ index: ArticleIndex) throws -> Set<Set<Int64>> {
        try index.pool.read { db in
            Set(Dictionary(grouping: try Row.fetchAll(db, sql: "SELECT id, storyId FROM article"), by: { $0["storyId"] as Int64 })
                .values.map { Set($0.map { $0["id"] as Int64 }) })
        }
    }

    /// Indexes `changes` in a random order, a few arriving `together`, sometimes placing some
    /// of them before more come; then places everything.
    static func applyShuffled(_ changes: [IndexChange], to index: ArticleIndex, together: ClosedRange<Int>,
                              random: inout SeededRandom) throws {
        var pending = changes.shuffled(using: &random)
        var step = 0.0
        while !pending.isEmpty {
            let count = Int.random(in: together, using: &random)
            step += 1
            try index.apply(Array(pending.prefix(count)), now: 1 + step)
            pending.removeFirst(min(count, pending.count))
            if Bool.random(using: &random) { try index.placeStories(limit: Int.random(in: 1...together.upperBound, using: &random)) }
        }
        try placeAll(index)
    }

    /// Places every article waiting; what placing gathers is written every few articles, as a
    /// long transaction writes it.
    static func placeAll(_ index: ArticleIndex) throws {
        while try index.placeStories(limit: 512, flushEvery: 3) > 0 {}
    }

    @Test("20 random arrival orders and interleavings give the same stories, copy groups and first reports")
    func shuffledOrders() throws {
        let (root, changes) = try Self.fixtureChanges()
        let paths = changes.compactMap { if case .upsert(let path, _, _) = $0 { path } else { nil } }
        #expect(paths.count == changes.count, "every fixture is one article")

        let reference = try ArticleIndex(path: root.file("reference.sqlite"))
        try reference.apply(changes, now: 1)
        try Self.placeAll(reference)
        let expected = try Self.outcome(reference, paths: paths)
        // The saga: eleven reports over six weeks, each within a week of another, make one
        // story (no fixed cap on its length); the results story months later is another; the
        // copy dated a day later folds under its original, which reported first.
        let saga = Set(paths.filter { $0.hasPrefix("saga/") && !$0.hasSuffix("10-results.txt") })
        #expect(expected.stories.contains(saga), "\(expected)")
        #expect(expected.stories.contains(["saga/10-results.txt"]), "\(expected)")
        #expect(expected.copyLeader["saga/09-reopen-copy.txt"] == "saga/08-reopen.txt", "\(expected)")
        #expect(expected.firstReport[saga] == "saga/01-fire.txt", "\(expected)")
        #expect(expected.copyLeader["stories/felixstowe-yahoo.txt"] == "stories/felixstowe-reuters.txt"
                || expected.copyLeader["stories/felixstowe-reuters.txt"] == "stories/felixstowe-yahoo.txt", "\(expected)")

        var random = SeededRandom.forTest("ShuffledPlacementTests.shuffledOrders")
        for order in 0..<20 {
            let index = try ArticleIndex(path: root.file("order-\(order).sqlite"))
            try Self.applyShuffled(changes, to: index, together: 1...4, random: &random)
            let found = try Self.outcome(index, paths: paths)
            #expect(try Self.storedStories(index) == Self.storiesFromLinks(index),
                    "seed \(random.seed), order \(order): the stories kept up while placing are not the groups of the links")
            #expect(found == expected, "seed \(random.seed), order \(order):\nexpected \(expected)\nfound    \(found)")
            if found != expected { return }
        }
    }

    @Test("templated wire reports from one city and week (earnings tables, dividends) are stories of their own")
    func templatedReports() throws {
        let (root, changes) = try Self.fixtureChanges(sets: ["templates", "stories"])
        let paths = changes.compactMap { if case .upsert(let path, _, _) = $0 { path } else { nil } }
        let index = try ArticleIndex(path: root.file("index.sqlite"))
        try index.apply(changes, now: 1)
        try Self.placeAll(index)
        let found = try Self.outcome(index, paths: paths)
        let templates = paths.filter { $0.hasPrefix("templates/") }
        #expect(templates.count == 6)
        for path in templates {
            #expect(found.stories.contains([path]), "\(path) joined others: \(found)")
        }
        let felixstowe = Set(paths.filter { $0.hasPrefix("stories/felixstowe-") })
        #expect(found.stories.contains(felixstowe), "the port strike's four reports stay one story: \(found)")
    }
}
