import Foundation
import GRDB
import NewsCore
@testable import NewsIndex
import Testing
import TestSupport

/// Copies' texts stored as their differences from the texts they copy (schema v21), on real
/// SQLite files: every text reads back as it was written, whatever happens to the text a copy
/// depends on, and the full-text index stays in step with the texts.
@Suite("Copies stored as differences (real SQLite file)")
struct CopyTextTests {
    let folder = TemporaryFolder("newsd-copy-text")

    /// A wire story long enough that compressing it alone takes hundreds of bytes.
    static let wire = """
        The harbour authority said on Tuesday that dock workers at the eastern terminal would \
        return to work after a three-day stoppage over night-shift pay, ending a dispute that had \
        left forty container ships waiting at anchor. Under the agreement reached late on Monday, \
        night-shift rates rise by six percent from next month and a joint committee will review \
        staffing levels before the end of the year. Shipping agents said it would take about a \
        week to clear the backlog, and that perishable cargo had been diverted to the northern \
        port during the stoppage. The union's regional secretary said members had voted by a \
        large majority to accept the offer.
        """

    static func story(_ credit: String) -> IndexableArticle {
        TestArticles.article(headline: "Dock workers end three-day strike", body: wire + " " + credit, published: "2026-03-10")
    }

    /// Indexes one reprint of the story per credit, as `f0.txt`, `f1.txt`…, places them all and,
    /// when `idle`, runs the idle steps that store copies as differences.
    static func indexReprints(_ credits: [String], in index: ArticleIndex, idle: Bool = true) throws {
        try index.apply(TestArticles.upserts(credits.enumerated().map { ("f\($0.offset).txt", story($0.element)) }), now: 1)
        while try index.placeStories(limit: 50) > 0 {}
        guard idle else { return }
        var policy = TextDictionaryPolicy()
        policy.minimumArticles = 1_000_000
        while try index.compactText(policy: policy) != .none {}
    }

    /// Every reprint of `indexReprints` still there reads as it was written.
    static func expectReprintsRead(_ credits: [String], in index: ArticleIndex, except gone: Set<Int> = [],
                                   sourceLocation: SourceLocation = #_sourceLocation) throws {
        for (n, credit) in credits.enumerated() where !gone.contains(n) {
            let id = try #require(try Self.id(index, path: "f\(n).txt"), sourceLocation: sourceLocation)
            #expect(try index.article(id: id)?.body == story(credit).body, "article \(id)", sourceLocation: sourceLocation)
        }
    }

    /// Stored text rows: base and stored size, by article id.
    static func stored(_ index: ArticleIndex) throws -> [Int64: (base: Int64?, bytes: Int)] {
        try index.pool.read { db in
            var rows: [Int64: (base: Int64?, bytes: Int)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, base, length(body) FROM article_text") { rows[row[0]] = (row[1], row[2]) }
            return rows
        }
    }

    /// Stored fingerprint rows: base and stored bytes, by article id.
    static func storedFingerprints(_ index: ArticleIndex) throws -> [Int64: (base: Int64?, bytes: [UInt8])] {
        try index.pool.read { db in
            var rows: [Int64: (base: Int64?, bytes: [UInt8])] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, base, bytes FROM article_fingerprint") { rows[row[0]] = (row[1], [UInt8](row[2] as Data)) }
            return rows
        }
    }

    /// An article's fingerprint as placement reads it (through `article_fingerprint_whole`).
    static func wholeFingerprint(_ index: ArticleIndex, id: Int64) throws -> ArticleFingerprint? {
        try index.pool.read { db in
            try Data.fetchOne(db, sql: "SELECT bytes FROM article_fingerprint_whole WHERE id = ?", arguments: [id])
                .flatMap { ArticleFingerprint(encoded: [UInt8]($0)) }
        }
    }

    static func id(_ index: ArticleIndex, path: String) throws -> Int64? {
        try index.pool.read { try Int64.fetchOne($0, sql: "SELECT articleId FROM file WHERE path = ?", arguments: [path]) }
    }

    /// The full-text index holds exactly what its content (the texts, read through the copies'
    /// bases) tokenizes to: FTS5's integrity check with its content compared.
    static func expectFullTextConsistent(_ index: ArticleIndex, _ comment: Comment) throws {
        #expect(throws: Never.self, comment) {
            try index.pool.write { try $0.execute(sql: "INSERT INTO article_fts(article_fts, rank) VALUES ('integrity-check', 1)") }
        }
    }

    /// Takes an index back to before v21: every text stored whole, the migration unrecorded.
    static func undoCopyTexts(_ db: Database) throws {
        try db.execute(sql: """
            DROP TRIGGER article_text_base_rewritten;
            DROP TRIGGER article_text_base_removed;
            UPDATE article_text SET body = \(TextCodec.wholeFunction)(body) WHERE base IS NOT NULL;
            DROP INDEX article_text_base;
            ALTER TABLE article_text DROP COLUMN base;
            DROP TABLE copy_text_cursor;
            """)
        try MigrationRecords.unrecord(from: "v21-copies-stored-as-differences", db)
    }

    @Test("a syndicated copy is stored as tens of bytes, and reads, searches and shows a snippet as the whole text does")
    func copyStoredSmall() throws {
        let index = try ArticleIndex(path: folder.file("index.sqlite"))
        try index.apply(TestArticles.upserts([
            ("wire.txt", Self.story("(Reporting by the wire desk)")),
            ("paper.txt", Self.story("(Reprinted by the Evening Courier)")),
        ]), now: 1)
        while try index.placeStories(limit: 2) > 0 {}
        let (wire, paper) = (try #require(try Self.id(index, path: "wire.txt")), try #require(try Self.id(index, path: "paper.txt")))
        // Which of the two is the group's first follows from their hashes; the other is the copy.
        let (copy, original) = try index.article(id: wire)?.copyOf == paper ? (wire, paper) : (paper, wire)
        let article = try #require(try index.article(id: copy))
        #expect(article.copyOf == original, "the reprint was not found to be a copy")
        let credit = copy == paper ? "Evening Courier" : "wire desk"
        // Placing never rewrites a text: the copy is stored as a difference once newsd is idle.
        #expect(try Self.stored(index).values.allSatisfy { $0.base == nil })
        #expect(try index.compactText(policy: .standard) == .copiesStored(examined: 1, stored: 1, fingerprints: 1))
        let rows = try Self.stored(index)
        #expect(rows[copy]?.base == original && rows[original]?.base == nil, "\(rows)")
        #expect((rows[copy]?.bytes ?? .max) < 80 && (rows[original]?.bytes ?? 0) > 300, "\(rows)")
        #expect(article.body == Self.story(copy == paper ? "(Reprinted by the Evening Courier)" : "(Reporting by the wire desk)").body)
        let found = try index.search(SearchQuery.parse("\"\(credit)\""), limit: 10, offset: 0)
        #expect(found.hits.map(\.id) == [copy])
        #expect(found.hits.first?.snippet.contains(credit.split(separator: " ").last!) == true, "\(found.hits.first?.snippet ?? "")")
        try Self.expectFullTextConsistent(index, "after placement")
    }

    @Test("before the text a copy depends on changes or goes, the copy is stored whole; a new dictionary changes nothing")
    func baseChangesAndGoes() throws {
        let index = try ArticleIndex(path: folder.file("index.sqlite"))
        let credits = ["(Reporting by the wire desk)", "(Reprinted by the Evening Courier)", "(From the Morning Ledger)", "(Harbour Gazette)"]
        try Self.indexReprints(credits, in: index)
        let ids = try (0..<4).map { try #require(try Self.id(index, path: "f\($0).txt")) }
        let copies = try Self.stored(index).filter { $0.value.base != nil }
        #expect(copies.count == 3, "\(copies)")
        let base = try #require(copies.first?.value.base)

        // A dictionary trained and every text recompressed with it: the texts read the same, so
        // the copies stay stored against theirs.
        var policy = TextDictionaryPolicy()
        policy.minimumArticles = 1
        while try index.compactText(policy: policy) != .none {}
        #expect(try Self.stored(index).filter { $0.value.base != nil }.count == 3)

        // The text the copies depend on rewritten: they are stored whole first and read as before.
        let rewritten = try #require(credits.indices.first { ids[$0] == base })
        try index.apply([.upsert(path: "f\(rewritten).txt", stamp: FileStamp(inode: 99, size: 2, mtimeNs: 2),
                                 article: TestArticles.article(headline: "Port reopens", body: "Ships moved again on Wednesday.", published: "2026-03-11"))], now: 2)
        #expect(try Self.stored(index)[base]?.base == nil)
        try Self.expectReprintsRead(credits, in: index, except: [rewritten])
        try Self.expectFullTextConsistent(index, "after the base was rewritten")

        // Placed again, the group has a new first article; once idle, its copies are stored
        // against it. Then that one's file goes.
        while try index.placeStories(limit: 2) > 0 {}
        while try index.compactText(policy: policy) != .none {}
        let again = try Self.stored(index).filter { $0.value.base != nil }
        let second = try #require(again.first?.value.base, "no copy stored against a text after placing again: \(again)")
        let secondIndex = try #require(ids.firstIndex(of: second))
        try index.apply([.remove(path: "f\(secondIndex).txt")], now: 3)
        #expect(try Self.stored(index).values.allSatisfy { $0.base != second })
        try Self.expectReprintsRead(credits, in: index, except: [rewritten, secondIndex])
        #expect(try index.search(SearchQuery.parse("dock workers"), limit: 10, offset: 0).total >= 1)
        try Self.expectFullTextConsistent(index, "after the base was removed")
    }

    @Test("once copies stored as differences freed enough room, the idle step rewrites the file smaller; nothing reads differently")
    func fileRewrittenSmaller() throws {
        let index = try ArticleIndex(path: folder.file("index.sqlite"))
        let outlets = (0..<300).map { "(Reprinted by the County Herald edition \($0))" }
        try Self.indexReprints(outlets, in: index)
        var policy = TextDictionaryPolicy()
        policy.minimumArticles = 1_000_000
        policy.rewriteAfterFreedBytes = 64 * 1024
        var steps: [TextCompaction] = []
        while true {
            let step = try index.compactText(policy: policy)
            if step == .none { break }
            steps.append(step)
        }
        let rewrites = steps.compactMap { step -> (Int64, Int64)? in
            if case .rewritten(let before, let after, .copiesStored) = step { return (before, after) } else { return nil }
        }
        #expect(rewrites.count == 1, "\(steps)")
        if let (before, after) = rewrites.first { #expect(after < before * 3 / 4, "\(before) → \(after) bytes") }
        #expect(index.hasTextToCompact(policy: policy) == false)
        let copies = try Self.stored(index).filter { $0.value.base != nil }.count
        #expect(copies >= outlets.count * 9 / 10, "\(copies) of \(outlets.count) stored as differences")
        try Self.expectReprintsRead(outlets, in: index)
        try Self.expectFullTextConsistent(index, "after the rewrite")
    }

    @Test("once idle, a syndicated copy's fingerprint is stored as tens of bytes against its original's; related articles and stories read as before")
    func copyFingerprintsStoredSmall() throws {
        let index = try ArticleIndex(path: folder.file("index.sqlite"))
        let credits = (0..<6).map { "(Reprinted by the County Herald edition \($0))" }
        try Self.indexReprints(credits, in: index, idle: false)
        try index.apply(TestArticles.upserts([("other.txt", TestArticles.article(
            headline: "Harbour authority counts cost of dock stoppage",
            body: "The harbour authority said the three-day stoppage by dock workers at the eastern terminal had left forty "
                + "container ships at anchor and cost the port its busiest week. Night-shift pay talks continue.",
            published: "2026-03-11"))]), now: 2)
        while try index.placeStories(limit: 50) > 0 {}
        let ids = try index.pool.read { try Int64.fetchAll($0, sql: "SELECT id FROM article ORDER BY id") }
        let related = try ids.map { try index.related(id: $0, limit: 10) }
        let whole = try Self.storedFingerprints(index)
        #expect(whole.values.allSatisfy { $0.base == nil })

        var policy = TextDictionaryPolicy()
        policy.minimumArticles = 1_000_000
        while try index.compactText(policy: policy) != .none {}
        let stored = try Self.storedFingerprints(index)
        let copies = try index.pool.read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, copyOf FROM article WHERE copyOf IS NOT NULL").map { ($0[0] as Int64, $0[1] as Int64) })
        }
        #expect(copies.count == credits.count - 1)
        for (id, first) in copies {
            #expect(stored[id]?.base == first, "article \(id)")
            #expect((stored[id]?.bytes.count ?? .max) * 4 < whole[id]!.bytes.count, "\(stored[id]?.bytes.count ?? 0) of \(whole[id]!.bytes.count) bytes")
        }
        for id in ids {
            #expect(try Self.wholeFingerprint(index, id: id) == ArticleFingerprint(encoded: whole[id]!.bytes), "article \(id)")
        }
        #expect(try ids.map { try index.related(id: $0, limit: 10) } == related)
        #expect(related.contains { !($0?.related.isEmpty ?? true) }, "some article has related ones")

        // The original rewritten: its copies' fingerprints are stored whole first and read as before.
        let first = try #require(copies.values.first)
        let path = try #require(try index.pool.read { try String.fetchOne($0, sql: "SELECT path FROM file WHERE articleId = ?", arguments: [first]) })
        try index.apply([.upsert(path: path, stamp: FileStamp(inode: 99, size: 2, mtimeNs: 2),
                                 article: TestArticles.article(headline: "Port reopens", body: "Ships moved again on Wednesday.", published: "2026-03-11"))], now: 3)
        let after = try Self.storedFingerprints(index)
        #expect(after.values.allSatisfy { $0.base != first })
        for id in copies.keys {
            #expect(try Self.wholeFingerprint(index, id: id) == ArticleFingerprint(encoded: whole[id]!.bytes), "article \(id)")
        }
    }

    @Test("an index written before v26 stores its copies' fingerprints as differences when it opens")
    func migrationStoresCopyFingerprints() throws {
        let path = folder.file("index.sqlite")
        let credits = ["(Reporting by the wire desk)", "(Reprinted by the Evening Courier)", "(From the Morning Ledger)"]
        var whole: [Int64: [UInt8]] = [:]
        do {
            let index = try ArticleIndex(path: path)
            try Self.indexReprints(credits, in: index, idle: false)
            whole = try Self.storedFingerprints(index).mapValues(\.bytes)
            try index.pool.write { try MigrationRecords.unrecord(from: "v26-copies-fingerprints-as-differences", $0) }
        }
        let index = try ArticleIndex(path: path)
        let stored = try Self.storedFingerprints(index)
        #expect(stored.values.filter { $0.base != nil }.count == 2)
        for (id, bytes) in whole {
            #expect(try Self.wholeFingerprint(index, id: id) == ArticleFingerprint(encoded: bytes), "article \(id)")
        }
    }

    @Test("an index written before v21 stores its placed copies as differences when it opens")
    func migrationStoresCopies() throws {
        let path = folder.file("index.sqlite")
        let credits = ["(Reporting by the wire desk)", "(Reprinted by the Evening Courier)", "(From the Morning Ledger)"]
        do {
            let index = try ArticleIndex(path: path)
            try Self.indexReprints(credits, in: index)
            try index.pool.write { try Self.undoCopyTexts($0) }
        }
        let index = try ArticleIndex(path: path)
        #expect(try Self.stored(index).filter { $0.value.base != nil }.count == 2)
        try Self.expectReprintsRead(credits, in: index)
        try Self.expectFullTextConsistent(index, "after the migration")
    }

    @Test("random copies, regroupings, rewrites, removals and dictionaries: every text and fingerprint reads as written, the full-text index agrees")
    func randomHistory() throws {
        var random = SeededRandom.forTest("CopyTextTests.randomHistory")
        let index = try ArticleIndex(path: folder.file("index.sqlite"))
        // Words of a large vocabulary: with few distinct words a trained dictionary stores a text
        // in fewer bytes than a difference from its copy group's first, and few copies would be.
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        let words = (0..<2000).map { _ in String((0..<Int.random(in: 4...9, using: &random)).map { _ in letters.randomElement(using: &random)! }) }
        func text() -> String { (0..<Int.random(in: 60...120, using: &random)).map { _ in words.randomElement(using: &random)! }.joined(separator: " ") }
        var bodies: [String: String] = [:]
        var fingerprints: [String: [UInt8]] = [:]
        var stamp: UInt64 = 0
        func upsert(_ path: String, _ body: String) -> IndexChange {
            stamp += 1
            let article = TestArticles.article(headline: "Report \(path)", body: body)
            bodies[path] = article.body
            fingerprints[path] = [UInt8](article.fingerprint)
            return .upsert(path: path, stamp: FileStamp(inode: stamp, size: 1, mtimeNs: Int64(stamp)), article: article)
        }
        /// A new text, or (one time in two) a near-copy of a text already there.
        func fresh(_ path: String) -> IndexChange {
            // From the sorted paths: a dictionary's order differs between processes, and the seed must replay the run.
            guard Bool.random(using: &random), let source = bodies.keys.sorted().randomElement(using: &random), let body = bodies[source] else {
                return upsert(path, text())
            }
            var copied = body.split(separator: " ").map(String.init)
            copied[Int.random(in: 0..<copied.count, using: &random)] = "zq\(stamp)"
            return upsert(path, copied.joined(separator: " "))
        }
        var next = 0
        try index.apply((0..<60).map { _ in next += 1; return fresh("d\(next).txt") }, now: 1)
        var encoded = 0, fingerprintsEncoded = 0
        var policy = TextDictionaryPolicy()
        // The first dictionary once the first changes have come (after round 2): trained on so few
        // texts it holds whole passages of them, and stores them in fewer bytes than differences
        // would, so copies are stored as differences before it and compete with it after.
        policy.minimumArticles = 62
        policy.growth = 2
        for round in 0..<12 {
            let comment: Comment = "seed \(random.seed), round \(round)"
            switch round % 4 {
            case 0:
                // Placed, then the idle steps: placing alone stores no copy as a difference.
                _ = try index.placeStories(limit: 1000)
                while try index.compactText(policy: policy) != .none {}
            case 1:
                // Groups changed by hand, as regrouping does: some copies join another group, some leave theirs.
                try index.pool.write { db in
                    let ids = try Int64.fetchAll(db, sql: "SELECT id FROM article ORDER BY id")
                    for _ in 0..<20 {
                        let id = ids.randomElement(using: &random)!
                        if Bool.random(using: &random) {
                            let first = ids.randomElement(using: &random)!
                            guard first != id else { continue }
                            try db.execute(sql: """
                                UPDATE article SET copyOf = coalesce((SELECT copyOf FROM article WHERE id = ?1), ?1) WHERE id = ?2
                                  AND coalesce((SELECT copyOf FROM article WHERE id = ?1), ?1) != ?2
                                """, arguments: [first, id])
                        } else {
                            try db.execute(sql: "UPDATE article SET copyOf = NULL WHERE id = ?", arguments: [id])
                        }
                    }
                }
            case 2:
                var changes: [IndexChange] = []
                // Half of the files changed or removed are ones others are stored against.
                let bases = Set(try Self.stored(index).values.compactMap(\.base) + Self.storedFingerprints(index).values.compactMap(\.base))
                let basePaths = try bodies.keys.sorted().filter { try Self.id(index, path: $0).map(bases.contains) ?? false }
                for _ in 0..<6 {
                    let fromBases = Bool.random(using: &random) ? basePaths.randomElement(using: &random) : nil
                    guard let path = fromBases ?? bodies.keys.sorted().randomElement(using: &random), bodies[path] != nil else { continue }
                    if Bool.random(using: &random) {
                        changes.append(.remove(path: path))
                        bodies[path] = nil
                        fingerprints[path] = nil
                    } else {
                        changes.append(upsert(path, text()))
                    }
                }
                for _ in 0..<8 { next += 1; changes.append(fresh("d\(next).txt")) }
                try index.apply(changes, now: Double(round + 2))
            default:
                while try index.compactText(policy: policy) != .none {}
            }
            let rows = try Self.stored(index)
            encoded = max(encoded, rows.values.filter { $0.base != nil }.count)
            for (path, body) in bodies {
                let id = try #require(try Self.id(index, path: path), comment)
                #expect(try index.article(id: id)?.body == body, "\(comment): \(path), article \(id)")
            }
            // Depth one, and the column agrees with the stored form.
            #expect(rows.values.allSatisfy { row in row.base.map { rows[$0] != nil && rows[$0]?.base == nil } ?? true }, comment)
            let disagreeing = try index.pool.read {
                try Int.fetchOne($0, sql: "SELECT count(*) FROM article_text WHERE base IS NOT \(TextCodec.baseFunction)(body)")
            }
            #expect(disagreeing == 0, comment)
            try Self.expectFullTextConsistent(index, comment)

            // Fingerprints likewise: each reads whole as computed, depth one, the column agrees.
            let stored = try Self.storedFingerprints(index)
            fingerprintsEncoded = max(fingerprintsEncoded, stored.values.filter { $0.base != nil }.count)
            #expect(stored.values.allSatisfy { row in
                row.base.map { stored[$0] != nil && stored[$0]?.base == nil } ?? true
            } && stored.values.allSatisfy { ($0.base != nil) == ArticleFingerprint.isDifference($0.bytes) }, comment)
            for (path, expected) in fingerprints {
                let id = try #require(try Self.id(index, path: path), comment)
                #expect(try Self.wholeFingerprint(index, id: id) == ArticleFingerprint(encoded: expected), "\(comment): \(path), article \(id)")
            }
        }
        #expect(encoded > 5, "seed \(random.seed): at most \(encoded) texts were stored as differences")
        #expect(fingerprintsEncoded > 5, "seed \(random.seed): at most \(fingerprintsEncoded) fingerprints were stored as differences")
    }
}
