import Foundation
import GRDB
import NewsCore
@testable import NewsIndex
import Testing
import TestSupport

/// Migrations v22 to v24 on an index written by v21, whose full-text index had the headline as
/// its first column, whose fingerprints were stored in version 2 and content hashes as hex text:
/// the index is written again with the body first, smaller, and every search, stem, column
/// filter, weight and snippet answers as before; every fingerprint is stored in version 3 and
/// reads as before; every hash is stored as its bytes and still finds the same text again; the
/// file is compacted.
@Suite("Full-text, fingerprint and content-hash migrations (real SQLite file)")
struct FullTextAndFingerprintMigrationTests {
    let folder = TemporaryFolder("newsd-body-first")
    var path: String { folder.file("index.sqlite") }

    static let places = ["Felixstowe", "Rotterdam", "Gdansk", "Valencia", "Antwerp", "Le Havre"]
    static let subjects = ["dock workers", "crane drivers", "pilots", "customs officers"]

    /// English reports long enough for the index's size to tell, and the articles in other languages
    /// `LanguageSearchTests` searches.
    static var articles: [(path: String, article: IndexableArticle)] {
        let english = (0..<60).map { n in
            let place = places[n % places.count], subject = subjects[n % subjects.count]
            let body = (0..<8).map { sentence in
                "\(subject.capitalized) in \(place) said on day \(n) that talks over pay (round \(sentence)) had stalled, " +
                    "and ships waited offshore while the operator counted its losses."
            }.joined(separator: " ")
            return ("en\(n).txt", TestArticles.article(headline: "Strike at \(place) port, report \(n)", body: body, language: "en"))
        }
        let others = LanguageSearchTests.corpus.map { entry in
            (entry.path, TestArticles.article(headline: entry.headline, body: entry.body, outlet: entry.outlet,
                                              url: entry.url, language: entry.language))
        }
        // The same words, the headline's in one the body's in the other.
        let swapped = [
            ("in-headline.txt", TestArticles.article(headline: "Quarantine lifted", body: "Officials spoke.", language: "en")),
            ("in-body.txt", TestArticles.article(headline: "Officials spoke", body: "Quarantine lifted.", language: "en")),
        ]
        return english + others + swapped
    }

    static let queries = [
        "felixstowe", "\"dock workers\"", "strike", "title:rotterdam", "headline:port pilots", "Impfung", "Strassenarbeiter",
        "ёлка", "vendange", "outlet:spiegel", "stall*", "NEAR(ships operator, 4)", "pay -gdansk", "run", "quarantine",
    ]

    /// Every query's hits in order, with their snippets.
    static func answers(_ index: ArticleIndex) throws -> [[String]] {
        try queries.map { query in
            try index.search(SearchQuery.parse(query), limit: 100, offset: 0).hits.map { "\($0.path) \($0.snippet) \($0.highlights)" }
        }
    }

    static func columns(_ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info('article_fts')")
    }

    static func indexBytes(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT sum(length(block)) FROM article_fts_data") ?? 0
    }

    /// Turns the index back into v21's: the full-text index with the headline first, the
    /// fingerprints in version 2 and the content hashes in hex, written as v21 wrote them, and
    /// v22 to v24 not applied.
    static func writeVersion21(_ index: ArticleIndex) throws {
        try index.pool.write { db in
            try db.execute(sql: """
                DROP TABLE article_fts;
                CREATE VIRTUAL TABLE article_fts USING fts5(
                    headline, body, outlet, byline,
                    content='article_content', content_rowid='id',
                    tokenize='\(LanguageTokenizer.name)'
                );
                INSERT INTO article_fts(rowid, headline, body, outlet, byline)
                SELECT a.id, \(LanguageTokenizer.markedSQL("a", "headline")),
                       \(LanguageTokenizer.markedExpression(language: "a.language", value: "\(TextCodec.inflateFunction)(t.body)")),
                       a.outlet, a.byline
                FROM article a JOIN article_text t ON t.id = a.id ORDER BY a.id;
                INSERT INTO article_fts(article_fts) VALUES ('optimize');
                INSERT INTO article_fts(article_fts, rank) VALUES ('automerge', 0);
                UPDATE article SET contentHash = lower(hex(contentHash));
                """)
            try MigrationRecords.unrecord(from: "v22-body-first-fulltext", db)
            for row in try Row.fetchAll(db, sql: "SELECT id, bytes FROM article_fingerprint") {
                let fingerprint = try #require(ArticleFingerprint(encoded: [UInt8](row["bytes"] as Data)))
                try db.execute(sql: "UPDATE article_fingerprint SET bytes = ? WHERE id = ?",
                               arguments: [Data(FingerprintVersion2.encoded(fingerprint)), row["id"]])
            }
        }
    }

    static func fingerprints(_ db: Database) throws -> [Int64: Data] {
        Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, bytes FROM article_fingerprint").map { ($0["id"], $0["bytes"]) })
    }

    @Test("v21 → v24: the full-text index body first and smaller, fingerprints and hashes smaller, the same answers, the file compacted")
    func migrates() throws {
        let current = try ArticleIndex(path: path)
        try current.apply(TestArticles.upserts(Self.articles), now: 1)
        let expected = try Self.answers(current)
        let storedBefore = try current.pool.read(Self.fingerprints)
        #expect(expected.allSatisfy { !$0.isEmpty }, "every query finds something: \(expected)")
        try Self.writeVersion21(current)
        let before = try current.pool.read { db in (try Self.columns(db), try Self.indexBytes(db)) }
        #expect(before.0.first == "headline")
        #expect(try current.pool.read { try String.fetchAll($0, sql: "SELECT DISTINCT typeof(contentHash) FROM article") } == ["text"])
        #expect(try current.pool.read(Self.fingerprints).values.allSatisfy { $0.first == 2 })
        try current.close()

        let index = try ArticleIndex(path: path)
        try index.pool.read { (db: Database) throws in
            #expect(try Self.columns(db) == ["body", "headline", "outlet", "byline"])
            let after = try Self.indexBytes(db)
            #expect(after < before.1 * 9 / 10, "the index shrank from \(before.1) to \(after) bytes")
            #expect(try Int.fetchOne(db, sql: "SELECT v FROM article_fts_config WHERE k = 'automerge'") == 0,
                    "small writes still leave merging to the idle steps")
            #expect(try Int.fetchOne(db, sql: "SELECT count(DISTINCT segid) FROM article_fts_idx") == 1)
            #expect(try Int.fetchOne(db, sql: "PRAGMA freelist_count") == 0, "the file was compacted")
            #expect(try Self.fingerprints(db) == storedBefore, "every fingerprint is stored in version 3 again, byte for byte")
            #expect(try String.fetchAll(db, sql: "SELECT DISTINCT typeof(contentHash) || length(contentHash) FROM article") == ["blob16"])
        }
        try index.pool.write { db in try db.execute(sql: "INSERT INTO article_fts(article_fts) VALUES ('integrity-check')") }
        #expect(try Self.answers(index) == expected)
        // Column numbers follow the new order: snippets show the body, and the headline's weight
        // lifts a headline match above the same word in a body.
        let offshore = try #require(try index.search(SearchQuery.parse("offshore"), limit: 1, offset: 0).hits.first)
        let marked = offshore.highlights.map { Array(offshore.snippet).dropFirst($0.start).prefix($0.length) }.map { String($0) }
        #expect(offshore.snippet.contains("while the operator") && marked.first == "offshore", "\(offshore.snippet) \(marked)")
        let quarantine = try index.search(SearchQuery.parse("quarantine"), limit: 2, offset: 0).hits.map(\.path)
        #expect(quarantine == ["in-headline.txt", "in-body.txt"])

        // The same text read again is the same article; under another name, one more path of it.
        let again = Self.articles.first { $0.path == "en3.txt" }!.article
        try index.apply([.upsert(path: "en3.txt", stamp: FileStamp(inode: 9, size: 9, mtimeNs: 9), article: again),
                         .upsert(path: "saved-twice.txt", stamp: FileStamp(inode: 10, size: 9, mtimeNs: 9), article: again)], now: 2)
        let twice = try #require(try index.search(SearchQuery.parse("\"day 3 that talks\""), limit: 5, offset: 0).hits.first)
        #expect(Set(twice.paths) == ["en3.txt", "saved-twice.txt"])
        #expect(try index.overview().articles == Self.articles.count)

        // Writes after the migration keep the index consistent.
        try index.apply([.remove(path: "en0.txt")], now: 2)
        try index.apply(TestArticles.upserts([("late.txt", TestArticles.article(headline: "Late arrival", body: "Pilots at Felixstowe returned.", language: "en"))]), now: 3)
        try index.pool.write { db in try db.execute(sql: "INSERT INTO article_fts(article_fts) VALUES ('integrity-check')") }
        let late = try index.search(SearchQuery.parse("felixstowe pilots"), limit: 100, offset: 0).hits.map(\.path)
        #expect(late.contains("late.txt") && !late.contains("en0.txt"))
        #expect(try index.pool.read { try String.fetchAll($0, sql: "SELECT DISTINCT typeof(contentHash) || length(contentHash) FROM article") }
                == ["blob16"], "new articles' hashes are stored as bytes too")
    }
}
