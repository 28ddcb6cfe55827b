import Foundation
import GRDB
import NewsCore
@testable import NewsIndex
import Testing
import TestSupport

extension StoryCandidates {
    /// Files an article and writes its filings at once, as placement did before it gathered
    /// them per transaction.
    func fileNow(_ fingerprint: ArticleFingerprint, articleId: Int64, day: Int?) throws {
        var pending = PendingStoryKeys()
        try file(fingerprint, articleId: articleId, day: day, into: &pending)
        try write(&pending)
    }
}

/// Story-key filings gathered for a transaction (`PendingStoryKeys`) find the same candidates
/// and leave the same rows as filings written one by one (real SQLite files, the index's schema).
@Suite("Story-key filings gathered per transaction (real SQLite files)")
struct PendingStoryKeysTests {
    let folder = TemporaryFolder("newsd-pending-keys")

    func queue(_ name: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            db.add(tokenizer: LanguageTokenizer.self)
            TextCodec().register(db)
            FingerprintCodec.register(db)
        }
        let queue = try DatabaseQueue(path: folder.file(name), configuration: configuration)
        try IndexSchema.migrator.migrate(queue)
        return queue
    }

    /// Words a few articles share (their keys pass `StoryCandidates.commonKey`) and words that
    /// stay rare.
    static let commonNames = ["Varga", "Okonkwo", "Lindqvist", "Moreau", "Tanaka", "Ferreira"]
    static let commonTerms = ["harbour", "ferry", "council", "budget", "tariff", "grain", "strike", "vote"]
    static let rareWords = (0..<160).map { "word\($0)x" }

    static func article(_ random: inout SeededRandom) -> ArticleFingerprint {
        let names = (0..<Int.random(in: 1...3, using: &random)).map { _ in commonNames.randomElement(using: &random)! }
            + (0..<Int.random(in: 0...2, using: &random)).map { _ in "Rare" + rareWords.randomElement(using: &random)! }
        let terms = (0..<Int.random(in: 3...8, using: &random)).map { _ in
            Bool.random(using: &random) ? commonTerms.randomElement(using: &random)! : rareWords.randomElement(using: &random)!
        }
        let body = (names.map { "\($0) said the \(terms.randomElement(using: &random)!) plan would go ahead." } + terms.map { "The \($0) \($0) matters." })
            .joined(separator: " ")
        return ArticleFingerprint.of(headline: "\(names[0]) on the \(terms[0])", body: body)
    }

    static func counts(_ db: Database) throws -> [[Int64]] {
        try Row.fetchAll(db, sql: "SELECT key, articles FROM story_key_count ORDER BY key").map { [$0[0], $0[1]] }
    }

    @Test("gathered filings find what filings written at once find, and leave the same rows and counts")
    func gatheredEqualsImmediate() throws {
        var random = SeededRandom.forTest("PendingStoryKeysTests.gatheredEqualsImmediate")
        let immediate = try queue("immediate.sqlite"), gathered = try queue("gathered.sqlite")
        var filed: [(id: Int64, fingerprint: ArticleFingerprint)] = []
        try immediate.write { (a: Database) throws in
            try gathered.write { (b: Database) throws in
                let (one, many) = (StoryCandidates(db: a), StoryCandidates(db: b))
                var pending = PendingStoryKeys()
                for id in Int64(1)...700 {
                    let fingerprint = Self.article(&random)
                    let day: Int? = Int.random(in: 0..<5, using: &random) == 0 ? nil : 20_000 + Int.random(in: 0...12, using: &random)
                    let complete = Bool.random(using: &random)
                    let context = "seed \(random.seed), article \(id)"
                    let expected = try one.candidates(for: fingerprint, excluding: id, day: day, windowDays: 3, complete: complete)
                    let found = try many.candidates(for: fingerprint, excluding: id, day: day, windowDays: 3, complete: complete,
                                                    pending: &pending)
                    #expect(found == expected, "\(Comment(rawValue: context))")
                    try one.fileNow(fingerprint, articleId: id, day: day)
                    try many.file(fingerprint, articleId: id, day: day, into: &pending)
                    filed.append((id, fingerprint))
                    switch Int.random(in: 0..<100, using: &random) {
                    case 0..<3:
                        try many.write(&pending)
                    case 3:
                        // Taken out as `StoryBook` takes an article out: its pending filings written first.
                        let gone = filed.remove(at: Int.random(in: 0..<filed.count, using: &random))
                        try one.unfile(gone.fingerprint, articleId: gone.id)
                        try many.write(&pending)
                        try many.unfile(gone.fingerprint, articleId: gone.id)
                    default:
                        break
                    }
                }
                try many.write(&pending)
                #expect(try StoryKeyEntries.all(b) == StoryKeyEntries.all(a), "seed \(random.seed)")
                #expect(try Self.counts(b) == Self.counts(a), "seed \(random.seed)")
                #expect(try Self.counts(a).contains { $0[1] > StoryCandidates.commonKey }, "some keys passed the common count")
                #expect(try !StoryKeyEntries.all(a).isEmpty, "some keys stayed telling")
            }
        }
    }

    @Test("a key passing the common count within one transaction ends as when filed one by one")
    func commonWithinTransaction() throws {
        let fingerprint = CommonStoryKeyTests.template
        try queue("index.sqlite").write { (db: Database) throws in
            let finder = StoryCandidates(db: db)
            var pending = PendingStoryKeys()
            for id in 1...Int64(StoryCandidates.commonKey) - 1 { try finder.file(fingerprint, articleId: id, day: 20_000, into: &pending) }
            try finder.write(&pending)
            for id in Int64(StoryCandidates.commonKey)...Int64(StoryCandidates.commonKey) + 5 {
                try finder.file(fingerprint, articleId: id, day: 20_000, into: &pending)
            }
            #expect(try finder.candidates(for: fingerprint, excluding: 0, day: 20_000, windowDays: 5, pending: &pending).isEmpty,
                    "the keys count as common before they are written")
            try finder.write(&pending)
            #expect(try StoryKeyEntries.all(db).isEmpty)
            #expect(try Self.counts(db).allSatisfy { $0[1] == Int64(StoryCandidates.commonKey) + 1 })
        }
    }

    @Test("merging ascending ids; filing an article once")
    func ascendingIds() {
        #expect([1, 4, 9].mergedAscending(with: [2, 4, 10]) == [1, 2, 4, 9, 10])
        #expect([Int64]().mergedAscending(with: [3]) == [3])
        #expect([5].mergedAscending(with: []) == [5])
        var pending = PendingStoryKeys()
        let added = [pending.add(key: 1, day: 0, articleId: 8), pending.add(key: 1, day: 0, articleId: 2),
                     pending.add(key: 1, day: 0, articleId: 8)]
        #expect(added == [true, true, false], "filed once")
        #expect(pending.days(of: 1, in: 0...0) == [0: [2, 8]])
        #expect(pending.count(1) == nil, "the stored count is not known")
        pending.remember(1, storedCount: 3)
        #expect(pending.count(1) == 5)
    }
}
