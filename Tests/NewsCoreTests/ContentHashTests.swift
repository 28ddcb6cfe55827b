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
