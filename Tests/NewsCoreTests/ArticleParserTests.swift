import NewsCore
import Testing

@Suite("Article parser")
struct ArticleParserTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var bytes: [UInt8]
        var headline: String
        var paragraphs: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "headline only", bytes: Array("Just a headline".utf8), headline: "Just a headline", paragraphs: []),
        Case(name: "headline only with newline", bytes: Array("Just a headline\n".utf8), headline: "Just a headline", paragraphs: []),
        Case(name: "headline and two paragraphs", bytes: Array("Head\n\nFirst para.\n\nSecond para.\n".utf8),
             headline: "Head", paragraphs: ["First para.", "Second para."]),
        Case(name: "CRLF line ends", bytes: Array("Head\r\n\r\nOne.\r\n\r\nTwo.\r\n".utf8), headline: "Head", paragraphs: ["One.", "Two."]),
        Case(name: "lone CR line ends", bytes: Array("Head\r\rOne.\rstill one.\r".utf8), headline: "Head", paragraphs: ["One. still one."]),
        Case(name: "UTF-8 byte-order mark", bytes: [0xEF, 0xBB, 0xBF] + Array("Head\n\nBody.".utf8), headline: "Head", paragraphs: ["Body."]),
        Case(name: "leading blank lines", bytes: Array("\n\n  \n\t\nHead  \n\nBody.".utf8), headline: "Head", paragraphs: ["Body."]),
        Case(name: "empty body after blank lines", bytes: Array("Head\n\n\n\n".utf8), headline: "Head", paragraphs: []),
        Case(name: "hard-wrapped paragraph is folded", bytes: Array("Head\nline one\nline two\n\nnext".utf8),
             headline: "Head", paragraphs: ["line one line two", "next"]),
        Case(name: "many blank lines between paragraphs", bytes: Array("Head\n\n\n\nA\n\n\n\nB".utf8), headline: "Head", paragraphs: ["A", "B"]),
    ]

    @Test("parses", arguments: cases)
    func parses(_ example: Case) throws {
        let article = try ArticleParser.parse(example.bytes).get()
        #expect(article.headline == example.headline)
        #expect(article.paragraphs == example.paragraphs)
        #expect(article.encoding == .utf8)
    }

    @Test("rejects files that are not articles")
    func rejections() {
        #expect(ArticleParser.parse([]) == .failure(.empty))
        #expect(ArticleParser.parse(Array(" \n\t\r\n  ".utf8)) == .failure(.whitespaceOnly))
        #expect(ArticleParser.parse(Array("Head\n\nBo".utf8) + [0] + Array("dy".utf8)) == .failure(.binary(offset: 8)))
    }

    @Test("invalid UTF-8 is read as Windows-1252 and says so")
    func windows1252() throws {
        // "Café – “quoted”" in Windows-1252.
        let bytes: [UInt8] = [0x43, 0x61, 0x66, 0xE9, 0x20, 0x96, 0x20, 0x93, 0x71, 0x94, 0x0A, 0x0A, 0x80, 0x35]
        let article = try ArticleParser.parse(bytes).get()
        #expect(article.headline == "Café – “q”")
        #expect(article.paragraphs == ["€5"])
        #expect(article.encoding == .windows1252)
    }

    @Test("the content hash ignores case, white space and quote styles, but not words")
    func contentHash() throws {
        let a = try ArticleParser.parse(Array("Head\n\nThe “bounty” was  paid.".utf8)).get()
        let b = try ArticleParser.parse(Array("HEAD\r\n\r\nthe \"bounty\" was paid.\r\n".utf8)).get()
        let c = try ArticleParser.parse(Array("Head\n\nThe bounty was not paid.".utf8)).get()
        #expect(a.contentHash == b.contentHash)
        #expect(a.contentHash != c.contentHash)
        #expect(a.contentHash.count == 32)
    }

    @Test("counts words")
    func wordCount() throws {
        let article = try ArticleParser.parse(Array("Two words\n\nthree more words, 42.".utf8)).get()
        #expect(article.wordCount == 6)
    }
}
