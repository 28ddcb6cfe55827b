@testable import NewsCore
import Testing
import TestSupport

/// The stored form of a fingerprint (version 3, Rice-coded terms): every fingerprint reads back
/// equal, version 2 stays readable, and damaged bytes read as nothing, never as a crash.
@Suite("Fingerprint storage")
struct FingerprintStorageTests {
    /// A fingerprint of random terms (any number up to the maximum, counts 1–16, hashes crowded
    /// at either end of their range or spread), names and slots.
    static func randomFingerprint(_ random: inout SeededRandom) -> ArticleFingerprint {
        let termCount = Int.random(in: 0...ArticleFingerprint.maximumTerms, using: &random)
        let limit: UInt32 = 1 << UInt32(ArticleFingerprint.termBits)
        var counts: [UInt32: Int] = [:]
        while counts.count < termCount {
            let term: UInt32 = switch Int.random(in: 0..<4, using: &random) {
            case 0: UInt32.random(in: 0..<80, using: &random)
            case 1: limit - 1 - UInt32.random(in: 0..<80, using: &random)
            default: UInt32.random(in: 0..<limit, using: &random)
            }
            counts[term] = Int.random(in: 0..<3, using: &random) == 0 ? ArticleFingerprint.maximumCount
                : Int.random(in: 1...ArticleFingerprint.maximumCount, using: &random)
        }
        let names = (0..<Int.random(in: 0...ArticleFingerprint.maximumNames, using: &random)).map { _ in
            UInt32.random(in: 0..<(1 << 24), using: &random)
        }
        let slots = (0..<ArticleFingerprint.signatureSize).map { _ in UInt8.random(in: 0...255, using: &random) }
        return ArticleFingerprint(termCounts: counts, names: names, minHash: slots)
    }

    @Test("every fingerprint reads back equal from version 3 and from version 2")
    func roundTrip() throws {
        var random = SeededRandom.forTest("FingerprintStorageTests.roundTrip")
        var sawEmpty = false, sawFull = false
        for _ in 0..<3000 {
            let fingerprint = Self.randomFingerprint(&random)
            sawEmpty = sawEmpty || fingerprint.termHashes.isEmpty
            sawFull = sawFull || fingerprint.termHashes.count == ArticleFingerprint.maximumTerms
            let stored = fingerprint.encoded
            #expect(stored.first == 3)
            let read = try #require(ArticleFingerprint(encoded: stored), "\(stored)")
            #expect(read == fingerprint)
            #expect(read.termWeights == fingerprint.termWeights && read.names == fingerprint.names)
            #expect(ArticleFingerprint(encoded: FingerprintVersion2.encoded(fingerprint)) == fingerprint)
        }
        #expect(sawEmpty && sawFull, "the generator reaches no terms and the most terms")
    }

    @Test("the fixture articles' stored fingerprints are smaller than version 2's")
    func smaller() throws {
        var version3 = 0, version2 = 0
        for name in try FixtureFiles.articleNames() where name.hasSuffix(".txt") || name.hasSuffix(".md") {
            let text = String(decoding: try FixtureFiles.read(FixtureFiles.articles + "/" + name), as: UTF8.self)
            let lines = text.split(separator: "\n", maxSplits: 1)
            let fingerprint = ArticleFingerprint.of(headline: String(lines.first ?? ""), body: String(lines.dropFirst().first ?? ""))
            version3 += fingerprint.encoded.count
            version2 += FingerprintVersion2.encoded(fingerprint).count
        }
        #expect(version2 > 1000, "enough text to tell")
        #expect(version3 < version2 * 9 / 10, "\(version3) vs \(version2) bytes")
    }

    @Test("damaged stored forms read as nothing or as a fingerprint, never a crash; cut ones as nothing")
    func damaged() {
        var random = SeededRandom.forTest("FingerprintStorageTests.damaged")
        for _ in 0..<2000 {
            let stored = Self.randomFingerprint(&random).encoded
            for cut in [1, Int.random(in: 1...stored.count, using: &random)] {
                #expect(ArticleFingerprint(encoded: Array(stored.dropLast(cut))) == nil, "cut \(cut) of \(stored)")
            }
            #expect(ArticleFingerprint(encoded: stored + [0]) == nil)
            var flipped = stored
            let at = Int.random(in: 0..<flipped.count, using: &random)
            flipped[at] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &random)
            _ = ArticleFingerprint(encoded: flipped)
            let noise = (0..<Int.random(in: 0...300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            _ = ArticleFingerprint(encoded: [3] + noise)
        }
        #expect(ArticleFingerprint(encoded: [9, 0, 0, 0]) == nil)
        #expect(ArticleFingerprint(encoded: [3, 1, 0, 0]) == nil, "a term announced, none stored")
        #expect(ArticleFingerprint(encoded: [3, 0, 0, 0]) != nil, "no terms, names or slots")
        // One term, hash 0, count 1: quotient 0 (a zero bit), 19 low bits of zero, count 0 (a
        // zero bit); padding set in the third byte is not a stream newsd writes.
        #expect(ArticleFingerprint(encoded: [3, 1, 0, 0, 0, 0, 0]) != nil)
        #expect(ArticleFingerprint(encoded: [3, 1, 0, 0, 0, 0, 0x80]) == nil)
    }
}
