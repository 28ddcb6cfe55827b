import Foundation
@testable import NewsIndex
import Testing
import TestSupport

/// The stored form of article text: every text comes back exactly, and damaged bytes are an error.
@Suite("Compressed article text")
struct TextCompressionTests {
    @Test("texts of every size and script come back exactly", arguments: [
        "", "Short.", String(repeating: "Harbour cranes stood idle as the strike entered its third day. ", count: 40),
        "Пожар на складе в Самаре потушен спустя шесть часов. " + String(repeating: "Ёлки и ß, «кавычки» — 🚢. ", count: 30),
    ])
    func roundTrip(text: String) throws {
        let stored = TextCompression.compress(text)
        #expect(try TextCompression.decompress(stored) == text)
        for prefix in [0, 1, 50, 5000] {
            #expect(try TextCompression.decompress(stored, prefix: prefix) == String(decoding: text.utf8.prefix(prefix), as: UTF8.self))
        }
        if text.utf8.count > 1000 { #expect(stored.count < text.utf8.count / 2, "repetitive text is deflated") }
        if text.utf8.count < TextCompression.smallestDeflated { #expect(stored.first == 0, "short text is stored as it is") }
    }

    @Test("random texts survive the round trip (seeded)")
    func randomRoundTrip() throws {
        var generator = SeededRandom.forTest("compressed text round trip")
        let seed = generator.seed
        let pieces = ["the ", "port ", "Felixstowe ", "é", "\u{E000}en ", "\n\n", "42 ", "日本 ", "\u{0}"]
        for _ in 0..<200 {
            let text = (0..<Int.random(in: 0...600, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            #expect(try TextCompression.decompress(TextCompression.compress(text)) == text, "seed \(seed)")
        }
    }

    @Test("damaged stored text throws instead of guessing")
    func damaged() throws {
        let stored = TextCompression.compress(String(repeating: "Grain exports rose again in March. ", count: 20))
        #expect(throws: TextCompression.Damaged.self) { try TextCompression.decompress([]) }
        #expect(throws: TextCompression.Damaged.self) { try TextCompression.decompress([7, 1, 65]) }
        #expect(throws: TextCompression.Damaged.self) { try TextCompression.decompress(stored.dropLast(5)) }
        #expect(throws: TextCompression.Damaged.self) { try TextCompression.decompress([0, 5, 65]) }
        var flipped = stored
        flipped[1] ^= 0x01
        #expect(throws: TextCompression.Damaged.self) { try TextCompression.decompress(flipped) }
    }
}
