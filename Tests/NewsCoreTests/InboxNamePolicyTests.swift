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
