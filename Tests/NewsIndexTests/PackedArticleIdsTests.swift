import Foundation
@testable import NewsIndex
import Testing
import TestSupport

/// The packing of a story key's articles (`PackedArticleIds`): every ascending set reads back
/// equal, damaged bytes read as nothing or as an ascending set, never a crash.
@Suite("Packed article ids")
struct PackedArticleIdsTests {
    @Test("ascending sets of any size and spread read back equal; a few close ids take a byte or two each")
    func roundTrip() throws {
        var random = SeededRandom.forTest("PackedArticleIdsTests.roundTrip")
        for _ in 0..<3000 {
            let spread: Int64 = [10, 1_000, 1 << 20, Int64.max / 2].randomElement(using: &random)!
            let ids = Set((0..<Int.random(in: 0...300, using: &random)).map { _ in Int64.random(in: 0...spread, using: &random) }).sorted()
            #expect(PackedArticleIds.decode(PackedArticleIds.encode(ids)) == ids, "seed \(random.seed)")
        }
        let close = Array(Int64(90_000)..<90_400)
        #expect(PackedArticleIds.encode(close).count < close.count + 4)
        #expect(PackedArticleIds.decode(Data()) == [])
    }

    @Test("cut, repeated or random bytes read as nothing or as ascending ids, never a crash")
    func damaged() {
        var random = SeededRandom.forTest("PackedArticleIdsTests.damaged")
        #expect(PackedArticleIds.decode(Data([0x80])) == nil, "a varint cut short")
        #expect(PackedArticleIds.decode(Data([5, 0])) == nil, "an id repeated")
        #expect(PackedArticleIds.decode(Data(repeating: 0xFF, count: 10) + [0x7F]) == nil, "a gap past 64 bits")
        for _ in 0..<3000 {
            let bytes = Data((0..<Int.random(in: 0...40, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) })
            if let ids = PackedArticleIds.decode(bytes) {
                #expect(zip(ids, ids.dropFirst()).allSatisfy { $0 < $1 } && ids.allSatisfy { $0 >= 0 }, "\(Array(bytes))")
            }
        }
    }
}
