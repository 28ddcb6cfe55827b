import Foundation
import GRDB
import NewsCore
@testable import NewsIndex
import Testing
import TestSupport

/// A small corpus whose every hit set and order is known: the query language, checked on a real index.
@Suite("Query language on a real index")
struct SearchQueryIndexTests {
    struct Entry {
        var path: String, headline: String, body: String
        var outlet: String? = nil, byline: String? = nil, published: String? = nil, fileDate = "2020-01-01"
    }

    static let corpus = [
        Entry(path: "a.txt", headline: "Harbour storm closes port", body: "The storm hit the harbour at dawn. Ships stayed in port.",
              outlet: "Daily Mail", published: "2020-06-01"),
        Entry(path: "b.txt", headline: "Port reopens after storm", body: "Ships sailed again as the weather cleared over the harbour.",
              outlet: "CNN", published: "2020-06-15"),
        Entry(path: "world/c.txt", headline: "Election results delayed",
              body: "Officials said the count of ballots would take days; the storm cut power.",
              outlet: "CNN", byline: "Jane Doe", published: "2020-07-02"),
        Entry(path: "world/europe/d.txt", headline: "Bounties offered to militants",
              body: "Intelligence officials said bounties were paid to fighters near Kabul.", fileDate: "2019-03-10"),
        Entry(path: "e.txt", headline: "Café owners protest", body: "The café association, led by José Núñez, protested new taxes.",
              outlet: "The Independent", published: "2021-01-05"),
    ]

    let folder = TemporaryFolder("newsd-query")

    func makeIndex() throws -> ArticleIndex {
        let index = try ArticleIndex(path: folder.file("index.sqlite"))
        try index.apply(TestArticles.upserts(Self.corpus.map { entry in
            (entry.path, TestArticles.article(headline: entry.headline, body: entry.body, outlet: entry.outlet, byline: entry.byline,
                                              published: entry.published, fileDate: entry.fileDate))
        }), now: 1)
        return index
    }

    @Test("each query finds exactly these articles, in this order", arguments: [
        ("storm", SearchSort.relevance, ["a", "b", "c"]),
        ("storm", .newest, ["c", "b", "a"]),
        ("storm", .oldest, ["a", "b", "c"]),
        ("STORMS", .newest, ["c", "b", "a"]),
        ("bounty", .relevance, ["d"]),
        ("cafe", .relevance, ["e"]),
        ("CAFÉ nunez", .relevance, ["e"]),
        ("storm -election", .newest, ["b", "a"]),
        ("storm NOT harbour", .newest, ["c"]),
        ("harbour OR election", .newest, ["c", "b", "a"]),
        ("(port OR ballots) storm", .newest, ["c", "b", "a"]),
        ("\"storm hit\"", .relevance, ["a"]),
        ("\"hit storm\"", .relevance, []),
        ("-\"storm hit\" storm", .newest, ["c", "b"]),
        ("harb*", .newest, ["b", "a"]),
        ("NEAR(storm harbour, 3)", .relevance, ["a"]),
        ("NEAR(storm power, 0)", .relevance, []),
        ("NEAR(storm power, 1)", .relevance, ["c"]),
        ("title:storm", .newest, ["b", "a"]),
        ("body:storm", .newest, ["c", "a"]),
        ("title:(election OR bounties)", .newest, ["c", "d"]),
        ("outlet:cnn", .newest, ["c", "b"]),
        ("outlet:\"daily mail\"", .relevance, ["a"]),
        ("outlet:independent", .relevance, ["e"]),
        ("independent", .relevance, []),
        ("byline:doe", .relevance, ["c"]),
        ("path:world", .newest, ["c", "d"]),
        ("path:world/europe", .relevance, ["d"]),
        ("path:world/europe/d.txt", .relevance, ["d"]),
        ("path:wor", .relevance, []),
        ("path:*/c.txt", .relevance, ["c"]),
        ("since:2020-06-10", .oldest, ["b", "c", "e"]),
        // d.txt is dated by its file only: after every dated article, in either date order.
        ("until:2020-06", .oldest, ["a", "b", "d"]),
        ("date:2020-06", .oldest, ["a", "b"]),
        ("date:2019", .oldest, ["d"]),
        ("date:2020-06-15..2021", .oldest, ["b", "c", "e"]),
        ("storm since:2020-06-10", .newest, ["c", "b"]),
        ("storm -date:2020-06", .newest, ["c"]),
        ("-storm", .newest, ["e", "d"]),
        ("storm OR date:2019", .newest, ["c", "b", "a", "d"]),
        ("officials -bounties", .relevance, ["c"]),
        ("outlet:cnn -path:world", .relevance, ["b"]),
        ("(storm OR taxes) -(outlet:cnn OR path:world)", .newest, ["e", "a"]),
    ])
    func hits(query: String, sort: SearchSort, expected: [String]) throws {
        let index = try makeIndex()
        let result = try index.search(SearchQuery.parse(query), sort: sort, limit: 50, offset: 0)
        let names = result.hits.map { ($0.path as NSString).lastPathComponent.replacingOccurrences(of: ".txt", with: "") }
        #expect(names == expected)
        #expect(result.total == expected.count)
        #expect(result.hits.map(\.rank) == Array(1...max(1, expected.count)).prefix(expected.count).map { $0 })
    }

    @Test("hits carry outlet, date and its source, and a snippet with the term highlighted")
    func hitFields() throws {
        let index = try makeIndex()
        let hit = try #require(index.search(SearchQuery.parse("ballots"), limit: 1, offset: 0).hits.first)
        #expect(hit.outlet == "CNN" && hit.byline == "Jane Doe" && hit.date == "2020-07-02" && hit.dateSource == .published)
        let highlighted = hit.highlights.map { span in
            String(String.UnicodeScalarView(Array(hit.snippet.unicodeScalars)[span.start..<(span.start + span.length)]))
        }
        #expect(highlighted == ["ballots"])
        // A prefix query's page is read in one pass over its matches: the same fields and marks.
        let prefixed = try #require(index.search(SearchQuery.parse("ballo*"), limit: 1, offset: 0).hits.first)
        #expect(prefixed.id == hit.id && prefixed.outlet == "CNN" && prefixed.snippet == hit.snippet && prefixed.highlights == hit.highlights)
        let undated = try #require(index.search(SearchQuery.parse("bounties"), limit: 1, offset: 0).hits.first)
        #expect(undated.date == "2019-03-10" && undated.dateSource == .file)
    }

    @Test("equal scores are broken by recency: the newer article first")
    func tiesGoToRecency() throws {
        let index = try ArticleIndex(path: folder.file("ties.sqlite"))
        let older = IndexableArticle(contentHash: "1", headline: "Gale warning one", body: "Gale over the coast.", encoding: "utf-8",
                                     wordCount: 7, publishedDate: "2020-01-01")
        var newer = older
        newer.contentHash = "2"
        newer.headline = "Gale warning two"
        newer.body = "Gale hits harbour town."
        newer.publishedDate = "2020-02-01"
        try index.apply([.upsert(path: "old.txt", stamp: FileStamp(inode: 1, size: 1, mtimeNs: 1), article: older),
                         .upsert(path: "new.txt", stamp: FileStamp(inode: 2, size: 1, mtimeNs: 1), article: newer)], now: 1)
        let hits = try index.search(SearchQuery.parse("gale"), limit: 5, offset: 0).hits
        #expect(hits.map(\.path) == ["new.txt", "old.txt"])
        #expect(hits[0].score == hits[1].score)
    }

    /// The trap: with MATCH and a range filter, SQLite may walk the date index and run the
    /// full-text query once per row. The plan must start from the FTS index and join by key.
    @Test("date and outlet filters keep the plan index-driven", arguments: ["storm since:2020-06-10", "storm date:2020", "outlet:cnn storm"])
    func filteredPlans(query: String) throws {
        let index = try makeIndex()
        let plan = try index.searchPlan(SearchQuery.parse(query))
        let fullText = try #require(plan.firstIndex { $0.hasPrefix("SCAN article_fts VIRTUAL TABLE") }, "\(plan)")
        // A filter in SQL joins each match by key; one inside the full-text query (`outlet:`)
        // leaves FTS5 to rank alone, with no join.
        let join = plan.firstIndex { $0.hasPrefix("SEARCH a USING COVERING INDEX article_search_cover (id=?)") }
        #expect(join.map { fullText < $0 } ?? query.hasPrefix("outlet:"), "\(plan)")
        #expect(!plan.contains { $0.hasPrefix("SCAN a ") || $0 == "SCAN a" || $0.contains("article_articleDay") || $0.hasPrefix("SCAN file") }, "\(plan)")
        // The detail query then starts from the page, never from all matches again.
        let page = try #require(plan.lastIndex { $0.hasPrefix("SCAN page") }, "\(plan)")
        #expect(plan[page...].allSatisfy { !$0.hasPrefix("SCAN article_fts VIRTUAL TABLE INDEX 0:M") }, "\(plan)")
    }

    /// Grouped by story with the tables in memory the ranking groups (see
    /// `StoryGroupedSearchTests`); without them (a table missing an article) SQL groups, and
    /// its plan must start from the full-text index too.
    @Test("groupings SQL makes keep the plan index-driven too", arguments: [(SearchSort.added, SearchGrouping.stories), (.relevance, .stories)])
    func groupedPlans(sort: SearchSort, group: SearchGrouping) throws {
        let index = try makeIndex()
        let translated = QueryTranslator.translate(try SearchQuery.parse("storm since:2020-06-10"))
        guard case .grouped(let search) = SearchPlan(translated, sort: sort, group: group, minOutlets: nil) else {
            Issue.record("not a grouped search")
            return
        }
        let plan = try index.pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + search.pageSQL, arguments: search.pageArguments(limit: 10, offset: 0))
                .map { $0["detail"] as String }
        }
        let fullText = try #require(plan.firstIndex { $0.hasPrefix("SCAN article_fts VIRTUAL TABLE") }, "\(plan)")
        let join = try #require(plan.firstIndex { $0.hasPrefix("SEARCH a USING COVERING INDEX article_search_cover (id=?)") }, "\(plan)")
        #expect(fullText < join, "\(plan)")
        let page = try #require(plan.firstIndex { $0.hasPrefix("SCAN top") }, "\(plan)")
        #expect(plan[page...].allSatisfy { !$0.hasPrefix("SCAN article_fts VIRTUAL TABLE INDEX 0:M") }, "\(plan)")
    }

    @Test("a date-only query reads the date index, not the whole table")
    func dateOnlyPlan() throws {
        let index = try makeIndex()
        let plan = try index.searchPlan(SearchQuery.parse("date:2020-06"), sort: .newest)
        #expect(plan.contains { $0.hasPrefix("SEARCH a USING") && $0.contains("INDEX article_articleDay") }, "\(plan)")
        #expect(!plan.contains { $0.hasPrefix("SCAN a ") || $0 == "SCAN a" }, "\(plan)")
        // In date order the window's statement (the plan's first step) stops after the window:
        // the index gives the order, nothing is sorted (the page's 10 rows are, later).
        #expect(plan.count > 1 && plan[0].contains("article_articleDay") && !plan[1].contains("FOR ORDER BY"), "\(plan)")
    }

    @Test("the translation quotes every piece of user text")
    func translation() throws {
        let translated = QueryTranslator.translate(try SearchQuery.parse(#"title:"a b" -cd* NEAR(x y, 2) since:2020"#))
        #expect(translated.match == #"({headline} : "a b" AND {headline body} : NEAR("x" "y", 2)) NOT ({headline body} : "cd" *)"#)
        #expect(translated.conditions == ["(a.articleDay >= ?)"])
    }
}
