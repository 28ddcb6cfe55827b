import Foundation
import GRDB
import NewsCore
@testable import NewsIndex
import Testing
import TestSupport

/// Story keys filed for more than `StoryCandidates.commonKey` articles are never looked up, so
/// they keep no entries (real SQLite file, the index's own schema).
@Suite("Common story keys (real SQLite file)")
struct CommonStoryKeyTests {
    let folder = TemporaryFolder("newsd-story-keys")

    static let template = ArticleFingerprint.of(
        headline: "Harbour board approves Kestrelmouth quay extension",
        body: "The Kestrelmouth harbour board voted on Tuesday to extend the north quay by 140 metres. "
            + "Chair Imelda Vargstrom said the work would start in spring and let larger ferries berth.")
    static let rare = ArticleFingerprint.of(
        headline: "Orchard growers in Tallowby count frost losses",
        body: "Growers around Tallowby said a late frost had cost them most of this year's plum blossom. "
            + "Ansgar Peltonen, who farms forty hectares, complained that insurers had been slow to visit.")

    func queue(upTo migration: String? = nil) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            db.add(tokenizer: LanguageTokenizer.self)
            TextCodec().register(db)
            FingerprintCodec.register(db)
        }
        let queue = try DatabaseQueue(path: folder.file("index.sqlite"), configuration: configuration)
        if let migration { try IndexSchema.migrator.migrate(queue, upTo: migration) } else { try IndexSchema.migrator.migrate(queue) }
        return queue
    }

    static func entries(_ db: Database) throws -> Int { try StoryKeyEntries.all(db).count }
    static func counts(_ db: Database, _ keys: [Int64]) throws -> [Int] {
        try keys.map { try Int.fetchOne(db, sql: "SELECT articles FROM story_key_count WHERE key = ?", arguments: [$0]) ?? 0 }
    }

    @Test("a key passing the common count loses its entries, files no more, and its count stays")
    func commonKeysKeepNoEntries() throws {
        let keys = Self.template.storyKeys
        try #require(!keys.isEmpty)
        try #require(Set(keys).isDisjoint(with: Self.rare.storyKeys), "the two fingerprints share no key")
        try queue().write { (db: Database) throws in
            let finder = StoryCandidates(db: db)
            for id in 1...Int64(StoryCandidates.commonKey) {
                try finder.fileNow(Self.template, articleId: id, day: 20_000)
            }
            #expect(try Self.entries(db) == keys.count * StoryCandidates.commonKey, "below the limit every entry is kept")
            let found = try finder.candidates(for: Self.template, excluding: 0, day: 20_000, windowDays: 5)
            #expect(found.count == StoryCandidates.candidateCount, "the keys are still looked up")

            try finder.fileNow(Self.template, articleId: 401, day: 20_000)
            #expect(try Self.entries(db) == 0, "passing the limit drops the key's entries")
            #expect(try Self.counts(db, keys).allSatisfy { $0 == StoryCandidates.commonKey + 1 })
            try finder.fileNow(Self.template, articleId: 402, day: 20_001)
            #expect(try Self.entries(db) == 0, "a common key files no more entries")
            #expect(try Self.counts(db, keys).allSatisfy { $0 == StoryCandidates.commonKey + 1 }, "nor counts them")
            try finder.unfile(Self.template, articleId: 7)
            #expect(try Self.counts(db, keys).allSatisfy { $0 == StoryCandidates.commonKey + 1 },
                    "a common key stays common when an article filed under it goes")
            #expect(try finder.candidates(for: Self.template, excluding: 0, day: 20_000, windowDays: 5).isEmpty)

            // Other keys are untouched.
            try finder.fileNow(Self.rare, articleId: 1_000, day: 20_000)
            try finder.fileNow(Self.rare, articleId: 1_001, day: 20_002)
            #expect(try finder.candidates(for: Self.rare, excluding: 1_001, day: 20_002, windowDays: 5) == [1_000])
            try finder.unfile(Self.rare, articleId: 1_000)
            #expect(try finder.candidates(for: Self.rare, excluding: 1_001, day: 20_002, windowDays: 5).isEmpty)
            #expect(try Self.counts(db, Self.rare.storyKeys).allSatisfy { $0 == 1 })
        }
    }

    @Test("migration v15 drops the entries of keys already common and keeps the rest")
    func migrationDropsCommonEntries() throws {
        let before = try queue(upTo: "v14-story-members-index")
        try before.write { db in
            // As v14 filed them: every entry kept, whatever the count.
            for id in 1...Int64(StoryCandidates.commonKey + 3) {
                for key in Self.template.storyKeys {
                    try db.execute(sql: "INSERT INTO story_key(key, day, articleId) VALUES (?, 20000, ?)", arguments: [key, id])
                }
            }
            for key in Self.template.storyKeys {
                try db.execute(sql: "INSERT INTO story_key_count(key, articles) VALUES (?, ?)", arguments: [key, StoryCandidates.commonKey + 3])
            }
            // As v14 filed an article: a row per key.
            for key in Self.rare.storyKeys {
                try db.execute(sql: "INSERT INTO story_key(key, day, articleId) VALUES (?, 20000, 1000)", arguments: [key])
                try db.execute(sql: "INSERT INTO story_key_count(key, articles) VALUES (?, 1)", arguments: [key])
            }
        }
        try before.close()
        try queue().read { (db: Database) throws in
            #expect(try Self.entries(db) == Self.rare.storyKeys.count)
            #expect(try StoryKeyEntries.all(db).filter { $0.articleId == 1000 }.count == Self.rare.storyKeys.count)
        }
    }

    @Test("undated articles are filed under day 0, published days keep their order across 1970-01-01, a window reads the undated once")
    func filingDays() throws {
        #expect(StoryCandidates.filingDay(nil) == 0)
        let days = [-20_000, -8, -1, 0, 1, 7, 20_000]
        #expect(days.map(StoryCandidates.filingDay) == days.map(StoryCandidates.filingDay).sorted())
        #expect(!days.map(StoryCandidates.filingDay).contains(StoryCandidates.undated))
        try queue().write { (db: Database) throws in
            let finder = StoryCandidates(db: db)
            try finder.fileNow(Self.rare, articleId: 1, day: nil)
            try finder.fileNow(Self.rare, articleId: 2, day: 3)
            try finder.fileNow(Self.rare, articleId: 3, day: -3)
            try finder.fileNow(Self.rare, articleId: 4, day: 9)
            try finder.fileNow(Self.rare, articleId: 5, day: 20_000)
            let stored = Set(try StoryKeyEntries.all(db).map { [$0.articleId, $0.day] }).sorted { $0[0] < $1[0] }
            #expect(stored == [[1, 0], [2, 4], [3, -3], [4, 10], [5, 20_001]])
            // Every candidate shares every key: the order is the ids', descending, unless one
            // were counted twice.
            #expect(try finder.candidates(for: Self.rare, excluding: 0, day: 0, windowDays: 7) == [3, 2, 1])
            #expect(try finder.candidates(for: Self.rare, excluding: 0, day: 20_003, windowDays: 7) == [5, 1])
            #expect(try finder.candidates(for: Self.rare, excluding: 1, day: nil, windowDays: 7) == [5, 4, 3, 2])
        }
    }

    @Test("migration v25 moves undated entries to day 0 and published days from 1970 on one up")
    func migrationFilesUndatedAtZero() throws {
        let before = try queue(upTo: "v24-content-hash-bytes")
        try before.write { db in
            for (id, day) in [(1, -1_000_000), (2, 0), (3, -3), (4, 20_000)] {
                for key in Self.rare.storyKeys {
                    try db.execute(sql: "INSERT INTO story_key(key, day, articleId) VALUES (?, ?, ?)", arguments: [key, day, id])
                }
            }
            for key in Self.rare.storyKeys {
                try db.execute(sql: "INSERT INTO story_key_count(key, articles) VALUES (?, 4)", arguments: [key])
            }
        }
        try before.close()
        try queue().read { (db: Database) throws in
            let stored = Dictionary(grouping: try StoryKeyEntries.all(db)) { [$0.articleId, $0.day] }
                .map { $0.key + [Int64($0.value.count)] }.sorted { $0[0] < $1[0] }
            let keys = Int64(Self.rare.storyKeys.count)
            #expect(stored == [[1, 0, keys], [2, 1, keys], [3, -3, keys], [4, 20_001, keys]])
            let finder = StoryCandidates(db: db)
            #expect(try finder.candidates(for: Self.rare, excluding: 0, day: 0, windowDays: 7) == [3, 2, 1])
        }
    }

    @Test("migration v27 packs each key's entries of a day into one row; candidates, filing and unfiling read them as before")
    func migrationPacksEntries() throws {
        let before = try queue(upTo: "v26-copies-fingerprints-as-differences")
        var expected = Set<StoryKeyEntries.Entry>()
        try before.write { db in
            for (id, day) in [(1, 0), (2, 0), (3, 5), (4, 5), (5, 6)] as [(Int64, Int64)] {
                for key in Self.rare.storyKeys {
                    try db.execute(sql: "INSERT INTO story_key(key, day, articleId) VALUES (?, ?, ?)", arguments: [key, day, id])
                    expected.insert(StoryKeyEntries.Entry(key: key, day: day, articleId: id))
                }
            }
            for key in Self.rare.storyKeys {
                try db.execute(sql: "INSERT INTO story_key_count(key, articles) VALUES (?, 5)", arguments: [key])
            }
        }
        try before.close()
        try queue().write { (db: Database) throws in
            #expect(Set(try StoryKeyEntries.all(db)) == expected)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM story_key") == Self.rare.storyKeys.count * 3, "a row per key and day")
            let finder = StoryCandidates(db: db)
            // Day 5 is filing day 5 of published day 4: the window of day 4 reads days 0 (undated) to 12.
            #expect(try finder.candidates(for: Self.rare, excluding: 0, day: 4, windowDays: 7) == [5, 4, 3, 2, 1])
            try finder.unfile(Self.rare, articleId: 4)
            try finder.unfile(Self.rare, articleId: 5)
            #expect(Set(try StoryKeyEntries.all(db).map(\.articleId)) == [1, 2, 3])
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM story_key") == Self.rare.storyKeys.count * 2, "an emptied day's row goes")
            #expect(try Self.counts(db, Self.rare.storyKeys).allSatisfy { $0 == 3 })
            try finder.fileNow(Self.rare, articleId: 7, day: nil)
            try finder.fileNow(Self.rare, articleId: 7, day: nil)
            #expect(try Self.counts(db, Self.rare.storyKeys).allSatisfy { $0 == 4 }, "filed once")
            #expect(try finder.candidates(for: Self.rare, excluding: 7, day: nil, windowDays: 7) == [3, 2, 1])
        }
    }

    @Test("at most perKey entries are read per key and range, the newest first")
    func perKeyNewestFirst() throws {
        try queue().write { (db: Database) throws in
            let finder = StoryCandidates(db: db)
            let count = Int64(StoryCandidates.perKey) + 40
            for id in 1...count { try finder.fileNow(Self.rare, articleId: id, day: Int(id % 3) + 20_000) }
            let found = try finder.candidates(for: Self.rare, excluding: 0, day: 20_001, windowDays: 5, complete: true)
            // The latest day first, the highest ids first within it, up to perKey.
            let order = (1...count).sorted { ($0 % 3, $0) > ($1 % 3, $1) }
            #expect(Set(found) == Set(order.prefix(StoryCandidates.perKey)))
        }
    }
}
