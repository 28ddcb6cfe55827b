import NewsCore
@testable import NewsIndex
import Testing
import TestSupport

/// The decoded fingerprints a placement transaction keeps (`RecentFingerprints`): bounded, and
/// the most recently used kept, checked against a model that keeps every use in order.
@Suite("Recently used fingerprints kept in two generations")
struct RecentFingerprintsTests {
    static func fingerprint(_ n: Int64) -> ArticleFingerprint {
        ArticleFingerprint.of(headline: "Report \(n)", body: "Officials in Town\(n) said the works at Pier\(n) would resume.")
    }

    @Test("never more than two generations; the last generation's worth of ids used are always kept, each with its own fingerprint")
    func boundedAndRecent() {
        var random = SeededRandom.forTest("RecentFingerprintsTests")
        let seed = random.seed
        let generation = 16
        var kept = RecentFingerprints(generation: generation)
        let fingerprints = (0..<64).map { Self.fingerprint(Int64($0)) }
        var used: [Int64] = []
        for _ in 0..<2_000 {
            let id = Int64.random(in: 0..<64, using: &random)
            if let found = kept.fingerprint(of: id) {
                #expect(found == fingerprints[Int(id)], "seed \(seed): id \(id) came back with another's fingerprint")
            } else {
                kept.keep(fingerprints[Int(id)], for: id)
            }
            used.removeAll { $0 == id }
            used.append(id)
            #expect(kept.count <= 2 * generation, "seed \(seed)")
            // The most recent `generation` distinct ids used are all still there.
            for recent in used.suffix(generation) {
                var probe = kept
                #expect(probe.fingerprint(of: recent) != nil, "seed \(seed): \(recent), among the last \(generation) used, was dropped")
            }
        }
    }

    @Test("a fingerprint found in the older generation survives the next turnover")
    func olderFoundMovesUp() {
        var kept = RecentFingerprints(generation: 2)
        kept.keep(Self.fingerprint(1), for: 1)
        kept.keep(Self.fingerprint(2), for: 2)
        kept.keep(Self.fingerprint(3), for: 3)   // 1 and 2 now older
        #expect(kept.fingerprint(of: 1) != nil)  // 1 moves up beside 3
        kept.keep(Self.fingerprint(4), for: 4)   // {1, 3} older, {4} newer; 2 dropped
        #expect(kept.fingerprint(of: 2) == nil)
        #expect(kept.fingerprint(of: 1) != nil)
        #expect(kept.count <= 4)
    }
}
