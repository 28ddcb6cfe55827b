@testable import NewsCore
import Testing
import TestSupport

/// Fingerprints stored as their difference from another's (a copy's from its original's): every
/// one reads back equal against its base, a copy's takes a fraction of the whole form, and
/// damaged bytes or the wrong base read as nothing or a fingerprint, never as a crash.
@Suite("Fingerprint differences")
struct FingerprintDifferenceTests {
    /// `base` edited as a copy is: some terms dropped, added or counted differently, names
    /// dropped, added or reordered, some slots changed (or, rarely, a different number of slots).
    static func edited(_ base: ArticleFingerprint, _ random: inout SeededRandom) -> ArticleFingerprint {
        var counts = Dictionary(uniqueKeysWithValues: zip(base.termHashes, base.termCounts.map(Int.init)))
        for term in base.termHashes where Int.random(in: 0..<8, using: &random) == 0 { counts[term] = nil }
        for term in base.termHashes where Int.random(in: 0..<8, using: &random) == 0 {
            counts[term] = Int.random(in: 1...ArticleFingerprint.maximumCount, using: &random)
        }
        while counts.count < ArticleFingerprint.maximumTerms && Int.random(in: 0..<3, using: &random) > 0 {
            counts[UInt32.random(in: 0..<(1 << UInt32(ArticleFingerprint.termBits)), using: &random)] = Int.random(in: 1...3, using: &random)
        }
        var names = base.strongestNames.filter { _ in Int.random(in: 0..<6, using: &random) > 0 }
        if names.count > 1 && Bool.random(using: &random) { names.swapAt(0, names.count - 1) }
        while names.count < ArticleFingerprint.maximumNames && Int.random(in: 0..<3, using: &random) == 0 {
            names.insert(UInt32.random(in: 0..<(1 << 24), using: &random), at: Int.random(in: 0...names.count, using: &random))
        }
        var slots = base.minHash
        if Int.random(in: 0..<20, using: &random) == 0 {
            slots = (0..<Int.random(in: 0...80, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
        } else {
            for n in slots.indices where Int.random(in: 0..<6, using: &random) == 0 { slots[n] = UInt8.random(in: 0...255, using: &random) }
        }
        return ArticleFingerprint(termCounts: counts, names: names, minHash: slots)
    }

    @Test("every fingerprint reads back equal from its difference from a base: edited copies, unrelated ones, empty ones")
    func roundTrip() throws {
        var random = SeededRandom.forTest("FingerprintDifferenceTests.roundTrip")
        for n in 0..<3000 {
            let base = FingerprintStorageTests.randomFingerprint(&random)
            let fingerprint = n % 4 == 3 ? FingerprintStorageTests.randomFingerprint(&random) : Self.edited(base, &random)
            let difference = fingerprint.difference(from: base)
            #expect(ArticleFingerprint.isDifference(difference) && !ArticleFingerprint.isDifference(fingerprint.encoded))
            let read = try #require(ArticleFingerprint(difference: difference, base: base), "\(difference)")
            #expect(read == fingerprint)
            #expect(read.names == fingerprint.names && read.termWeights == fingerprint.termWeights)
            #expect(ArticleFingerprint(encoded: difference) == nil, "a difference is not read as a whole fingerprint")
        }
        let empty = ArticleFingerprint(termCounts: [:], names: [], minHash: [])
        #expect(ArticleFingerprint(difference: empty.difference(from: empty), base: empty) == empty)
    }

    @Test("a reprint's fingerprint (another headline, a credit line) stored as a difference takes under a third of the whole form")
    func reprintsSmall() throws {
        var whole = 0, differences = 0
        for name in try FixtureFiles.articleNames() where name.hasSuffix(".txt") {
            let text = String(decoding: try FixtureFiles.read(FixtureFiles.articles + "/" + name), as: UTF8.self)
            let lines = text.split(separator: "\n", maxSplits: 1)
            let (headline, body) = (String(lines.first ?? ""), String(lines.dropFirst().first ?? ""))
            let original = ArticleFingerprint.of(headline: headline, body: body)
            let reprint = ArticleFingerprint.of(headline: headline + " (updated)", body: body + "\n\nReprinted by the Evening Courier.")
            whole += reprint.encoded.count
            differences += reprint.difference(from: original).count
        }
        #expect(whole > 2000, "enough text to tell")
        #expect(differences * 3 < whole, "\(differences) vs \(whole) bytes")
    }

    @Test("damaged differences and the wrong base read as nothing or a fingerprint, never a crash; cut ones as nothing")
    func damaged() {
        var random = SeededRandom.forTest("FingerprintDifferenceTests.damaged")
        for _ in 0..<2000 {
            let base = FingerprintStorageTests.randomFingerprint(&random)
            let difference = Self.edited(base, &random).difference(from: base)
            for cut in [1, Int.random(in: 1...difference.count, using: &random)] {
                #expect(ArticleFingerprint(difference: Array(difference.dropLast(cut)), base: base) == nil, "cut \(cut) of \(difference)")
            }
            #expect(ArticleFingerprint(difference: difference + [0], base: base) == nil)
            var flipped = difference
            let at = Int.random(in: 0..<flipped.count, using: &random)
            flipped[at] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &random)
            _ = ArticleFingerprint(difference: flipped, base: base)
            _ = ArticleFingerprint(difference: difference, base: FingerprintStorageTests.randomFingerprint(&random))
            let noise = (0..<Int.random(in: 0...300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            _ = ArticleFingerprint(difference: [4] + noise, base: base)
        }
        let empty = ArticleFingerprint(termCounts: [:], names: [], minHash: [])
        #expect(ArticleFingerprint(difference: empty.encoded, base: empty) == nil, "a whole fingerprint is no difference")
        #expect(ArticleFingerprint(difference: [4, 1, 0, 0, 0, 0], base: empty) == nil, "a term announced, none stored")
    }
}
