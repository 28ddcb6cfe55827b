/// The stored form of a fingerprint. The weights are recomputed from the counts, so a stored
/// fingerprint compares exactly as the computed one.
extension ArticleFingerprint {
    /// The version `encoded` writes; `init(encoded:)` also reads version 2.
    static let encodingVersion: UInt8 = 3

    /// Version 3: counts of terms, names and slots (a byte each); then the terms, ascending, as
    /// a bit stream (`BitWriter`): each one's distance from the one before (from −1 for the first)
    /// Rice-coded — the quotient by 2^k in unary, ones closed by a zero, then the k low bits, k
    /// from the number of terms (`riceParameter`) — and its count less one in unary, closed by a zero
    /// unless it is `maximumCount` − 1; zero bits to the byte's end; then 3 bytes per name (most
    /// mentioned first), 1 byte per slot.
    ///
    /// The sorted hashes of a few dozen terms spread over 2^20 values leave gaps of about
    /// 2^20 / count, which Rice coding stores in fewer bits than a whole hash, and most counts
    /// are 1 or 2, one or two bits in unary (version 2 gave each term 3 bytes).
    public var encoded: [UInt8] {
        var writer = BitWriter(after: [Self.encodingVersion, UInt8(termHashes.count), UInt8(strongestNames.count), UInt8(minHash.count)],
                               capacity: 3 * termHashes.count + 3 * strongestNames.count + minHash.count)
        Self.writeTerms(termHashes, termCounts, to: &writer)
        var bytes = writer.finish()
        for name in strongestNames { for i in 0..<3 { bytes.append(UInt8(truncatingIfNeeded: name >> (8 * i))) } }
        bytes += minHash
        return bytes
    }

    /// Terms in ascending order with their counts, as version 3 stores them: each term's
    /// distance from the one before Rice-coded, its count less one in unary.
    static func writeTerms(_ terms: [UInt32], _ counts: [UInt8], to writer: inout BitWriter) {
        let k = riceParameter(termCount: terms.count)
        var previous: Int64 = -1
        for (term, count) in zip(terms, counts) {
            let gap = UInt32(Int64(term) - previous - 1)
            previous = Int64(term)
            writer.writeOnes(Int(gap >> UInt32(k)))
            writer.write(0, bits: 1)
            writer.write(gap, bits: k)
            let extra = Int(count) - 1
            writer.writeOnes(extra)
            if extra < maximumCount - 1 { writer.write(0, bits: 1) }
        }
    }

    /// Reads `count` terms written by `writeTerms`; nil when the stream ends first or holds a
    /// term outside the hash range.
    static func readTerms(_ reader: inout BitReader, count: Int) -> (terms: [UInt32], counts: [UInt8])? {
        let k = riceParameter(termCount: count)
        let largestQuotient = (1 << termBits) >> k
        var terms: [UInt32] = [], counts: [UInt8] = []
        terms.reserveCapacity(count)
        counts.reserveCapacity(count)
        var previous: Int64 = -1
        for _ in 0..<count {
            guard let quotient = reader.readOnes(limit: largestQuotient + 1), quotient <= largestQuotient,
                  let low = reader.read(bits: k),
                  let extra = reader.readOnes(limit: maximumCount - 1) else { return nil }
            let term = previous + 1 + Int64(quotient << k) + Int64(low)
            guard term < 1 << termBits else { return nil }
            previous = term
            terms.append(UInt32(term))
            counts.append(UInt8(extra + 1))
        }
        return (terms, counts)
    }

    /// The Rice parameter for `termCount` terms: log2 of the mean gap between their hashes, rounded down.
    static func riceParameter(termCount: Int) -> Int {
        let meanGap = (1 << termBits) / (termCount + 1)
        return max(0, Int.bitWidth - meanGap.leadingZeroBitCount - 1)
    }

    /// Reads `encoded` (version 3) or version 2; nil for anything else.
    public init?(encoded bytes: [UInt8]) {
        guard bytes.count >= 4 else { return nil }
        let (termCount, nameCount, slotCount) = (Int(bytes[1]), Int(bytes[2]), Int(bytes[3]))
        let decoded: (terms: [UInt32], counts: [UInt8], namesAt: Int)?
        switch bytes[0] {
        case Self.encodingVersion: decoded = Self.version3Terms(bytes, count: termCount)
        case 2: decoded = Self.version2Terms(bytes, count: termCount)
        default: return nil
        }
        guard let decoded, bytes.count == decoded.namesAt + 3 * nameCount + slotCount else { return nil }
        let names = (0..<nameCount).map { n in
            let at = decoded.namesAt + 3 * n
            return UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16
        }
        self.init(sortedTerms: decoded.terms, counts: decoded.counts, names: names,
                  minHash: Array(bytes[(decoded.namesAt + 3 * nameCount)...]))
    }

    private static func version3Terms(_ bytes: [UInt8], count: Int) -> (terms: [UInt32], counts: [UInt8], namesAt: Int)? {
        var reader = BitReader(bytes, start: 4)
        guard let (terms, counts) = readTerms(&reader, count: count) else { return nil }
        // Padding that is not zero is not a stream newsd wrote.
        guard reader.paddingIsZero else { return nil }
        return (terms, counts, reader.nextByte)
    }

    /// Version 2: 3 bytes per term, its 20-bit hash above its count less one (4 bits), ascending.
    private static func version2Terms(_ bytes: [UInt8], count: Int) -> (terms: [UInt32], counts: [UInt8], namesAt: Int)? {
        guard bytes.count >= 4 + 3 * count else { return nil }
        var terms: [UInt32] = [], counts: [UInt8] = []
        terms.reserveCapacity(count)
        counts.reserveCapacity(count)
        for n in 0..<count {
            let at = 4 + 3 * n
            let packed = UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16
            // Written in ascending order; a stored form out of order is not one newsd wrote.
            guard terms.last.map({ $0 < packed >> 4 }) ?? true else { return nil }
            terms.append(packed >> 4)
            counts.append(UInt8(packed & 0xF) + 1)
        }
        return (terms, counts, 4 + 3 * count)
    }
}
