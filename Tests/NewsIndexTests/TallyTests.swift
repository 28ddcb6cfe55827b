import Foundation
import GRDB
import NewsCore
@testable import NewsIndex
import Testing
import TestSupport

/// The status call's counts of articles, languages and outlets are kept by triggers: after
/// every kind of change they must equal what counting the articles gives.
@Suite("Status counts kept by triggers (real SQLite file)")
struct TallyTests {
    let folder = TemporaryFolder("newsd-tally")

    func article(_ text: String, outlet: String?, language: String?) -> IndexableArticle {
        let parsed = ParsedArticle(headline: "Report \(text)", paragraphs: ["The \(text) report in full."], encoding: .utf8)
        return IndexableArticle(contentHash: parsed.contentHash, headline: parsed.headline, body: parsed.body, encoding: "utf-8",
                                wordCount: parsed.wordCount, outlet: outlet, language: language)
    }

    func expectCountsMatch(_ index: ArticleIndex, _ context: String) throws {
        let overview = try index.overview(outletLimit: 100)
        let (articles, languages, outlets) = try index.pool.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM article") ?? 0,
             try Row.fetchAll(db, sql: "SELECT language, count(*) AS n FROM article WHERE language IS NOT NULL GROUP BY language ORDER BY n DESC, language")
                .map { LanguageCount(language: $0["language"], articles: $0["n"]) },
             try Row.fetchAll(db, sql: "SELECT outlet, count(*) AS n FROM article WHERE outlet IS NOT NULL GROUP BY outlet ORDER BY n DESC, outlet")
                .map { OutletCount(outlet: $0["outlet"], articles: $0["n"]) })
        }
        #expect(overview.articles == articles, "\(context)")
        #expect(try index.counts().articles == articles, "\(context)")
        #expect(overview.languages == languages, "\(context)")
        #expect(overview.outlets == outlets, "\(context)")
    }

    @Test("adds, edits that change language or outlet, copies under two names, renames and removals")
    func countsFollowChanges() throws {
        let index = try ArticleIndex(path: folder.file("index.sqlite"))
        func stamp(_ n: Int) -> FileStamp { FileStamp(inode: UInt64(n), size: 1, mtimeNs: Int64(n)) }
        try index.apply([
            .upsert(path: "a.txt", stamp: stamp(1), article: article("alpha", outlet: "CNN", language: "en")),
            .upsert(path: "b.txt", stamp: stamp(2), article: article("beta", outlet: "CNN", language: "fr")),
            .upsert(path: "c.txt", stamp: stamp(3), article: article("gamma", outlet: nil, language: nil)),
            .upsert(path: "c-copy.txt", stamp: stamp(4), article: article("gamma", outlet: nil, language: nil)),
        ], now: 1)
        try expectCountsMatch(index, "after adding")
        // The same text with other metadata: the article row is updated in place.
        try index.apply([.upsert(path: "b.txt", stamp: stamp(5), article: article("beta", outlet: "Reuters", language: "de"))], now: 2)
        try expectCountsMatch(index, "after an edit of outlet and language")
        // New text under an old name.
        try index.apply([.upsert(path: "a.txt", stamp: stamp(6), article: article("delta", outlet: nil, language: "en"))], now: 3)
        try expectCountsMatch(index, "after new text")
        try index.apply([.remove(path: "c.txt"), .remove(path: "b.txt")], now: 4)
        try expectCountsMatch(index, "after removals")
        try index.apply([.remove(path: "c-copy.txt"), .upsert(path: "moved.txt", stamp: stamp(6), article: article("delta", outlet: nil, language: "en")),
                         .remove(path: "a.txt")], now: 5)
        try expectCountsMatch(index, "after a rename")
        #expect(try index.overview().articles == 1)
    }
}
