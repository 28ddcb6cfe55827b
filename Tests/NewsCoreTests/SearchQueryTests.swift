import NewsCore
import Testing

@Suite("Search query")
struct SearchQueryTests {
    @Test("translates to a quoted FTS5 expression", arguments: [
        ("bounty", #""bounty""#),
        ("Russia bounty", #""Russia" AND "bounty""#),
        (#""military intelligence" unit"#, #""military intelligence" AND "unit""#),
        ("intell*", #""intell" *"#),
        ("AND OR NOT", #""AND" AND "OR" AND "NOT""#),
        (#"a"b""#, #""a" AND "b""#),
        ("col:umn (x)", #""col:umn" AND "(x)""#),
        ("  spaced   out  ", #""spaced" AND "out""#),
    ])
    func translates(input: String, expected: String) throws {
        #expect(try SearchQuery.parse(input).ftsExpression == expected)
    }

    @Test("reports syntax errors with their column")
    func syntaxErrors() {
        #expect(throws: QuerySyntaxError(message: "unclosed quote", column: 8)) { try SearchQuery.parse(#"russia "abc"#) }
        #expect(throws: QuerySyntaxError(message: "the query has no words to search for", column: 1)) { try SearchQuery.parse("  ") }
        #expect(throws: QuerySyntaxError(message: "the query has no words to search for", column: 1)) { try SearchQuery.parse(#"!!! "" *"#) }
    }

    @Test("any input either parses or fails with a position, never traps")
    func randomInput() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array(#"ab Zé"*()-:^{}[]+,.\'"#.unicodeScalars) + ["\u{0}", "\u{1F600}", "\n", "\u{E000}"]
        for _ in 0..<2000 {
            let length = Int.random(in: 0...24, using: &generator)
            let input = String(String.UnicodeScalarView((0..<length).map { _ in alphabet.randomElement(using: &generator)! }))
            do {
                let query = try SearchQuery.parse(input)
                #expect(!query.terms.isEmpty)
            } catch {
                #expect(error.column >= 1)
            }
        }
    }
}

@Suite("Inbox names")
struct InboxNamePolicyTests {
    let policy = InboxNamePolicy()

    @Test("hidden and temporary names are ignored", arguments: [".hidden.txt", "a.txt.tmp", "a.part", ".a.swp", "a.txt~", "x.swp"])
    func ignored(_ name: String) {
        #expect(policy.isIgnored(name))
        #expect(!policy.isArticle(name))
    }

    @Test("text files are articles, others are not")
    func articles() {
        #expect(policy.isArticle("000_abc.txt"))
        #expect(policy.isArticle("NOTES.TXT"))
        #expect(!policy.isArticle("photo.jpg"))
        #expect(!policy.isArticle("README"))
        #expect(!policy.isIgnored("photo.jpg"))
    }
}

@Suite("Snippet markup")
struct SnippetMarkupTests {
    @Test("markers become highlight offsets in scalars")
    func decode() {
        let marked = "…paid \u{E000}bounties\u{E001} to “\u{E000}Taliban\u{E001}”\nfighters"
        let (text, highlights) = SnippetMarkup.decode(marked)
        #expect(text == "…paid bounties to “Taliban” fighters")
        #expect(highlights == [Highlight(start: 6, length: 8), Highlight(start: 19, length: 7)])
        let scalars = Array(text.unicodeScalars)
        #expect(String(String.UnicodeScalarView(scalars[19..<26])) == "Taliban")
    }
}
