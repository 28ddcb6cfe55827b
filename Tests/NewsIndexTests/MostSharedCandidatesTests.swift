@testable import NewsIndex
import Testing
import TestSupport

/// The candidates kept for a placement: the ids sharing the most keys, ties by the higher id,
/// chosen without sorting every id an article shares a key with.
@Suite("Candidates sharing the most keys")
struct MostSharedCandidatesTests {
    @Test("the choice equals the first ids of the whole order, for random tallies (seeded)")
    func equalsFullOrder() {
        var random = SeededRandom.forTest("MostSharedCandidatesTests.equalsFullOrder")
        for round in 0..<400 {
            var sharing: [Int64: Int] = [:]
            for _ in 0..<Int.random(in: 0...300, using: &random) {
                sharing[Int64.random(in: 1...500, using: &random)] = Int.random(in: 1...Int.random(in: 1...16, using: &random), using: &random)
            }
            let limit = [1, 5, 30, 30, 299, Int.max].randomElement(using: &random)!
            let full = sharing.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key > $1.key }.map(\.key)
            #expect(StoryCandidates.mostShared(sharing, limit: limit) == Array(full.prefix(limit)),
                    "seed \(random.seed), round \(round): \(sharing.count) ids, limit \(limit)")
        }
    }
}
