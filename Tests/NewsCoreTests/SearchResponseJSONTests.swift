import Foundation
import NewsCore
import Testing
import TestSupport

/// A page of hits written by `JSONText` is the very text `JSONEncoder` with `.sortedKeys` writes:
/// clients, scripts and the documentation see no change.
@Suite("Search responses as JSON text")
struct SearchResponseJSONTests {
    private func encoded(_ response: SearchResponse) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(response), as: UTF8.self)
    }

    private func written(_ response: SearchResponse) throws -> String {
        var json = JSONText()
        try response.write(to: &json)
        return String(decoding: json.bytes, as: UTF8.self)
    }

    /// Characters that need escapes, and some that must not get one.
    private static let alphabet: [Character] = [
        "a", "Z", "7", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{08}", "\u{0C}", "\u{00}", "\u{01}", "\u{1F}", "\u{7F}",
        "é", "ß", "中", "文", "🙂", "👍🏽", "\u{2028}", "\u{2029}", "\u{FEFF}", "<", ">", "&", "'", "#", "%", "+",
    ]

    private func text(_ random: inout SeededRandom, maxLength: Int = 24) -> String {
        String((0..<Int.random(in: 0...maxLength, using: &random)).map { _ in Self.alphabet.randomElement(using: &random)! })
    }

    private func number(_ random: inout SeededRandom) -> Double {
        switch Int.random(in: 0..<6, using: &random) {
        case 0: return Double(Int.random(in: -1000...1000, using: &random))
        case 1: return Double.random(in: -50...50, using: &random)
        case 2: return Double.random(in: 0...1, using: &random) * 1e-9
        case 3: return Double.random(in: 1...10, using: &random) * 1e21
        case 4: return [0.0, -0.0, 1.0, 0.1, 1e-7, 123456789.0, .greatestFiniteMagnitude, .leastNonzeroMagnitude].randomElement(using: &random)!
        default: return Double(bitPattern: random.next() & ~(0x7FF << 52) | (UInt64.random(in: 900...1100, using: &random) << 52))
        }
    }

    private func optional<T>(_ random: inout SeededRandom, _ make: (inout SeededRandom) -> T) -> T? {
        Bool.random(using: &random) ? make(&random) : nil
    }

    private func response(_ random: inout SeededRandom) -> SearchResponse {
        let hits = (0..<Int.random(in: 0...4, using: &random)).map { _ in
            SearchHit(rank: Int.random(in: 1...10_000, using: &random), id: Int64.random(in: .min ... .max, using: &random),
                      path: text(&random), paths: (0..<Int.random(in: 0...3, using: &random)).map { _ in text(&random) },
                      title: text(&random), outlet: optional(&random) { text(&$0) }, byline: optional(&random) { text(&$0) },
                      date: text(&random, maxLength: 10), dateSource: DateSource.allCases.randomElement(using: &random)!,
                      url: optional(&random) { text(&$0) }, language: optional(&random) { text(&$0, maxLength: 3) },
                      score: number(&random), snippet: text(&random, maxLength: 200),
                      highlights: (0..<Int.random(in: 0...3, using: &random)).map { _ in
                          Highlight(start: Int.random(in: 0...300, using: &random), length: Int.random(in: 1...20, using: &random))
                      },
                      copies: Int.random(in: 0...50, using: &random),
                      story: optional(&random) {
                          StorySummary(id: Int64.random(in: 1...1_000_000, using: &$0), articles: Int.random(in: 1...500, using: &$0),
                                       outlets: Int.random(in: 0...40, using: &$0), firstDate: "1987-03-02", lastDate: "1987-04-01")
                      },
                      storyHits: optional(&random) { Int.random(in: 1...99, using: &$0) })
        }
        return SearchResponse(query: text(&random), sort: SearchSort.allCases.randomElement(using: &random)!,
                              group: SearchGrouping.allCases.randomElement(using: &random)!,
                              minOutlets: optional(&random) { Int.random(in: 1...9, using: &$0) },
                              total: Int.random(in: 0...Int.max, using: &random), limit: Int.random(in: 0...1000, using: &random),
                              offset: Int.random(in: 0...100_000, using: &random), hits: hits,
                              partial: optional(&random) { Bool.random(using: &$0) })
    }

    @Test("random pages: the same text as JSONEncoder's, byte for byte (seeded)")
    func sameTextAsEncoder() throws {
        var random = SeededRandom.forTest("SearchResponseJSONTests.sameTextAsEncoder")
        for round in 0..<2000 {
            let page = response(&random)
            let expected = try encoded(page)
            let actual = try written(page)
            try #require(actual == expected, "seed \(random.seed), round \(round)")
        }
    }

    @Test("a page with a score that is not a number cannot be written, as JSONEncoder cannot encode it")
    func nonFiniteScore() throws {
        for score in [Double.nan, .infinity, -.infinity] {
            let page = SearchResponse(query: "oil", total: 1, limit: 10, offset: 0,
                                      hits: [SearchHit(id: 1, path: "a.txt", paths: ["a.txt"], title: "Oil", score: score, snippet: "", highlights: [])])
            #expect(throws: JSONText.Unrepresentable.self) { try written(page) }
            #expect(throws: EncodingError.self) { try encoded(page) }
        }
    }
}
