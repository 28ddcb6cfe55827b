import NewsCore
import Testing

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
