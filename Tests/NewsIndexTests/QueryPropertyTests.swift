import Foundation
import NewsCore
@testable import NewsIndex
import Testing
import TestSupport

/// Random query trees over a generated corpus, written in the query language, parsed and run on a
/// real index: no crash, every answer within its time budget, and the same hits as evaluating
/// the tree directly on the documents.
@Suite("Query language: random trees against a reference")
struct QueryPropertyTests {
    /// Words the Porter stemmer leaves as they are, so the reference needs no stemmer.
    static let vocabulary = ["cat", "cab", "can", "cap", "dog", "sun", "red", "map", "kit", "box", "jar", "pen",
                             "cup", "van", "fig", "hat", "log", "mud", "net", "pig", "rat", "tub", "web", "fox"]

    struct Document {
        var path: String
        var headline: [String]
        var body: [String]
    }

    /// A generated query: how it is written, and what it means.
    indirect enum Tree {
        case word(String, TextField?)
        case prefix(String, TextField?)
        case phrase([String], TextField?)
        case near(String, String, Int)
        case all([Tree])
        case any([Tree])
        case not(Tree)

        var text: String {
            func fielded(_ text: String, _ field: TextField?) -> String { field.map { "\($0.rawValue):\(text)" } ?? text }
            switch self {
            case .word(let word, let field): return fielded(word, field)
            case .prefix(let stem, let field): return fielded(stem + "*", field)
            case .phrase(let words, let field): return fielded("\"" + words.joined(separator: " ") + "\"", field)
            case .near(let a, let b, let distance): return "NEAR(\(a) \(b), \(distance))"
            case .all(let children): return "(" + children.map(\.text).joined(separator: " ") + ")"
            case .any(let children): return "(" + children.map(\.text).joined(separator: " OR ") + ")"
            case .not(let child): return "-" + child.text
            }
        }

        /// How many prefixes, NEAR groups and terms the tree holds, for the parser's limits.
        var counts: (prefixes: Int, nears: Int, terms: Int) {
            switch self {
            case .word: return (0, 0, 1)
            case .prefix: return (1, 0, 1)
            case .phrase: return (0, 0, 1)
            case .near: return (0, 1, 2)
            case .all(let children), .any(let children):
                var total = (prefixes: 0, nears: 0, terms: 0)
                for child in children {
                    let counts = child.counts
                    total.prefixes += counts.prefixes
                    total.nears += counts.nears
                    total.terms += counts.terms
                }
                return total
            case .not(let child): return child.counts
            }
        }

        /// Whether the parser must refuse the tree for being too expensive.
        var overLimits: Bool {
            let counts = self.counts
            return counts.prefixes > SearchQuery.maximumPrefixes || counts.nears > SearchQuery.maximumNearGroups
                || counts.terms > SearchQuery.maximumTerms
        }

        func matches(_ document: Document) -> Bool {
            func columns(_ field: TextField?) -> [[String]] {
                switch field {
                case .title: [document.headline]
                case .body: [document.body]
                default: [document.headline, document.body]
                }
            }
            switch self {
            case .word(let word, let field):
                return columns(field).contains { $0.contains(word) }
            case .prefix(let stem, let field):
                return columns(field).contains { $0.contains { $0.hasPrefix(stem) } }
            case .phrase(let words, let field):
                return columns(field).contains { column in
                    column.count >= words.count && (0...(column.count - words.count)).contains { Array(column[$0..<$0 + words.count]) == words }
                }
            case .near(let a, let b, let distance):
                return columns(nil).contains { column in
                    let first = column.indices.filter { column[$0] == a }, second = column.indices.filter { column[$0] == b }
                    return first.contains { i in second.contains { j in abs(i - j) - 1 <= distance } }
                }
            case .all(let children): return children.allSatisfy { $0.matches(document) }
            case .any(let children): return children.contains { $0.matches(document) }
            case .not(let child): return !child.matches(document)
            }
        }
    }

    static func word(_ random: inout SeededRandom) -> String { vocabulary.randomElement(using: &random)! }

    /// A positive tree (one that does not match everything): leaves, AND with at most one
    /// negation beside a positive child, OR of positive children.
    static func tree(_ random: inout SeededRandom, depth: Int) -> Tree {
        let field: TextField? = [nil, nil, nil, .title, .body].randomElement(using: &random)!
        let choice = depth >= 2 ? Int.random(in: 0..<4, using: &random) : Int.random(in: 0..<7, using: &random)
        switch choice {
        case 0: return .word(word(&random), field)
        case 1: return .prefix(String(word(&random).prefix(Int.random(in: 1...2, using: &random))), field)
        case 2: return .phrase([word(&random), word(&random)], field)
        case 3:
            let a = word(&random)
            var b = word(&random)
            while b == a { b = word(&random) }
            return .near(a, b, Int.random(in: 0...4, using: &random))
        case 4, 5:
            var children = (0..<Int.random(in: 2...3, using: &random)).map { _ in tree(&random, depth: depth + 1) }
            if Int.random(in: 0..<3, using: &random) == 0 { children.append(.not(tree(&random, depth: 2))) }
            return .all(children)
        default:
            return .any((0..<Int.random(in: 2...3, using: &random)).map { _ in tree(&random, depth: depth + 1) })
        }
    }

    /// `count` random documents over the vocabulary, indexed in `index`, dated over nine days:
    /// two in three by their text, in 2023, the rest by their file only, in 2024 (so that date
    /// orders must put the newer undated ones last).
    /// With `twins`, every third document repeats the one before it with one body word replaced
    /// by a word of its own: the same length and mostly the same terms, so many scores tie.
    static func corpus(_ random: inout SeededRandom, count: Int, twins: Bool = false, in index: ArticleIndex) throws -> [Document] {
        var documents: [Document] = []
        for n in 0..<count {
            if twins, n % 3 == 2, var twin = documents.last {
                twin.path = "d\(n).txt"
                twin.body[Int.random(in: 0..<twin.body.count, using: &random)] = "zq\(n)"
                documents.append(twin)
                continue
            }
            documents.append(document(&random, path: "d\(n).txt"))
        }
        try index.apply(documents.enumerated().map { n, document in upsert(document, number: n) }, now: 1)
        return documents
    }

    /// `document` as the ingest writes it; `number` sets its stamp and dates (see `corpus`).
    static func upsert(_ document: Document, number n: Int) -> IndexChange {
        let headline = document.headline.joined(separator: " ")
        let parsed = ParsedArticle(headline: headline, paragraphs: [document.body.joined(separator: " ") + "."], encoding: .utf8)
        return .upsert(path: document.path, stamp: FileStamp(inode: UInt64(n + 1), size: 1, mtimeNs: 1), article: IndexableArticle(
            contentHash: parsed.contentHash, headline: headline, body: parsed.body, encoding: "utf-8",
            wordCount: parsed.wordCount, outlet: nil, byline: nil, publishedDate: n % 3 == 0 ? nil : "2023-01-0\(n % 9 + 1)",
            fileDate: "2024-01-0\(n % 9 + 1)"))
    }

    /// A random document at `path`.
    static func document(_ random: inout SeededRandom, path: String) -> Document {
        Document(path: path, headline: (0..<Int.random(in: 2...5, using: &random)).map { _ in Self.word(&random) },
                 body: (0..<Int.random(in: 10...40, using: &random)).map { _ in Self.word(&random) })
    }

    @Test("random query trees find exactly what a direct evaluation finds, within budget")
    func randomTrees() throws {
        var random = SeededRandom.forTest("QueryPropertyTests.randomTrees")
        let folder = TemporaryFolder("newsd-query-property")
        let index = try ArticleIndex(path: folder.file("index.sqlite"))
        let documents = try Self.corpus(&random, count: 120, in: index)
        for round in 0..<300 {
            let generated = Self.tree(&random, depth: 0)
            // Now and then a query made of one exclusion, which lists every other article.
            let tree: Tree = round % 10 == 9 ? .not(generated) : generated
            if tree.overLimits {
                #expect(throws: QuerySyntaxError.self, "seed \(random.seed), round \(round): \(tree.text) is over the limits") {
                    try SearchQuery.parse(tree.text)
                }
                continue
            }
            let expected = Set(documents.filter { tree.matches($0) }.map(\.path))
            let query = try SearchQuery.parse(tree.text)
            let sort: SearchSort = [.relevance, .newest, .oldest].randomElement(using: &random)!
            let result = try index.search(query, sort: sort, limit: 1000, offset: 0, budget: QueryBudget(limit: .seconds(2)))
            let found = Set(result.hits.map(\.path))
            #expect(found == expected, "seed \(random.seed), round \(round): \(tree.text) (\(sort)): missing \(expected.subtracting(found).sorted()), extra \(found.subtracting(expected).sorted())")
            #expect(result.total == expected.count, "seed \(random.seed), round \(round): \(tree.text)")
            if found != expected { return }
        }
    }

    @Test("a cancelled budget stops a search inside SQLite")
    func cancelledBudget() throws {
        let folder = TemporaryFolder("newsd-query-cancel")
        let index = try ArticleIndex(path: folder.file("index.sqlite"))
        let parsed = ParsedArticle(headline: "cat dog", paragraphs: ["cat dog sun."], encoding: .utf8)
        try index.apply([.upsert(path: "a.txt", stamp: FileStamp(inode: 1, size: 1, mtimeNs: 1), article: IndexableArticle(
            contentHash: parsed.contentHash, headline: "cat dog", body: parsed.body, encoding: "utf-8", wordCount: 3,
            outlet: nil, byline: nil, publishedDate: nil, fileDate: "2024-01-01"))], now: 1)
        let budget = QueryBudget(limit: .seconds(60))
        budget.cancel()
        #expect {
            _ = try index.search(try SearchQuery.parse("cat"), limit: 10, offset: 0, budget: budget)
        } throws: { error in
            if case IndexError.queryStopped(.cancelled, _) = error { true } else { false }
        }
        let spent = QueryBudget(limit: .zero)
        #expect {
            _ = try index.search(try SearchQuery.parse("ca* OR do*"), sort: .newest, limit: 10, offset: 0, budget: spent)
        } throws: { error in
            if case IndexError.queryStopped(.overTime, _) = error { true } else { false }
        }
        #expect(try index.search(try SearchQuery.parse("cat"), limit: 10, offset: 0, budget: QueryBudget(limit: .seconds(5))).total == 1)
    }
}
