import Foundation

/// A reproducible random source for property, fuzz and chaos tests (SplitMix64). The seed comes
/// from `NEWSD_TEST_SEED` when set, so a failing run can be repeated; tests print it.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    public let seed: UInt64
    private var state: UInt64

    public init(seed: UInt64) {
        self.seed = seed
        state = seed
    }

    /// A generator seeded from `NEWSD_TEST_SEED`, or from the clock; prints the seed with `name`.
    public static func forTest(_ name: String) -> SeededRandom {
        let seed = ProcessInfo.processInfo.environment["NEWSD_TEST_SEED"].flatMap { UInt64($0) }
            ?? UInt64(truncatingIfNeeded: Int64(Date().timeIntervalSince1970 * 1_000_000))
        print("\(name): seed \(seed) (repeat with NEWSD_TEST_SEED=\(seed))")
        return SeededRandom(seed: seed)
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
