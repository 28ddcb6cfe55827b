import Foundation
import NewsCore
@testable import NewsIndex
import NewsText
import Testing
import TestSupport

/// Articles in several languages on a real index: each stemmed in its own language, queries in
/// every language, `ё`/`е` and `ß`/`ss` folded, and the `lang:`, `site:` and `outlet:` filters.
@Suite("Search in many languages")
struct LanguageSearchTests {
    struct Entry {
        var path: String, headline: String, body: String, language: String?
        var url: String? = nil, outlet: String? = nil
    }

    static let corpus = [
        Entry(path: "ru.txt", headline: "В Москве открылась выставка", body: "Ёлки поставили на площади у музея, сообщили организаторы.",
              language: "ru", url: "https://meduza.io/news/2024/12/01/vystavka", outlet: "Meduza"),
        Entry(path: "de.txt", headline: "Straßenarbeiter streiken in Berlin",
              body: "Die Impfungen der Kinder wurden wegen der Streiks verschoben, teilten die Ämter mit.", language: "de",
              url: "https://www.spiegel.de/panorama/streik-a-1.html", outlet: "Der Spiegel"),
        Entry(path: "fr.txt", headline: "Les vendanges commencent en Bourgogne", body: "Les vignerons récoltent des raisins mûrs.",
              language: "fr", outlet: "Le Monde"),
        Entry(path: "en.txt", headline: "Harbour workers strike", body: "Dockers were striking at the port on Monday.",
              language: "en", url: "https://apnews.com/article/strike-1", outlet: "Associated Press"),
        Entry(path: "unknown.txt", headline: "Running notes", body: "Runners ran.", language: nil),
    ]

    let folder = TemporaryFolder("newsd-languages")

    func makeIndex() throws -> ArticleIndex {
        let index = try ArticleIndex(path: folder.file("index.sqlite"))
        try index.apply(TestArticles.upserts(Self.corpus.map { entry in
            (entry.path, TestArticles.article(headline: entry.headline, body: entry.body, outlet: entry.outlet,
                                              url: entry.url, language: entry.language))
        }), now: 1)
        return index
    }

    @Test("each query finds exactly these articles", arguments: [
        ("Москва", ["ru"]), ("москвы", ["ru"]), ("елки", ["ru"]), ("ёлка", ["ru"]),
        ("Strassenarbeiter", ["de"]), ("straßenarbeiter", ["de"]), ("Impfung", ["de"]), ("Streik", ["de"]),
        ("vendange", ["fr"]), ("raisin", ["fr"]),
        ("strikes", ["en"]), ("docker", ["en"]), ("run", ["unknown"]),
        ("lang:de", ["de"]), ("lang:russian", ["ru"]), ("lang:en strike", ["en"]),
        ("site:spiegel.de", ["de"]), ("url:https://www.spiegel.de/panorama", ["de"]), ("site:meduza.io", ["ru"]),
        ("outlet:ap", ["en"]), ("outlet:spiegel", ["de"]),
    ])
    func finds(query: String, expected: [String]) throws {
        let index = try makeIndex()
        let hits = try index.search(try SearchQuery.parse(query), sort: .relevance, limit: 10, offset: 0).hits
        #expect(hits.map { String($0.path.dropLast(4)) }.sorted() == expected.sorted(), "\(query)")
    }

    @Test("snippets of a stemmed article highlight the words as written")
    func highlights() throws {
        let index = try makeIndex()
        let hit = try #require(try index.search(try SearchQuery.parse("площадь"), limit: 1, offset: 0).hits.first)
        let marked = hit.highlights.map { span in
            String(String.UnicodeScalarView(hit.snippet.unicodeScalars.dropFirst(span.start).prefix(span.length)))
        }
        #expect(marked == ["площади"], "\(hit.snippet) \(hit.highlights)")
        #expect(hit.language == "ru" && hit.url == "https://meduza.io/news/2024/12/01/vystavka")
    }

    @Test("an article whose language changes is re-stemmed in the index")
    func languageChange() throws {
        let index = try makeIndex()
        let german = Self.corpus[1]
        try index.apply([.upsert(path: "de.txt", stamp: FileStamp(inode: 2, size: 2, mtimeNs: 2),
                                 article: TestArticles.article(headline: german.headline, body: german.body, language: nil))], now: 2)
        #expect(try index.search(try SearchQuery.parse("lang:de"), limit: 10, offset: 0).hits.isEmpty)
        #expect(try index.search(try SearchQuery.parse("Impfungen"), limit: 10, offset: 0).hits.count == 1)
        try index.pool.write { db in try db.execute(sql: "INSERT INTO article_fts(article_fts) VALUES ('integrity-check')") }
    }

    @Test("the detector names the languages of the fixtures' kind of text")
    func detection() {
        #expect(LanguageDetector.language(of: "Die Ständige Impfkommission empfiehlt zwei Impfungen im Kleinkindalter. Wer als Erwachsener unsicher ist, solle seinen Impfpass prüfen lassen.") == "de")
        #expect(LanguageDetector.language(of: "В центре Москвы в четверг открылась выставка, посвящённая архитектуре последних двадцати лет.") == "ru")
        #expect(LanguageDetector.language(of: "ok") == nil)
    }
}
