import Foundation
@testable import NewsDaemon
import NewsCore
import GRDB
@testable import NewsIndex
import Testing
import TestSupport

/// Placement keeps stories and copy groups up incrementally (links that replace others, copies
/// that join copy groups, groups regrouped only when a link that went may have split them).
/// On generated archives of many overlapping reports and copies, in random arrival orders,
/// what it keeps must equal what the links give computed from scratch, and must not depend on
/// the order.
@Suite("Story placement on generated archives")
struct GeneratedStoryPlacementTests {
    /// A seeded archive: events, each reported several times by sentences drawn from its own
    /// pool (names in common), some reports copied with a different last line, dated by a full
    /// dateline, a dateline without a year, or not at all.
    static func writeArchive(into inbox: String, random: inout SeededRandom) throws -> [String] {
        let syllables = ["ka", "lo", "mer", "tan", "vi", "sor", "del", "qua", "ren", "bo", "zil", "fen", "ostr", "ul", "par", "nim"]
        func word(_ parts: Int) -> String { (0..<parts).map { _ in syllables.randomElement(using: &random)! }.joined() }
        let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        let filler = (0..<30).map { _ in (0..<9).map { _ in word(2) }.joined(separator: " ") + "." }
        var paths: [String] = []
        var pools: [[String]] = []
        for event in 0..<14 {
            let names = (0..<3).map { _ in word(3).capitalized }
            let town = word(2).uppercased()
            let pool = (0..<14).map { _ in
                ([names.randomElement(using: &random)!] + (0..<10).map { _ in word(2) }).joined(separator: " ") + "."
            }
            pools.append(pool)
            let month = Int.random(in: 0..<12, using: &random)
            let firstDay = Int.random(in: 1...12, using: &random)
            for report in 0..<Int.random(in: 2...10, using: &random) {
                let day = firstDay + Int.random(in: 0...12, using: &random)
                // Some reports also tell of an earlier event: links between stories that later,
                // closer reports take over, so that stories come apart again.
                let other = pools.count > 1 && Int.random(in: 0..<4, using: &random) == 0 ? pools.randomElement(using: &random)! : []
                let sentences = pool.shuffled(using: &random).prefix(Int.random(in: 5...10, using: &random))
                    + other.shuffled(using: &random).prefix(Int.random(in: 3...6, using: &random))
                    + filler.shuffled(using: &random).prefix(2)
                let dateline: String
                switch Int.random(in: 0..<6, using: &random) {
                case 0, 2: dateline = ""
                case 1: dateline = "\(town), \(months[month]) \(day) (Wire) - "
                default: dateline = "\(town), \(months[month]) \(day), 2024 (Wire) - "
                }
                let headline = "\(names[0]) \(word(2)) \(word(2)) in \(town.capitalized)"
                let body = dateline + sentences.joined(separator: " ")
                let name = "e\(event)-r\(report).txt"
                try "\(headline)\n\n\(body)\n".write(toFile: inbox + "/" + name, atomically: false, encoding: .utf8)
                paths.append(name)
                // Groups of up to five copies, as wire copy gets: a newcomer then takes over the
                // copy links of copies that linked to each other.
                for copy in 0..<(Int.random(in: 0..<4, using: &random) == 0 ? Int.random(in: 1...4, using: &random) : 0) {
                    let copyName = "e\(event)-r\(report)-c\(copy).txt"
                    try "\(headline)\n\n\(body)\n\nDistributed by outlet \(word(2)).\n".write(toFile: inbox + "/" + copyName, atomically: false, encoding: .utf8)
                    paths.append(copyName)
                }
            }
        }
        // Every file saved on one day of the archive's year (the year a dateline without one is given).
        for path in paths {
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_719_000_000)], ofItemAtPath: inbox + "/" + path)
        }
        return paths
    }

    /// Copy groups as the copy links make them, from scratch, each as its set of ids.
    static func copyGroupsFromLinks(_ index: ArticleIndex) throws -> Set<Set<Int64>> {
        try index.pool.read { db in
            var groups = UnionFind()
            for id in try Int64.fetchAll(db, sql: "SELECT id FROM article") { groups.add(id) }
            for edge in try Row.fetchAll(db, sql: "SELECT id, other FROM story_link WHERE copy") { groups.union(edge["id"], edge["other"]) }
            return Set(groups.groups().map(Set.init))
        }
    }

    /// Copy groups as stored (an article and those whose `copyOf` it is).
    static func storedCopyGroups(_ index: ArticleIndex) throws -> Set<Set<Int64>> {
        try index.pool.read { db in
            Set(Dictionary(grouping: try Row.fetchAll(db, sql: "SELECT id, coalesce(copyOf, id) AS first FROM article"), by: { $0["first"] as Int64 })
                .values.map { Set($0.map { $0["id"] as Int64 }) })
        }
    }

    /// Stories whose stored article count differs from their articles', a story left without
    /// articles included.
    static func storiesOutOfStep(_ index: ArticleIndex) throws -> Int {
        try index.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM story s WHERE articles != (SELECT count(*) FROM article WHERE storyId = s.id) OR articles = 0") ?? 0
        }
    }

    /// Some articles edited (another event's sentence added) and some removed, a few at a time,
    /// placing in between: the stories and copy groups kept up must still be those of the links.
    static func editAndRemove(_ paths: [String], inbox: String, reader: ChangeReader, index: ArticleIndex,
                              random: inout SeededRandom, context: String) throws {
        var changes: [IndexChange] = []
        for path in paths.shuffled(using: &random).prefix(paths.count / 5) {
            if Bool.random(using: &random) {
                changes.append(.remove(path: path))
            } else {
                let other = try String(contentsOfFile: inbox + "/" + paths.randomElement(using: &random)!, encoding: .utf8)
                let text = try String(contentsOfFile: inbox + "/" + path, encoding: .utf8)
                try (text + "\n" + (other.split(separator: "\n").last.map(String.init) ?? "") + "\n")
                    .write(toFile: inbox + "/" + path, atomically: false, encoding: .utf8)
                guard case .change(let change)? = reader.change(for: path, known: nil) else {
                    throw DaemonError(message: "the edited file \(path) could not be read")
                }
                changes.append(change)
            }
        }
        var step = 1000.0
        while !changes.isEmpty {
            step += 1
            let count = Int.random(in: 1...4, using: &random)
            try index.apply(Array(changes.prefix(count)), now: step)
            changes.removeFirst(min(count, changes.count))
            if Bool.random(using: &random) { try index.placeStories(limit: Int.random(in: 1...4, using: &random)) }
        }
        try ShuffledPlacementTests.placeAll(index)
        let dangling = try index.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM story_link WHERE other NOT IN (SELECT id FROM article) OR id NOT IN (SELECT id FROM article)") ?? 0
        }
        #expect(dangling == 0, "\(context), after edits and removals: links to articles that are gone")
        #expect(try ShuffledPlacementTests.storedStories(index) == ShuffledPlacementTests.storiesFromLinks(index),
                "\(context), after edits and removals: the stories are not the groups of the links")
        #expect(try storedCopyGroups(index) == copyGroupsFromLinks(index),
                "\(context), after edits and removals: the copy groups are not the groups of the copy links")
        #expect(try storiesOutOfStep(index) == 0, "\(context), after edits and removals: story counts out of step")
    }

    @Test("generated archives in random orders: stories and copy groups are those of the links, whatever the order")
    func generatedArchives() throws {
        var random = SeededRandom.forTest("GeneratedStoryPlacementTests.generatedArchives")
        for archive in 0..<6 {
            let root = TemporaryFolder("newsd-generated-placement")
            let inbox = root.folder("inbox")
            let paths = try Self.writeArchive(into: inbox, random: &random)
            let reader = ChangeReader(inbox: inbox, policy: InboxNamePolicy(), maxFileBytes: 1 << 20)
            let changes = try paths.map { name -> IndexChange in
                guard case .change(let change)? = reader.change(for: name, known: nil) else {
                    throw DaemonError(message: "the generated file \(name) could not be read")
                }
                return change
            }
            var expected: ShuffledPlacementTests.Outcome?
            for order in 0..<4 {
                let index = try ArticleIndex(path: root.file("order-\(order).sqlite"))
                try ShuffledPlacementTests.applyShuffled(changes, to: index, together: 1...6, random: &random)
                let context = "seed \(random.seed), archive \(archive), order \(order)"
                #expect(try ShuffledPlacementTests.storedStories(index) == ShuffledPlacementTests.storiesFromLinks(index),
                        "\(context): the stories kept up while placing are not the groups of the links")
                #expect(try Self.storedCopyGroups(index) == Self.copyGroupsFromLinks(index),
                        "\(context): the copy groups kept up while placing are not the groups of the copy links")
                #expect(try Self.storiesOutOfStep(index) == 0,
                        "\(context): stories whose article count is not that of their articles (or that have none)")
                let found = try ShuffledPlacementTests.outcome(index, paths: paths)
                if order == 0 {
                    // The generator must make what is tested: stories of several reports, and copies.
                    #expect(found.stories.contains { $0.count >= 3 }, "\(context): no story of three reports")
                    #expect(!found.copyLeader.isEmpty, "\(context): no copy groups")
                    expected = found
                    try Self.editAndRemove(paths, inbox: inbox, reader: reader, index: index, random: &random, context: context)
                } else {
                    #expect(found == expected, "\(context):\nexpected \(expected!)\nfound    \(found)")
                    if found != expected { return }
                }
            }
        }
    }
}
