@testable import NewsCore
import Testing

@Suite("Content hash")
struct ContentHashTests {
    @Test("the ASCII fast path normalises exactly as the Unicode path does")
    func asciiPathAgrees() {
        let pieces = ["Oil", "PRICES", " ", "  ", "\t", "\n", "\r\n", "\u{0B}", "\u{0C}", "\u{1F}", "'", "\"", "Z", "a", "@[`{", "0", "~", "\u{7F}"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let text = (0..<Int.random(in: 0...30, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            #expect(ContentHash.normaliseASCII(text) == ContentHash.normaliseScalars(text), "\(text.debugDescription)")
        }
        #expect(ContentHash.normalise("  Oil\r\n\r\nPRICES  rise ") == "oil prices rise")
    }

    @Test("non-ASCII text folds case and typographic quotes")
    func unicode() {
        #expect(ContentHash.normalise("RUSSIA’S “Offer”\u{00A0}Ende") == "russia's \"offer\" ende")
    }
}

@Suite("Text scanning fast paths")
struct TextScanningTests {
    @Test("word counts: runs of letters and digits of any script")
    func wordCounts() {
        #expect(WordCounter.count(in: "Oil prices rose 3.5% in 1987, said José") == 9, "3.5 is two runs")
        #expect(WordCounter.count(in: "٣ apples and ٤ pears") == 5)
        #expect(WordCounter.count(in: "") == 0)
    }
}

@Suite("Paragraph checks")
struct ParagraphCheckTests {
    @Test("byte search agrees with String search")
    func byteSearch() {
        for (text, needle) in [("CNN's Jo contributed to this report.", " contributed "), ("contributed", " contributed "),
                               ("Café contributed ", " contributed "), ("", "x"), ("abc", ""), ("ab", "abc"), ("xxabc", "abc")] {
            #expect(text.containsUTF8(needle) == (needle.isEmpty || text.contains(needle)), "\(text) / \(needle)")
        }
    }

    @Test("whole-line boilerplate only when the line holds nothing else")
    func wholeLines() {
        #expect(Boilerplate.isBoilerplate("  Advertisement  "))
        #expect(Boilerplate.isBoilerplate("Related articles:"))
        #expect(!Boilerplate.isBoilerplate("Advertisement" + String(repeating: " ", count: 40) + "revenue fell by a third this year"))
        #expect(!Boilerplate.isBoilerplate("Comments from the minister followed."))
        #expect(Boilerplate.isBoilerplate("Subscribe to our newsletter for more"))
    }
}
