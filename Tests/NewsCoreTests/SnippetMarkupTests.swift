import NewsCore
import Testing
import TestSupport

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

    /// The decoding as the scalars say it: markers dropped and their places counted in scalars,
    /// line breaks and tabs folded into one space.
    static func reference(_ marked: String) -> (text: String, highlights: [Highlight]) {
        var text = String.UnicodeScalarView()
        var highlights: [Highlight] = []
        var openAt: Int?
        var count = 0
        var lastWasSpace = false
        for scalar in marked.unicodeScalars {
            switch scalar {
            case SnippetMarkup.open: openAt = count
            case SnippetMarkup.close:
                if let start = openAt, count > start { highlights.append(Highlight(start: start, length: count - start)) }
                openAt = nil
            case "\n", "\r", "\t":
                if !lastWasSpace { text.append(" "); count += 1; lastWasSpace = true }
            default:
                text.append(scalar); count += 1; lastWasSpace = scalar == " "
            }
        }
        return (String(text), highlights)
    }

    @Test("random marked text of every script decodes as its scalars say")
    func randomText() {
        var random = SeededRandom.forTest("SnippetMarkupTests.randomText")
        // One to four UTF-8 bytes, markers, breaks, and the private-use neighbours of the markers.
        let pieces: [String] = ["a", "Z", " ", "\n", "\r\n", "\t", "é", "ß", "“", "…", "中", "文", "🙂", "👩‍👩‍👧",
                                "\u{E000}", "\u{E001}", "\u{E002}", "\u{D7FF}", "\u{E0FF}", "\u{EE80}", "\u{F000}"]
        for round in 0..<2_000 {
            let marked = (0..<Int.random(in: 0...40, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            let (text, highlights) = SnippetMarkup.decode(marked)
            let expected = Self.reference(marked)
            #expect(text == expected.text && highlights == expected.highlights,
                    "seed \(random.seed), round \(round): \(marked.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }
}
