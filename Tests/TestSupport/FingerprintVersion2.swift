import NewsCore

/// Fingerprints stored as newsd stored them until index schema v23 (version 2: 3 bytes per term,
/// its hash above its count less one), for tests of reading and upgrading them.
public enum FingerprintVersion2 {
    public static func encoded(_ fingerprint: ArticleFingerprint) -> [UInt8] {
        var bytes: [UInt8] = [2, UInt8(fingerprint.termHashes.count), UInt8(fingerprint.strongestNames.count), UInt8(fingerprint.minHash.count)]
        func append(_ value: UInt32) { for i in 0..<3 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * i))) } }
        for (term, count) in zip(fingerprint.termHashes, fingerprint.termCounts) { append(term << 4 | UInt32(count - 1)) }
        for name in fingerprint.strongestNames { append(name) }
        return bytes + fingerprint.minHash
    }
}
