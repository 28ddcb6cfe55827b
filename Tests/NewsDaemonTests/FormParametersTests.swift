import Testing
@testable import NewsDaemon

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
}
