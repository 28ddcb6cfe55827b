import Foundation
import GRDB
import NewsCore
@testable import NewsIndex
import Testing
import TestSupport

/// An article's day stored as a day number and its source as a small integer, a story's span as
/// day numbers, and the usual encoding and status-change time as NULL (schema v28): every answer
/// that shows, filters or orders by date reads as it did when they were text, before 1970 and
/// after, for each source; every stamp and encoding reads whole; and an index written before v28
/// upgrades to the same answers (real SQLite file).
@Suite("Article rows stored small: days as numbers, usual values as NULL (real SQLite file)")
struct ArticleDayTests {
    let folder = TemporaryFolder("newsd-article-days")

    /// Five reports on one harbour, dated every way an article can be.
    static let articles: [(path: String, article: IndexableArticle)] = [
        ("old.txt", TestArticles.article(headline: "Harbour opened by the mayor", body: "The new harbour at Tallowby opened to ships.",
                                         published: "1936-05-12")),
        ("spring.txt", TestArticles.article(headline: "Harbour strike ends", body: "Dock workers at the harbour went back after talks.",
                                            published: "2024-03-01")),
        ("dateline.txt", TestArticles.article(headline: "Harbour talks resume", body: "Talks on the harbour strike resumed on Wednesday.",
                                              published: "2024-02-28", dateSource: .inferred)),
        ("undated.txt", TestArticles.article(headline: "Harbour notes", body: "Notes on the harbour kept by a reader.",
                                             fileDate: "2023-11-05")),
        ("far.txt", TestArticles.article(headline: "Harbour plan for the next century", body: "A plan for the harbour long after ours.",
                                         published: "2999-01-01")),
    ]

    /// What the index answers about dates: searches filtered and ordered by them, each article's
    /// date, the chart of days, the stories' spans; as text, to compare whole.
    static func answers(_ index: ArticleIndex) throws -> [String] {
        var lines: [String] = []
        let queries = ["harbour", "harbour date:2024", "harbour since:2024-02-29", "harbour date:1936", "harbour until:1999", "date:2999"]
        for query in queries {
            for sort in [SearchSort.newest, .oldest, .relevance, .added] {
                let (total, hits) = try index.search(try SearchQuery.parse(query), sort: sort, limit: 10, offset: 0)
                lines.append("\(query) \(sort): \(total) " + hits.map { "\($0.title)|\($0.date)|\($0.dateSource)" }.joined(separator: "; "))
            }
        }
        for id in 1...Int64(articles.count) {
            let article = try #require(try index.article(id: id))
            lines.append("article \(id): \(article.date) \(article.dateSource)")
        }
        let chart = try index.dayCounts(try SearchQuery.parse("harbour"))
        lines.append("chart: " + chart.days.map { "\($0.day) \($0.count)" }.joined(separator: ", ") + "; undated \(chart.undated)")
        let stories = try index.stories(since: nil, minArticles: 1, sort: .latest, limit: 10).stories
        lines.append("stories: " + stories.map { "\($0.story.firstDate)…\($0.story.lastDate) \($0.headline)" }.joined(separator: "; "))
        return lines
    }

    @Test("dates read, filter and order as written, before 1970 and far ahead, for each source; stored as integers")
    func daysAsNumbers() throws {
        let index = try ArticleIndex(path: folder.file("index.sqlite"))
        _ = try index.apply(TestArticles.upserts(Self.articles), now: 1_700_000_000)
        while try index.placeStories(limit: 8) > 0 {}
        let answers = try Self.answers(index)
        #expect(answers.contains("harbour newest: 5 Harbour plan for the next century|2999-01-01|published; Harbour strike ends|2024-03-01|published; "
            + "Harbour talks resume|2024-02-28|inferred; Harbour opened by the mayor|1936-05-12|published; Harbour notes|2023-11-05|file"), "\(answers)")
        #expect(answers.contains("harbour date:2024 oldest: 2 Harbour talks resume|2024-02-28|inferred; Harbour strike ends|2024-03-01|published"), "\(answers)")
        #expect(answers.contains("harbour since:2024-02-29 newest: 2 Harbour plan for the next century|2999-01-01|published; Harbour strike ends|2024-03-01|published"),
                "\(answers)")
        #expect(answers.contains("harbour date:1936 relevance: 1 Harbour opened by the mayor|1936-05-12|published"), "\(answers)")
        #expect(answers.contains { $0.hasPrefix("harbour until:1999 newest: 1 ") }, "\(answers)")
        #expect(answers.contains("article 4: 2023-11-05 file") && answers.contains("article 1: 1936-05-12 published"), "\(answers)")
        #expect(answers.contains("chart: 1936-05-12 1, 2024-02-28 1, 2024-03-01 1, 2999-01-01 1; undated 1"), "\(answers)")
        let stored = try index.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT typeof(articleDay), articleDay, dateKind FROM article ORDER BY id").map { "\($0[0] as String) \($0[1] as Int) \(($0[2] as Int?).map(String.init) ?? "-")" }
        }
        #expect(stored == ["integer -12287 0", "integer 19783 0", "integer 19781 1", "integer 19666 -", "integer 375835 0"])
    }

    @Test("an index written before v28 upgrades to the same answers")
    func migration() throws {
        let path = folder.file("index.sqlite")
        var before: [String] = []
        do {
            let index = try ArticleIndex(path: path)
            _ = try index.apply(TestArticles.upserts(Self.articles), now: 1_700_000_000)
            while try index.placeStories(limit: 8) > 0 {}
            before = try Self.answers(index)
            try index.pool.write { try MigrationRecords.unrecord(from: "v28-article-days", $0) }
            let older = try index.pool.read { db in
                try Row.fetchAll(db, sql: "SELECT articleDate, publishedDate, dateSource FROM article ORDER BY id")
                    .map { "\($0[0] as String) \(($0[1] as String?) ?? "-") \(($0[2] as String?) ?? "-")" }
            }
            #expect(older == ["1936-05-12 1936-05-12 published", "2024-03-01 2024-03-01 published", "2024-02-28 2024-02-28 inferred",
                              "2023-11-05 - -", "2999-01-01 2999-01-01 published"], "the test's older index holds text")
        }
        let index = try ArticleIndex(path: path)
        #expect(try Self.answers(index) == before)
        let columns = try index.pool.read { try String.fetchAll($0, sql: "SELECT name FROM pragma_table_info('article')") }
        #expect(columns.contains("articleDay") && columns.contains("dateKind"))
        #expect(!columns.contains("articleDate") && !columns.contains("publishedDate") && !columns.contains("dateSource"))
        #expect(try index.pool.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
    }

    @Test("an encoding other than UTF-8 and a status-change time other than the modification time are kept; the usual ones take no bytes")
    func usualValuesAsNull() throws {
        let path = folder.file("index.sqlite")
        var latin = TestArticles.article(headline: "Harbour fees", body: "Fees at the harbour rise in spring.")
        latin.encoding = "windows-1252"
        let changes: [IndexChange] = [
            .upsert(path: "same.txt", stamp: FileStamp(inode: 1, size: 10, mtimeNs: 1_700_000_000_123_456_789, ctimeNs: 1_700_000_000_123_456_789),
                    article: Self.articles[0].article),
            .upsert(path: "later.txt", stamp: FileStamp(inode: 2, size: 11, mtimeNs: 1_700_000_000_000_000_000, ctimeNs: 1_700_000_500_000_000_000),
                    article: Self.articles[1].article),
            .upsert(path: "latin.txt", stamp: FileStamp(inode: 3, size: 12, mtimeNs: 5, ctimeNs: -1), article: latin),
        ]
        var stamps: [String: FileStamp] = [:]
        do {
            let index = try ArticleIndex(path: path)
            _ = try index.apply(changes, now: 1_700_000_000)
            stamps = try index.knownStamps()
            #expect(stamps["same.txt"]?.ctimeNs == 1_700_000_000_123_456_789 && stamps["later.txt"]?.ctimeNs == 1_700_000_500_000_000_000
                    && stamps["latin.txt"]?.ctimeNs == -1, "\(stamps)")
            #expect(try index.article(id: 1)?.encoding == "utf-8" && index.article(id: 3)?.encoding == "windows-1252")
            let stored = try index.pool.read { db in
                try Row.fetchAll(db, sql: "SELECT f.path, f.ctimeNs, a.encoding FROM file f JOIN article a ON a.id = f.articleId ORDER BY f.path")
                    .map { "\($0[0] as String) \(($0[1] as Int64?).map(String.init) ?? "-") \(($0[2] as String?) ?? "-")" }
            }
            #expect(stored == ["later.txt 1700000500000000000 -", "latin.txt -1 windows-1252", "same.txt - -"], "\(stored)")
            try index.pool.write { try MigrationRecords.unrecord(from: "v28-article-days", $0) }
        }
        let index = try ArticleIndex(path: path)
        #expect(try index.knownStamps() == stamps, "the upgrade keeps every stamp")
        #expect(try index.article(id: 1)?.encoding == "utf-8" && index.article(id: 3)?.encoding == "windows-1252")
        #expect(try index.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM file WHERE ctimeNs IS NULL") } == 1)
    }
}
