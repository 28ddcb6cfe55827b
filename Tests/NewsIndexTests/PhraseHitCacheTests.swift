import Foundation
import GRDB
import GRDBSQLite
import NewsCore
@testable import NewsIndex
import Testing
import TestSupport

/// Each phrase's row count kept between searches (`PhraseHitCache`) must give the IDF bm25 gives
/// in the index as it is now: across additions, edits and removals, and for the same words under
/// other columns, every score stays bm25's to the bit.
@Suite("Phrase row counts kept between searches (real SQLite file)")
struct PhraseHitCacheTests {
    typealias Document = QueryPropertyTests.Document

    /// Documents over a few words: `oil` and `prices` in many, in headline or body.
    static func documents(_ count: Int, from first: Int = 0) -> [Document] {
        (first..<first + count).map { n in
            let headline = n % 4 == 0 ? ["prices", "fall"] : ["market", "report", "w\(n)"]
            let body = (0..<(8 + n % 7)).map { ["oil", "prices", "rose", "crude", "w\(n)", "trade"][($0 * (n + 1)) % 6] }
            return Document(path: "d\(n).txt", headline: headline, body: body)
        }
    }

    static func apply(_ index: ArticleIndex, _ documents: [Document], numbers: Range<Int>) throws {
        try index.apply(zip(documents, numbers).map { QueryPropertyTests.upsert($0, number: $1) }, now: 1)
    }

    /// Every hit's score against FTS5's own `bm25` for `text`, as a list of mismatches.
    static func wrongScores(_ index: ArticleIndex, _ text: String) throws -> [String] {
        let (_, hits) = try index.search(SearchQuery.parse(text), sort: .relevance, limit: 50, offset: 0)
        let scores = try WindowedSearchTests.bm25Scores(index, text)
        #expect(!hits.isEmpty, "\(text) found nothing")
        return hits.filter { $0.score != -(scores[$0.id] ?? .nan) }.map { "\(text): \($0.id) \($0.score) vs \(-(scores[$0.id] ?? .nan))" }
    }

    @Test("a count kept before the index changed is not taken after it")
    func acrossChanges() throws {
        let folder = TemporaryFolder("newsd-phrase-hits")
        let index = try ArticleIndex(path: folder.file("index.sqlite"))
        var documents = Self.documents(40)
        try Self.apply(index, documents, numbers: 0..<40)
        let queries = ["oil prices", "crude oil date:2023-01-01..2023-12-31", "prices -trade"]
        for query in queries { #expect(try Self.wrongScores(index, query).isEmpty) }
        // Added: more rows hold `oil` and `prices`.
        try Self.apply(index, Self.documents(6, from: 40), numbers: 40..<46)
        for query in queries { #expect(try Self.wrongScores(index, query) == []) }
        // Edited in place (same ids, same row count): `oil` leaves two articles.
        documents[1].body = documents[1].body.map { $0 == "oil" ? "gas" : $0 }
        documents[2].body = documents[2].body.map { $0 == "oil" ? "gas" : $0 }
        try Self.apply(index, [documents[1], documents[2]], numbers: 46..<48)
        for query in queries { #expect(try Self.wrongScores(index, query) == []) }
        // Removed.
        try index.apply([.remove(path: documents[5].path), .remove(path: documents[9].path)], now: 1)
        for query in queries { #expect(try Self.wrongScores(index, query) == []) }
    }

    @Test("a count from before articles were added is brought up to date from the added rows alone")
    func advancedOverAdditions() throws {
        let folder = TemporaryFolder("newsd-phrase-hits")
        let index = try ArticleIndex(path: folder.file("index.sqlite"))
        try Self.apply(index, Self.documents(40), numbers: 0..<40)
        #expect(try Self.wrongScores(index, "oil prices") == [])
        let names = QueryTranslator.translate(try SearchQuery.parse("oil prices")).phrases
        func rows(_ name: String) throws -> Int64 {
            try index.pool.read { try Int64.fetchOne($0, sql: "SELECT count(*) FROM article_fts WHERE article_fts MATCH ?", arguments: [name]) ?? 0 }
        }
        // A count kept off by one: the one made next must be it plus the rows added since, not
        // a count made from scratch.
        let cache = index.tables.phraseHits
        let before = try names.map { name in
            let kept = try #require(cache.latest(name))
            #expect(kept.hits == (try rows(name)) && kept.hits > 1, "\(name)")
            cache.keep(name, hits: kept.hits - 1, in: kept.state)
            return try rows(name)
        }
        try Self.apply(index, Self.documents(6, from: 40), numbers: 40..<46)
        _ = try index.search(SearchQuery.parse("oil prices"), sort: .relevance, limit: 10, offset: 0)
        for (name, count) in zip(names, before) {
            let added = try rows(name) - count
            #expect(added > 0, "\(name): the added articles should hold it")
            #expect(cache.latest(name)?.hits == count - 1 + added, "\(name)")
        }
        // Removed: counted from scratch again.
        try index.apply([.remove(path: "d3.txt")], now: 1)
        _ = try index.search(SearchQuery.parse("oil prices"), sort: .relevance, limit: 10, offset: 0)
        for name in names { #expect(cache.latest(name)?.hits == (try rows(name)), "\(name)") }
    }

    @Test("full-text totals that contradict the rows give a search error, not a crash")
    func contradictoryTotals() throws {
        let folder = TemporaryFolder("newsd-phrase-hits")
        let index = try ArticleIndex(path: folder.file("index.sqlite"))
        try Self.apply(index, Self.documents(40), numbers: 0..<40)
        // FTS5's averages record says one row of five tokens: `oil` is in far more.
        try index.pool.write { try $0.execute(sql: "UPDATE article_fts_data SET block = x'0105000000' WHERE id = 1") }
        for query in ["oil prices", "oil"] {
            #expect(throws: (any Error).self, "\(query)") {
                _ = try index.search(SearchQuery.parse(query), sort: .relevance, limit: 10, offset: 0)
            }
        }
    }

    @Test("the same words under other columns are counted apart")
    func columnsApart() throws {
        let folder = TemporaryFolder("newsd-phrase-hits")
        let index = try ArticleIndex(path: folder.file("index.sqlite"))
        try Self.apply(index, Self.documents(40), numbers: 0..<40)
        for query in ["oil", "title:prices", "oil prices", "oil title:prices", "oil body:prices", "title:prices oil", "\"oil prices\" crude", "oil NEAR(prices crude, 3)"] {
            #expect(try Self.wrongScores(index, query) == [])
        }
    }

    @Test("the translator names as many phrases as FTS5 numbers, each a MATCH of its own, for random query trees")
    func phrasesAsFTS5NumbersThem() throws {
        var random = SeededRandom.forTest("PhraseHitCacheTests.phrasesAsFTS5NumbersThem")
        let folder = TemporaryFolder("newsd-phrase-hits")
        let index = try ArticleIndex(path: folder.file("index.sqlite"))
        _ = try QueryPropertyTests.corpus(&random, count: 120, in: index)
        var compared = 0
        try index.pool.read { db in
            let api = FTS5.api(db)
            let code = api.pointee.xCreateFunction(UnsafeMutablePointer(mutating: api), "test_phrase_count", nil, { api, context, result, _, _ in
                sqlite3_result_int64(result, sqlite3_int64(api!.pointee.xPhraseCount(context)))
            }, nil)
            try #require(code == SQLITE_OK)
            for round in 0..<400 {
                let tree = QueryPropertyTests.tree(&random, depth: 0)
                guard !tree.overLimits else { continue }
                let translated = QueryTranslator.translate(try SearchQuery.parse(tree.text))
                guard let match = translated.match else { continue }
                for phrase in translated.phrases {
                    _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM article_fts WHERE article_fts MATCH ?", arguments: [phrase])
                }
                guard let numbered = try Int.fetchOne(db, sql: "SELECT test_phrase_count(article_fts) FROM article_fts WHERE article_fts MATCH ? LIMIT 1",
                                                      arguments: [match]) else { continue }
                #expect(translated.phrases.count == numbered, "seed \(random.seed), round \(round): \(tree.text) → \(match): \(translated.phrases)")
                compared += 1
            }
        }
        #expect(compared >= 100, "only \(compared) random queries matched anything")
    }

    @Test("only a later state with rows added and nothing removed or edited continues an earlier count")
    func onlyAdditionsContinue() {
        let earlier = PhraseHitCache.State(changes: 3, lastId: 10, rows: 9, tokens: 90)
        #expect(PhraseHitCache.onlyAdded(from: earlier, to: .init(changes: 3, lastId: 12, rows: 11, tokens: 99)))
        #expect(!PhraseHitCache.onlyAdded(from: earlier, to: .init(changes: 4, lastId: 12, rows: 11, tokens: 99)), "an edit or removal")
        #expect(!PhraseHitCache.onlyAdded(from: earlier, to: .init(changes: 3, lastId: 10, rows: 10, tokens: 99)), "no id beyond the earlier")
        #expect(!PhraseHitCache.onlyAdded(from: earlier, to: earlier), "the same state")
        #expect(!PhraseHitCache.onlyAdded(from: .init(changes: 3, lastId: 12, rows: 11, tokens: 99), to: earlier), "an older state")
    }

    @Test("a count is found only under its phrase and state; past capacity, other states' counts go first")
    func keptByPhraseAndState() {
        let cache = PhraseHitCache()
        let one = PhraseHitCache.State(changes: 1, lastId: 10, rows: 10, tokens: 100)
        let two = PhraseHitCache.State(changes: 1, lastId: 11, rows: 11, tokens: 109)
        cache.keep("{headline body} : \"oil\"", hits: 4, in: one)
        #expect(cache.hits("{headline body} : \"oil\"", in: one) == 4)
        #expect(cache.hits("{headline body} : \"oil\"", in: two) == nil)
        #expect(cache.hits("{headline} : \"oil\"", in: one) == nil)
        for n in 0..<(PhraseHitCache.capacity - 1) { cache.keep("{body} : \"w\(n)\"", hits: Int64(n), in: two) }
        // Full: the one count of another state goes, the newest state's stay.
        cache.keep("{body} : \"more\"", hits: 7, in: two)
        #expect(cache.hits("{headline body} : \"oil\"", in: one) == nil)
        #expect(cache.hits("{body} : \"w0\"", in: two) == 0)
        #expect(cache.hits("{body} : \"more\"", in: two) == 7)
        // Full of one state: all go.
        cache.keep("{body} : \"last\"", hits: 9, in: two)
        #expect(cache.hits("{body} : \"w0\"", in: two) == nil)
        #expect(cache.hits("{body} : \"last\"", in: two) == 9)
    }
}
