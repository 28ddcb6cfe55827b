import GRDB
import NewsCore
@testable import NewsIndex
import Testing

/// A result row whose score SQLite could not give (NULL) makes the search fail with an error,
/// where decoding it as a number stopped the process.
@Suite("Search hits decoded from result rows")
struct SearchHitDecodingTests {
    static func row(rank: Double?) -> Row {
        Row(["id": 7, "paths": "inbox/a.html\ninbox/b.html", "headline": "Ferry fares rise", "outlet": "Kestrel Gazette",
             "byline": nil, "articleDate": "2026-11-30", "dateKind": 1, "url": nil, "language": "en", "rank": rank,
             "snip": "Ferry fares", "copies": 2, "storyId": nil, "storyArticles": nil, "storyOutlets": nil, "storyFirst": nil,
             "storyLast": nil])
    }

    static func hit(_ row: Row) throws -> SearchHit {
        try ArticleIndex.hit(row, HitColumns(row.columnNames), rank: 1, group: .copies)
    }

    @Test("a row's rank becomes the hit's score, negated")
    func scored() throws {
        let hit = try Self.hit(Self.row(rank: -3.5))
        #expect(hit.score == 3.5)
        #expect(hit.paths == ["inbox/a.html", "inbox/b.html"])
        #expect(hit.copies == 2)
    }

    @Test("a NULL rank is an error, not a crash")
    func nullRank() {
        #expect(throws: RowDecodingError.self) { try Self.hit(Self.row(rank: nil)) }
    }
}
