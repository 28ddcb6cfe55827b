import Foundation
import GRDB
import NewsCore
@testable import NewsIndex
import Testing
import TestSupport

/// Migration v9 on an index written by the previous schema (v8): the text moves into compressed
/// rows, fingerprints into their compact table, story candidates into date-filed story keys, the file is
/// compacted, and search, snippets, `show`, placement and removal all work on the result.
@Suite("Compact storage migration (real SQLite file)")
struct CompactStorageMigrationTests {
    let folder = TemporaryFolder("newsd-migration")
    var path: String { folder.file("index.sqlite") }

    static let bodies = [
        "Dock workers at Felixstowe walked out on Monday over pay, leaving container ships waiting offshore. " +
            String(repeating: "Union officials said talks with the port operator had broken down. ", count: 12),
        "Grain prices rose in Chicago as dry weather threatened the harvest across the plains. " +
            String(repeating: "Traders said the forecast left little room for error. ", count: 12),
        "A short note.",
    ]

    /// A database at schema v8 holding three articles (two placed, one not) the way v8 stored them.
    func writeVersion8() throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in db.add(tokenizer: LanguageTokenizer.self) }
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        try IndexSchema.migrator.migrate(queue, upTo: "v8-formats-dates-addresses")
        try queue.write { db in
            for (n, body) in Self.bodies.enumerated() {
                let id = n + 1
                try db.execute(sql: """
                    INSERT INTO article(id, contentHash, headline, body, encoding, wordCount, ingestedAt, articleDate, dateSource,
                                        publishedDate, language, storyId, fingerprint, fileTime)
                    VALUES (?, ?, ?, ?, 'utf-8', 10, 1, '2024-03-0\(id)', 'published', '2024-03-0\(id)', 'en', ?, ?, 0)
                    """, arguments: [id, "hash\(id)", "Headline \(id)", body, n < 2 ? id : nil, n < 2 ? Data([1, 0, 0, 0]) : nil])
                try db.execute(sql: "INSERT INTO file(path, articleId, inode, size, mtimeNs, ctimeNs) VALUES (?, ?, ?, 1, 1, 1)",
                               arguments: ["a\(id).txt", id, id])
                if n < 2 { try db.execute(sql: "INSERT INTO story(id, articles, outlets, firstDate, lastDate) VALUES (?, 1, 0, '2024-03-01', '2024-03-01')", arguments: [id]) }
                try db.execute(sql: "INSERT INTO relative_key(key, articleId) VALUES (?, ?)", arguments: [id * 7, id])
            }
            try db.execute(sql: """
                INSERT INTO article_fts(rowid, headline, body, outlet, byline)
                SELECT id, \(LanguageTokenizer.markedSQL("article", "headline")), \(LanguageTokenizer.markedSQL("article", "body")),
                       outlet, byline FROM article
                """)
        }
    }

    @Test("v8 → v9 keeps every article searchable, shown whole, placeable and removable")
    func migrates() throws {
        try writeVersion8()
        let index = try ArticleIndex(path: path)

        let hit = try #require(try index.search(SearchQuery.parse("felixstowe"), limit: 5, offset: 0).hits.first)
        #expect(hit.path == "a1.txt")
        #expect(hit.snippet.contains("Felixstowe"), "snippets read the inflated text")
        #expect(try index.search(SearchQuery.parse("\"union officials\""), limit: 5, offset: 0).total == 1, "phrases still match")
        #expect(try index.article(id: 2)?.body == Self.bodies[1])
        #expect(try index.article(id: 3)?.body == Self.bodies[2])

        try index.pool.read { (db: Database) throws in
            #expect(try db.columns(in: "article").map(\.name).allSatisfy { $0 != "body" && $0 != "fingerprint" })
            #expect(try !db.tableExists("relative_key"))
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM article_text") == 3)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM article_fingerprint") == 3, "every fingerprint is made anew")
            #expect(try Set(StoryKeyEntries.all(db).map(\.articleId)).isEmpty,
                    "v13 places every article again (stories become groups of links)")
            #expect(try Int.fetchOne(db, sql: "PRAGMA freelist_count") == 0, "the file was compacted")
        }

        // Every article is placed from its stored fingerprint.
        while try index.placeStories(limit: 8) > 0 {}
        #expect(try index.overview().unplaced == 0)
        #expect(try index.pool.read { try Set(StoryKeyEntries.all($0).map(\.articleId)).count } == 3, "placed articles are filed")

        // Removing a file removes its article's text, fingerprint, buckets and full-text entry.
        try index.apply([.remove(path: "a1.txt")], now: 2)
        #expect(try index.search(SearchQuery.parse("felixstowe"), limit: 5, offset: 0).total == 0)
        try index.pool.write { (db: Database) throws in
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM article_text WHERE id = 1") == 0)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM article_fingerprint WHERE id = 1") == 0)
            #expect(try StoryKeyEntries.all(db).filter { $0.articleId == 1 }.isEmpty)
            // FTS5's own consistency check: the index agrees with its content.
            try db.execute(sql: "INSERT INTO article_fts(article_fts) VALUES ('integrity-check')")
        }
    }

    @Test("editing, re-reading with new metadata and removing keep the full-text index consistent")
    func fullTextStaysConsistent() throws {
        let index = try ArticleIndex(path: path)
        let stamp = { (n: Int) in FileStamp(inode: 1, size: Int64(n), mtimeNs: Int64(n)) }
        let first = TestArticles.article(headline: "Port strike", body: Self.bodies[0], language: "en")
        try index.apply([.upsert(path: "a.txt", stamp: stamp(1), article: first)], now: 1)
        while try index.placeStories(limit: 8) > 0 {}
        // The same text read again with a new outlet (metadata only).
        var relabelled = first
        relabelled.outlet = "Harbour Gazette"
        try index.apply([.upsert(path: "a.txt", stamp: stamp(2), article: relabelled)], now: 2)
        #expect(try index.search(SearchQuery.parse("outlet:\"harbour gazette\""), limit: 5, offset: 0).total == 1)
        // The file edited: new text, same article id.
        let edited = TestArticles.article(headline: "Grain rally", body: Self.bodies[1], language: "en")
        try index.apply([.upsert(path: "a.txt", stamp: stamp(3), article: edited)], now: 3)
        #expect(try index.search(SearchQuery.parse("felixstowe"), limit: 5, offset: 0).total == 0)
        #expect(try index.search(SearchQuery.parse("chicago"), limit: 5, offset: 0).total == 1)
        try index.pool.write { db in try db.execute(sql: "INSERT INTO article_fts(article_fts) VALUES ('integrity-check')") }
        while try index.placeStories(limit: 8) > 0 {}
        try index.apply([.remove(path: "a.txt")], now: 4)
        try index.pool.write { (db: Database) throws in
            try db.execute(sql: "INSERT INTO article_fts(article_fts) VALUES ('integrity-check')")
            #expect(try StoryKeyEntries.all(db).isEmpty)
        }
    }
}
