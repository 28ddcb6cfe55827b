import Foundation
import GRDB
import NewsCore
@testable import NewsIndex
import Testing
import TestSupport

/// Schema v30: fingerprints whose names came from datelines and month abbreviations are made
/// again from the texts, and every article is placed again.
@Suite("Names without datelines: the v30 migration (real SQLite file)")
struct NameFingerprintMigrationTests {
    let folder = TemporaryFolder("newsd-v30")

    /// Two templated earnings reports, a copy of one, and two reports of one strike: path,
    /// headline, body and published date.
    static let articles: [(path: String, article: IndexableArticle)] = [
        ("harwell.txt", "HARWELL PUMP AND VALVE CORP 3RD QTR NET", harwell, "1987-03-03"),
        ("harwell-again.txt", "HARWELL PUMP AND VALVE CORP 3RD QTR NET (CORRECTED)", harwell, "1987-03-03"),
        ("ostrander.txt", "OSTRANDER FOODS INC 4TH QTR NET",
         "NEW YORK, March 4 - Qtr ended Jan 31. Shr 18 cts vs 22 cts. Net 904,000 vs 1,107,000. Revs 14.7 mln vs 15.1 mln.", "1987-03-04"),
        ("strike.txt", "Dockers strike at Felixstowe",
         "FELIXSTOWE, May 2 - Dockers at Felixstowe walked out over pay on Tuesday, the Unite union said, and Hutchison Ports warned of delays for shipping lines.",
         "2023-05-02"),
        ("strike-day-two.txt", "Felixstowe strike enters second day",
         "LONDON, May 3 - The Unite strike over pay at Felixstowe entered a second day as Hutchison Ports said shipping lines faced delays.", "2023-05-03"),
    ].map { ($0.0, TestArticles.article(headline: $0.1, body: $0.2, published: $0.3)) }

    static let harwell = "NEW YORK, March 3 - Qtr ended Jan 31. Shr 41 cts vs 36 cts. Net 2,118,000 vs 1,874,000. Revs 31.2 mln vs 28.9 mln."

    /// Each article's stories, as sets of paths.
    static func stories(_ index: ArticleIndex) throws -> Set<Set<String>> {
        var byStory: [Int64: Set<String>] = [:]
        for (path, _) in articles {
            let article = try #require(try index.articleId(path: path).flatMap { try index.article(id: $0) })
            byStory[try #require(article.storyId), default: []].insert(path)
        }
        return Set(byStory.values)
    }

    @Test("an index placed before v30 gets its fingerprints made again and loses its stories; placing again makes them as in a new index")
    func placedAgain() throws {
        let path = folder.file("index.sqlite")
        do {
            let index = try ArticleIndex(path: path)
            try index.apply(TestArticles.upserts(Self.articles), now: 1)
            while try index.placeStories(limit: 64) > 0 {}
            // As an older newsd could leave it: other fingerprints, every article in one story.
            let stale = Data(ArticleFingerprint.of(headline: "stale", body: "Words of Another Text").encoded)
            try index.pool.write { db in
                try db.execute(sql: "UPDATE article_fingerprint SET bytes = ?, base = NULL", arguments: [stale])
                try db.execute(sql: "UPDATE article SET storyId = (SELECT min(storyId) FROM article)")
                try MigrationRecords.unrecord(from: "v30-names-without-datelines", db)
            }
        }
        let index = try ArticleIndex(path: path)
        let overview = try index.overview()
        #expect(overview.unplaced == Self.articles.count && overview.stories == 0, "\(overview)")
        try index.pool.read { db in
            for table in ["story_link", "story_key", "story_key_count"] {
                let rows = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)")
                #expect(rows == 0, "\(table)")
            }
            let copies = try Int.fetchOne(db, sql: "SELECT count(*) FROM article WHERE copyOf IS NOT NULL OR copySimilarity IS NOT NULL")
            #expect(copies == 0)
        }
        try index.pool.read { db in
            for (path, article) in Self.articles {
                let stored = try Data.fetchOne(db, sql: """
                    SELECT f.bytes FROM article_fingerprint_whole f JOIN file ON file.articleId = f.id WHERE file.path = ?
                    """, arguments: [path])
                #expect(stored.map { [UInt8]($0) } == article.fingerprint, "\(path): made again from its text")
            }
        }
        while try index.placeStories(limit: 2) > 0 {}
        #expect(try index.overview().unplaced == 0)
        let fresh = try ArticleIndex(path: folder.file("fresh.sqlite"))
        try fresh.apply(TestArticles.upserts(Self.articles), now: 1)
        while try fresh.placeStories(limit: 64) > 0 {}
        let expected = try Self.stories(fresh)
        #expect(expected == [["harwell.txt", "harwell-again.txt"], ["ostrander.txt"], ["strike.txt", "strike-day-two.txt"]])
        #expect(try Self.stories(index) == expected)
    }

    @Test("an index whose fingerprints are made as v30 makes them keeps its stories")
    func currentKept() throws {
        let path = folder.file("index.sqlite")
        let before: Set<Set<String>>
        do {
            let index = try ArticleIndex(path: path)
            try index.apply(TestArticles.upserts(Self.articles), now: 1)
            while try index.placeStories(limit: 64) > 0 {}
            before = try Self.stories(index)
            try index.pool.write { db in try MigrationRecords.unrecord(from: "v30-names-without-datelines", db) }
        }
        let index = try ArticleIndex(path: path)
        #expect(try index.overview().unplaced == 0)
        #expect(try Self.stories(index) == before)
    }

    @Test("v30 dates articles dated by their file alone from a dateline that names a region; the others keep their dates")
    func datelinesWithRegions() throws {
        let path = folder.file("index.sqlite")
        // As an older newsd stored them: the region kept it from reading the dateline.
        let articles: [(path: String, article: IndexableArticle)] = [
            ("calif.txt", TestArticles.article(headline: "SAN MATEO FUND SETS PAYOUT",
                                               body: "SAN MATEO, Calif., April 13 - Mthly div 6.6 cts vs 6.6 cts prior.", fileDate: "1987-04-14")),
            ("germany.txt", TestArticles.article(headline: "VW INQUIRY WIDENS",
                                                 body: "BRUNSWICK, West Germany, March 16 - Prosecutors widened the inquiry.", fileDate: "1987-03-20")),
            ("note.txt", TestArticles.article(headline: "A note", body: "No dateline opens this note.", fileDate: "1987-03-20")),
            ("dated.txt", TestArticles.article(headline: "Dated", body: "LONDON, Calif., May 2 - A dateline after a published date.",
                                               published: "1987-05-01", fileDate: "1987-05-03")),
        ]
        do {
            let index = try ArticleIndex(path: path)
            try index.apply(TestArticles.upserts(articles), now: 1)
            while try index.placeStories(limit: 64) > 0 {}
            try index.pool.write { db in try MigrationRecords.unrecord(from: "v30-names-without-datelines", db) }
        }
        let index = try ArticleIndex(path: path)
        func date(_ path: String) throws -> String {
            let article = try #require(try index.articleId(path: path).flatMap { try index.article(id: $0) })
            return "\(article.date) \(article.dateSource)"
        }
        #expect(try date("calif.txt") == "1987-04-13 inferred")
        #expect(try date("germany.txt") == "1987-03-16 inferred")
        #expect(try date("note.txt") == "1987-03-20 file")
        #expect(try date("dated.txt") == "1987-05-01 published")
        #expect(try index.overview().unplaced == articles.count, "dates changed: placed again")
    }
}
