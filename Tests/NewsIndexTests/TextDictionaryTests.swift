import Foundation
import GRDB
import NewsCore
@testable import NewsIndex
import Testing
import TestSupport

/// Article text compressed with zstd dictionaries the archive trains on its own articles:
/// every text comes back exactly, whatever form it was stored in, across training, recompressing,
/// retraining and restarts (real SQLite file).
@Suite("Stored text compressed with the archive's own dictionary (real SQLite file)")
struct TextDictionaryTests {
    /// A short wire report of the kind an archive fills with: a dateline, stock phrases, figures.
    static func body(_ random: inout SeededRandom, number: Int) -> String {
        let places = ["HALVERSUND", "TALLOWBY", "KESTRELMOUTH", "ORMSCAR", "BRINDLEFORD", "MARROWGATE"]
        let subjects = ["The port authority", "The regional council", "Growers in the valley", "The ferry operator",
                        "Dock workers", "The national grain board", "Shareholders of Pellam Freight"]
        let verbs = ["said on Tuesday that", "announced late on Friday that", "confirmed in a statement that",
                     "told reporters that", "warned in its quarterly report that"]
        let clauses = ["exports rose \(Int.random(in: 2...40, using: &random)) percent in the first quarter",
                       "the strike would continue until wages were raised",
                       "a new quay of \(Int.random(in: 80...300, using: &random)) metres would open in spring",
                       "prices for winter wheat fell to their lowest level in a decade",
                       "talks with the unions had broken down after \(Int.random(in: 2...19, using: &random)) hours",
                       "the harbour would stay closed while storm damage was repaired"]
        var sentences = ["\(places.randomElement(using: &random)!), March \(Int.random(in: 1...28, using: &random)) - Report \(number)."]
        for _ in 0..<Int.random(in: 2...7, using: &random) {
            sentences.append("\(subjects.randomElement(using: &random)!) \(verbs.randomElement(using: &random)!) \(clauses.randomElement(using: &random)!).")
        }
        return sentences.joined(separator: " ")
    }

    @Test("a dictionary trained on such texts keeps fewer bytes than deflate, and every text comes back whole and as a prefix (seeded)")
    func roundTrip() throws {
        var random = SeededRandom.forTest("TextDictionaryTests.roundTrip")
        let seed = random.seed
        let samples = (0..<400).map { Array(Self.body(&random, number: $0).utf8) }
        let dictionary = try #require(TextDictionary.train(samples: samples, capacity: 16 * 1024), "seed \(seed)")
        var (withDictionary, idle, deflated) = (0, 0, 0)
        for number in 400..<600 {
            let text = Self.body(&random, number: number) + (number % 7 == 0 ? " Ёлки, «кавычки» — 🚢 \u{E000}en." : "")
            for effort in [TextDictionary.Effort.ingest, .idle] {
                let stored = TextCompression.compress(text, dictionary: dictionary, effort: effort)
                #expect(TextCompression.dictionaryID(of: stored) == dictionary.id, "seed \(seed)")
                let read = try TextCompression.decompress(stored) { $0 == dictionary.id ? dictionary : nil }
                #expect(read == text, "seed \(seed), \(effort)")
                for prefix in [0, 1, 17, 100] {
                    let start = try TextCompression.decompress(stored, prefix: prefix) { $0 == dictionary.id ? dictionary : nil }
                    #expect(start == String(decoding: text.utf8.prefix(prefix), as: UTF8.self), "seed \(seed), prefix \(prefix), \(effort)")
                }
                if effort == .ingest { withDictionary += stored.count } else { idle += stored.count }
            }
            deflated += TextCompression.compress(text).count
        }
        #expect(withDictionary * 10 < deflated * 8, "dictionary \(withDictionary) bytes against deflate \(deflated); seed \(seed)")
        #expect(idle < withDictionary, "the idle pass's effort keeps fewer bytes: \(idle) against \(withDictionary); seed \(seed)")
        // Short texts compress too, and one that does not shrink is stored as it is.
        #expect(TextCompression.compress("Report 12. The port authority said on Tuesday that", dictionary: dictionary).first == 2)
        #expect(TextCompression.compress("qzx", dictionary: dictionary).first == 0)
    }

    @Test("a text whose dictionary is unknown, or whose frame is cut or altered, throws instead of guessing")
    func damaged() throws {
        var random = SeededRandom(seed: 7)
        let dictionary = try #require(TextDictionary.train(samples: (0..<300).map { Array(Self.body(&random, number: $0).utf8) }, capacity: 8 * 1024))
        let text = Self.body(&random, number: 1000) + " " + Self.body(&random, number: 1001)
        let stored = TextCompression.compress(text, dictionary: dictionary)
        let known: (Int64) -> TextDictionary? = { $0 == dictionary.id ? dictionary : nil }
        #expect(throws: TextCompression.Damaged.self) { try TextCompression.decompress(stored) }
        do {
            _ = try TextCompression.decompress(stored)
        } catch {
            #expect("\(error)".contains("dictionary \(dictionary.id)"), "the error names the dictionary: \(error)")
        }
        #expect(throws: TextCompression.Damaged.self) { try TextCompression.decompress(stored.dropLast(4), dictionaries: known) }
        #expect(throws: TextCompression.Damaged.self) { try TextCompression.decompress(stored + [0x55, 0x55], dictionaries: known) }
        var flipped = stored
        flipped[stored.count / 2] ^= 0xFF
        flipped[stored.count / 2 + 1] ^= 0xFF
        // Altered bytes either fail or, at worst, give other bytes of the right length; never a crash.
        if let read = try? TextCompression.decompress(flipped, dictionaries: known) { #expect(read.utf8.count <= text.utf8.count * 3) }
        #expect(TextDictionary(bytes: Array(repeating: 0, count: 64)) == nil, "zeros are no dictionary")
    }

    static let policy: TextDictionaryPolicy = {
        var policy = TextDictionaryPolicy()
        policy.minimumArticles = 60
        policy.growth = 4
        policy.capacity = 16 * 1024
        policy.recompressBatch = 25
        return policy
    }()

    /// Adds `count` articles numbered from `start`; returns their bodies by path.
    static func add(_ index: ArticleIndex, _ random: inout SeededRandom, from start: Int, count: Int) throws -> [String: String] {
        var bodies: [String: String] = [:]
        var changes: [IndexChange] = []
        for number in start..<(start + count) {
            let article = TestArticles.article(headline: "Harbour report \(number)", body: Self.body(&random, number: number))
            bodies["r\(number).txt"] = article.body
            changes.append(.upsert(path: "r\(number).txt", stamp: FileStamp(inode: UInt64(number + 1), size: 1, mtimeNs: 1), article: article))
        }
        _ = try index.apply(changes, now: Double(start))
        return bodies
    }

    static func expectAllRead(_ index: ArticleIndex, _ bodies: [String: String], _ seed: UInt64) throws {
        let ids = try index.pool.read { db in
            try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT path, articleId FROM file").map { ($0[0] as String, $0[1] as Int64) })
        }
        for (path, body) in bodies {
            #expect(try index.article(id: try #require(ids[path]))?.body == body, "\(path); seed \(seed)")
        }
    }

    static func formats(_ index: ArticleIndex) throws -> [Int: Int] {
        try index.pool.read { db in
            try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT unicode(substr(body, 1, 1)), count(*) FROM article_text GROUP BY 1")
                .map { ($0[0] as Int, $0[1] as Int) })
        }
    }

    /// The bytes the texts of articles `ids` take as stored.
    static func storedBytes(_ index: ArticleIndex, ids: ClosedRange<Int64>) throws -> Int {
        try index.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT sum(length(body)) FROM article_text WHERE id BETWEEN ? AND ?", arguments: [ids.lowerBound, ids.upperBound]) ?? 0
        }
    }

    /// Recompresses until nothing is left; the last step, and only that one, says it finished.
    static func compactUntilDone(_ index: ArticleIndex) throws -> (rewritten: Int, steps: Int) {
        var (rewritten, steps, done) = (0, 0, false)
        while true {
            let step = try index.compactText(policy: policy)
            guard case .recompressed(let texts, let unreadable, let finished) = step else {
                #expect(step == .none)
                #expect(done, "the pass said when it finished")
                return (rewritten, steps)
            }
            #expect(!done, "no step after the one that finished")
            #expect(unreadable == 0)
            rewritten += texts
            steps += 1
            done = finished
        }
    }

    @Test("the archive trains a dictionary once due, recompresses older text, trains anew as it grows, and reads every text after a restart")
    func lifecycle() throws {
        var (random, folder) = (SeededRandom.forTest("TextDictionaryTests.lifecycle"), TemporaryFolder("newsd-text-dictionary"))
        let seed = random.seed
        var index = try ArticleIndex(path: folder.file("index.sqlite"))
        var bodies = try Self.add(index, &random, from: 0, count: 40)
        #expect(try index.trainTextDictionaryIfDue(policy: Self.policy) == .none, "40 articles are too few")
        #expect(try index.compactText(policy: Self.policy) == .none)
        bodies.merge(try Self.add(index, &random, from: 40, count: 35)) { $1 }
        guard case .trained(_, let samples, let articles) = try index.trainTextDictionaryIfDue(policy: Self.policy) else {
            Issue.record("a dictionary is due at 75 articles; seed \(seed)"); return
        }
        #expect(samples == 75 && articles == 75)
        #expect(try Self.formats(index) == [1: 75], "text stored before the dictionary stays deflated until recompressed")
        bodies.merge(try Self.add(index, &random, from: 75, count: 10)) { $1 }
        #expect(try Self.formats(index) == [1: 75, 2: 10], "new text is stored with the dictionary")
        try Self.expectAllRead(index, bodies, seed)

        let quick = try Self.storedBytes(index, ids: 76...85)
        let first = try Self.compactUntilDone(index)
        // A text the idle effort cannot shrink further is left as it is.
        #expect((75...85).contains(first.rewritten) && first.steps == 4,
                "75 older texts and the 10 compressed quickly since, in four steps of up to 25, the last one saying so; seed \(seed)")
        #expect(try Self.storedBytes(index, ids: 76...85) <= quick, "the pass never stores a text larger; seed \(seed)")
        #expect(try index.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM text_dictionary") } == 1)
        #expect(try Self.formats(index) == [2: 85])
        try Self.expectAllRead(index, bodies, seed)
        let hits = try index.search(try SearchQuery.parse("quay"), limit: 5, offset: 0)
        #expect(hits.total > 0 && hits.hits.allSatisfy { $0.snippet.contains("quay") }, "snippets read the recompressed text; seed \(seed)")

        // Four times as many articles: a new dictionary, every older text moved to it, the old one dropped.
        bodies.merge(try Self.add(index, &random, from: 85, count: 215)) { $1 }
        guard case .trained = try index.trainTextDictionaryIfDue(policy: Self.policy) else {
            Issue.record("a new dictionary is due at 300 articles; seed \(seed)"); return
        }
        let dictionaries = { try index.pool.read { try Int64.fetchAll($0, sql: "SELECT id FROM text_dictionary") } }
        #expect(try dictionaries().count == 2)
        let second = try Self.compactUntilDone(index)
        #expect(second.rewritten == 300 && second.steps == 12, "seed \(seed)")
        let kept = try dictionaries()
        #expect(kept.count == 1 && kept.first == index.texts.current?.id, "only the newest dictionary is kept")
        try Self.expectAllRead(index, bodies, seed)

        // After a restart the dictionary is read back: old text reads, new text uses it.
        index = try ArticleIndex(path: folder.file("index.sqlite"))
        try Self.expectAllRead(index, bodies, seed)
        bodies.merge(try Self.add(index, &random, from: 300, count: 5)) { $1 }
        #expect(try Self.formats(index) == [2: 305])
        // Going quiet frees the dictionary's compression tables; the next text makes them again.
        index.releaseMemory()
        bodies.merge(try Self.add(index, &random, from: 305, count: 5)) { $1 }
        #expect(try Self.formats(index) == [2: 310])
        try Self.expectAllRead(index, bodies, seed)
        guard case .recompressed(let texts, 0, true) = try index.compactText(policy: Self.policy), texts <= 10 else {
            Issue.record("the texts added since the last pass are looked at in one step; seed \(seed)"); return
        }
        try Self.expectAllRead(index, bodies, seed)
        #expect(try index.compactText(policy: Self.policy) == .none, "nothing left to do")
    }

    @Test("a dictionary zstd cannot read fails only the texts that need it, with an error naming it; new text is stored without it")
    func unreadableDictionary() throws {
        var (random, folder) = (SeededRandom.forTest("TextDictionaryTests.unreadableDictionary"), TemporaryFolder("newsd-text-dictionary-damaged"))
        let seed = random.seed
        var index = try ArticleIndex(path: folder.file("index.sqlite"))
        _ = try Self.add(index, &random, from: 0, count: 60)
        guard case .trained = try index.trainTextDictionaryIfDue(policy: Self.policy) else { Issue.record("seed \(seed)"); return }
        _ = try Self.compactUntilDone(index)
        try index.pool.write { try $0.execute(sql: "UPDATE text_dictionary SET bytes = zeroblob(200)") }
        index = try ArticleIndex(path: folder.file("index.sqlite"))
        #expect(index.texts.current == nil)
        do {
            _ = try index.article(id: 1)
            Issue.record("a text whose dictionary cannot be read must not read as anything")
        } catch {
            #expect("\(error)".contains("dictionary"), "\(error)")
        }
        let added = try Self.add(index, &random, from: 60, count: 3)
        try Self.expectAllRead(index, added, seed)
        #expect(try index.compactText(policy: Self.policy) == .none, "no recompressing without the dictionary")
    }
}
