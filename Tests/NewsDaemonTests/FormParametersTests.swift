import Foundation
import Testing
@testable import NewsDaemon
import TestSupport

@Suite("Query-string parameters")
struct FormParametersTests {
    @Test("read as forms write them: + is a space, %XX a UTF-8 byte, the first of repeated names counts", arguments: [
        ("q=oil+prices", "oil prices"),
        ("q=oil%20prices", "oil prices"),
        ("q=a%2Bb", "a+b"),
        ("q=%22new+york%22+-trump&limit=5", #""new york" -trump"#),
        ("q=caf%C3%A9", "café"),
        ("q=first&q=second", "first"),
        ("q=", ""),
        ("limit=3&q", ""),
    ])
    func decodes(query: String, expected: String) throws {
        #expect(try FormParameters(query: query)["q"] == expected)
    }

    @Test("escapes that are not UTF-8 are a 400 naming the parameter")
    func malformed() {
        for query in ["q=%FF", "q=%E2%82", "q=%zz"] {
            #expect {
                _ = try FormParameters(query: query)
            } throws: { error in
                guard let error = error as? APIError else { return false }
                return error.status.code == 400 && error.code == "bad-parameter" && error.message.contains("'q'")
            }
        }
    }

    @Test("no query string is no parameters")
    func empty() throws {
        #expect(try FormParameters(query: nil)["q"] == nil)
        #expect(try FormParameters(query: "")["q"] == nil)
    }

    @Test("random escapes decode as Foundation's percent decoding reads them")
    func randomEscapes() {
        var random = SeededRandom.forTest("FormParametersTests.randomEscapes")
        let pieces = ["a", "Z", "0", "+", "%", "%2", "%20", "%2B", "%41", "%e2%82%ac", "%E2%82", "%C3%A9", "%FF", "%zz", "%g1", "é", "€", "🙂", " "]
        for round in 0..<3_000 {
            let text = (0..<Int.random(in: 0...12, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            let expected = text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            #expect(FormParameters.formDecoded(Substring(text)) == expected, "seed \(random.seed), round \(round): \(text)")
        }
    }

    @Test("a query of spaces and tabs alone, of any width, is a missing query", arguments: ["q=+++", "q=%09+", "q=%E2%80%83", "q=%C2%A0%20"])
    func blankQuery(query: String) throws {
        #expect {
            _ = try FormParameters(query: query).query(purpose: "search for")
        } throws: { error in
            (error as? APIError)?.code == "missing-query"
        }
    }

    @Test("a query with a word among the spaces is parsed")
    func wordAmongSpaces() throws {
        #expect(try FormParameters(query: "q=%09oil+").query(purpose: "search for").text == "\toil ")
    }
}
