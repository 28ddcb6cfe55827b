import Foundation
import GRDB
import NewsCore
@testable import NewsIndex
import Testing
import TestSupport

/// Snippets built from the instances the ranking kept (`MatchPositions`, `SnippetBuilder`) against
/// FTS5's own `snippet()` on the same rows: random texts with sentences, paragraphs, punctuation
/// and letters beyond ASCII, random queries of every form. They must be the same, character for
/// character and mark for mark.
@Suite("Snippets: built from the ranking's instances, against FTS5's snippet()")
struct SnippetPropertyTests {
    static let foreign = ["café", "Straße", "ёлка", "naïve", "Ålesund", "über"]

    /// A body of paragraphs of sentences, words mostly from the query vocabulary.
    static func body(_ random: inout SeededRandom) -> [String] {
        (0..<Int.random(in: 1...4, using: &random)).map { _ in
            var paragraph = Int.random(in: 0..<5, using: &random) == 0 ? "\u{201C}" : ""
            for sentence in 0..<Int.random(in: 1...6, using: &random) {
                if sentence > 0 { paragraph += [". ", ".  ", ": ", ", ", " — ", ".\t", "; "].randomElement(using: &random)! }
                let words = (0..<Int.random(in: 2...14, using: &random)).map { _ in
                    Int.random(in: 0..<12, using: &random) == 0 ? foreign.randomElement(using: &random)! : QueryPropertyTests.word(&random)
                }
                paragraph += words.joined(separator: Int.random(in: 0..<6, using: &random) == 0 ? "  " : " ")
            }
            return paragraph + [".", "", "!", ":"].randomElement(using: &random)!
        }
    }

    static func index(_ random: inout SeededRandom, count: Int, in folder: TemporaryFolder) throws -> ArticleIndex {
        let index = try ArticleIndex(path: folder.file("index.sqlite"))
        let changes = (0..<count).map { n -> IndexChange in
            let headline = (0..<Int.random(in: 2...5, using: &random)).map { _ in QueryPropertyTests.word(&random) }.joined(separator: " ")
            let parsed = ParsedArticle(headline: headline, paragraphs: body(&random), encoding: .utf8)
            return .upsert(path: "s\(n).txt", stamp: FileStamp(inode: UInt64(n + 1), size: 1, mtimeNs: 1), article: IndexableArticle(
                contentHash: parsed.contentHash, headline: headline, body: parsed.body, encoding: "utf-8",
                wordCount: parsed.wordCount, outlet: nil, byline: nil, publishedDate: "2023-01-0\(n % 9 + 1)", fileDate: "2024-01-01"))
        }
        try index.apply(changes, now: 1)
        return index
    }

    /// A random query: a generated tree, or now and then a word beyond ASCII.
    static func query(_ random: inout SeededRandom) -> String? {
        if Int.random(in: 0..<8, using: &random) == 0 {
            let word = foreign.randomElement(using: &random)!
            return Bool.random(using: &random) ? word.lowercased() : "\(QueryPropertyTests.word(&random)) OR \(word)"
        }
        let tree = QueryPropertyTests.tree(&random, depth: 0)
        return tree.overLimits ? nil : tree.text
    }

    /// FTS5's snippet of row `id` for `match`, marked as searches mark it, as a pass over every
    /// match gives it (`+rowid`: not a lookup of the row). A lookup by rowid can report fewer
    /// instances for a query with an exclusion beside an OR (seen: `(a* jar -NEAR(pig jar, 1))
    /// (title:"dog tub" OR box)` marked nothing in a row holding `jar` and `box`).
    static func fts5Snippet(_ db: Database, match: String, id: Int64) throws -> String? {
        try String.fetchOne(db, sql: """
            SELECT snippet(article_fts, \(MatchPositions.bodyColumn), ?, ?, '\(WindowedSearch.snippetEllipsis)', \(WindowedSearch.snippetTokens))
            FROM article_fts WHERE article_fts MATCH ? AND +rowid = ?
            """, arguments: [String(SnippetMarkup.open), String(SnippetMarkup.close), match, id])
    }

    /// A random query with a MATCH, ready to be ranked by `RankFunction` in `db`'s snapshot.
    static func rankedQuery(_ random: inout SeededRandom, _ db: Database, tables: SearchTables) throws -> (text: String, match: String, search: WindowedSearch)? {
        guard let text = query(&random) else { return nil }
        let translated = QueryTranslator.translate(try SearchQuery.parse(text))
        guard let match = translated.match else { return nil }
        let filter = SearchFilter(translated, minOutlets: nil, lengths: try tables.lengths.read(db).key)
        return (text, match, WindowedSearch(filter, sort: .relevance)!)
    }

    /// The rows `search` ranks (up to `limit`), with the instances of the best `capacity` of them.
    static func rank(_ db: Database, _ search: WindowedSearch, match: String, tables: SearchTables,
                     capacity: Int, limit: Int) throws -> (rows: [(id: Int64, score: Double)], positions: MatchPositions) {
        let positions = MatchPositions(capacity: capacity)
        let number = tables.recorders.register(nil, positions: positions)
        defer { tables.recorders.close(number) }
        let rows = try Row.fetchAll(db, sql: search.scoreWindowSQL(recorder: number), arguments: [match, limit])
            .map { (id: $0["id"] as Int64, score: $0["score"] as Double) }
        return (rows, positions)
    }

    @Test("every matching row's snippet, built from the ranking's instances, is FTS5's snippet")
    func everyRow() throws {
        var random = SeededRandom.forTest("SnippetPropertyTests.everyRow")
        let folder = TemporaryFolder("newsd-snippet-property")
        let index = try Self.index(&random, count: 160, in: folder)
        let tables = index.tables
        var compared = 0, cut = 0, marked = 0
        try index.pool.read { (db: Database) throws in
            for round in 0..<150 {
                guard let (text, match, search) = try Self.rankedQuery(&random, db, tables: tables) else { continue }
                let context = "seed \(random.seed), round \(round): \(text)"
                let (rows, positions) = try Self.rank(db, search, match: match, tables: tables, capacity: 1_000, limit: 1_000)
                let snippets = PageSnippets(positions: positions)
                for id in rows.map(\.id) {
                    let text = try String.fetchOne(db, sql: "SELECT \(TextCodec.snippetFunction)(body) FROM article_text WHERE id = ?", arguments: [id])
                    let built = try SpanTokenizers.shared.with(db) { try snippets.snippet(db, id: id, text: text, tokenizer: try #require($0)) }
                    let expected = try Self.fts5Snippet(db, match: match, id: id)
                    #expect(built == expected, "\(context), article \(id)")
                    if built != expected { return }
                    compared += 1
                    if built.hasPrefix(WindowedSearch.snippetEllipsis) { cut += 1 }
                    if built.unicodeScalars.contains(SnippetMarkup.open) { marked += 1 }
                }
            }
        }
        // The generator must reach windows that start inside the body and rows with marks.
        #expect(compared > 2_000 && cut > 200 && marked > 1_000, "seed \(random.seed): \(compared) compared, \(cut) cut at the start, \(marked) marked")
    }

    @Test("a ranking with room for k rows keeps every row scored better than its k-th")
    func keepsTheBest() throws {
        var random = SeededRandom.forTest("SnippetPropertyTests.keepsTheBest")
        let folder = TemporaryFolder("newsd-snippet-best")
        let index = try Self.index(&random, count: 200, in: folder)
        let tables = index.tables
        try index.pool.read { (db: Database) throws in
            for round in 0..<80 {
                guard let (text, match, search) = try Self.rankedQuery(&random, db, tables: tables) else { continue }
                let capacity = Int.random(in: 1...12, using: &random)
                let (scored, positions) = try Self.rank(db, search, match: match, tables: tables, capacity: capacity, limit: 100_000)
                let kept = scored.filter { positions.holds($0.id) }
                let context = "seed \(random.seed), round \(round): \(text), room for \(capacity)"
                #expect(kept.count == min(capacity, scored.count), "\(context)")
                if scored.count > capacity {
                    let edge = scored[capacity - 1].score
                    #expect(scored.filter { $0.score < edge }.allSatisfy { positions.holds($0.id) }, "\(context)")
                    #expect(kept.allSatisfy { $0.score <= edge }, "\(context)")
                }
            }
        }
    }

    @Test("a search's page shows FTS5's snippets, for pages of every size and depth")
    func searchPages() throws {
        var random = SeededRandom.forTest("SnippetPropertyTests.searchPages")
        let folder = TemporaryFolder("newsd-snippet-pages")
        let index = try Self.index(&random, count: 240, in: folder)
        var compared = 0
        for round in 0..<120 {
            guard let generated = Self.query(&random) else { continue }
            // Now and then a condition beside the MATCH: the ranking then scores only the rows that meet it.
            let text = round % 4 == 3 ? generated + " since:2023-01-05" : generated
            let query = try SearchQuery.parse(text)
            guard let match = QueryTranslator.translate(query).match else { continue }
            let limit = Int.random(in: 1...40, using: &random), offset = [0, 0, Int.random(in: 0...50, using: &random)].randomElement(using: &random)!
            let (_, hits) = try index.search(query, limit: limit, offset: offset)
            try index.pool.read { db in
                for hit in hits {
                    let expected = SnippetMarkup.decode(try Self.fts5Snippet(db, match: match, id: hit.id) ?? "")
                    let context = "seed \(random.seed), round \(round): \(text) (limit \(limit), offset \(offset)), article \(hit.id)"
                    #expect(hit.snippet == expected.text && hit.highlights == expected.highlights, "\(context)")
                    compared += 1
                }
            }
        }
        #expect(compared > 500, "seed \(random.seed): \(compared) hits compared")
    }

    @Test("rows kept and dropped by the thousand: the best keep exactly their own instances")
    func keptInstances() {
        var random = SeededRandom.forTest("SnippetPropertyTests.keptInstances")
        for round in 0..<20 {
            let capacity = Int.random(in: 1...400, using: &random)
            let positions = MatchPositions(capacity: capacity)
            var rows: [(id: Int64, score: Double, instances: [SnippetBuilder.Instance])] = []
            for id in 1...Int64(Int.random(in: 1...6_000, using: &random)) {
                let score = -Double(Int.random(in: 0...100_000, using: &random))
                // Noted phrase by phrase, each phrase's positions ascending, as the ranking reads them.
                var instances: [SnippetBuilder.Instance] = []
                positions.beginRow()
                for phrase in 0..<Int.random(in: 1...3, using: &random) {
                    var position = 0
                    for _ in 0..<Int.random(in: 0...12, using: &random) {
                        position += Int.random(in: 1...30, using: &random)
                        positions.note(phrase: Int32(phrase), position: Int32(position))
                        instances.append(.init(phrase: phrase, position: position))
                    }
                }
                if positions.wants(score) { positions.keep(id: id, score: score) }
                rows.append((id, score, instances.sorted { ($0.position, $0.phrase) < ($1.position, $1.phrase) }))
            }
            let context = "seed \(random.seed), round \(round), room for \(capacity), \(rows.count) rows"
            let sorted = rows.sorted { $0.score < $1.score }
            let edge = sorted[min(capacity, sorted.count) - 1].score
            #expect(rows.filter { positions.holds($0.id) }.count == min(capacity, rows.count), "\(context)")
            for row in rows where row.score < edge || positions.holds(row.id) {
                #expect(row.score <= edge && positions.instances(of: row.id) == row.instances, "\(context), row \(row.id)")
            }
        }
    }

    @Test("an article longer than snippets read: the snippet of its opening, ended as FTS5 ends it")
    func longArticle() throws {
        let folder = TemporaryFolder("newsd-snippet-long")
        let index = try ArticleIndex(path: folder.file("index.sqlite"))
        let sentence = "The harbour board met on Tuesday: cranes stood idle while the dockers waited for news. "
        let body = "Felixstowe dockers agree a pay deal. " + String(repeating: sentence, count: TextCodec.snippetBytes / sentence.utf8.count + 50)
        let parsed = ParsedArticle(headline: "Dockers settle", paragraphs: [body], encoding: .utf8)
        try index.apply([.upsert(path: "long.txt", stamp: FileStamp(inode: 1, size: 1, mtimeNs: 1), article: IndexableArticle(
            contentHash: parsed.contentHash, headline: parsed.headline, body: parsed.body, encoding: "utf-8",
            wordCount: parsed.wordCount, outlet: nil, byline: nil, publishedDate: "2023-01-02", fileDate: "2024-01-01"))], now: 1)
        for text in ["felixstowe", "cranes", "dock*"] {
            let query = try SearchQuery.parse(text)
            let (_, hits) = try index.search(query, limit: 5, offset: 0)
            let match = try #require(QueryTranslator.translate(query).match)
            let expected = try index.pool.read { SnippetMarkup.decode(try Self.fts5Snippet($0, match: match, id: hits[0].id) ?? "") }
            #expect(hits.count == 1 && hits[0].snippet == expected.text && hits[0].highlights == expected.highlights, "\(text): \(hits.first?.snippet ?? "")")
            #expect(hits[0].snippet.hasSuffix(WindowedSearch.snippetEllipsis), "the body goes on past the snippet")
        }
        let id = try #require(try index.articleId(path: "long.txt"))
        let counted = try index.pool.read { try PageSnippets.bodyTokens($0, id: id) }
        #expect(counted == 6 + (TextCodec.snippetBytes / sentence.utf8.count + 50) * 15, "the body's length as the index counted it")
    }
}
