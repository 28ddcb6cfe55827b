/// A fingerprint stored as its difference from another's: a copy's fingerprint nearly repeats
/// its original's (the same terms, names and shingles but for a credit line or a changed
/// headline), so what differs takes tens of bytes where the whole takes a couple of hundred.
/// The other fingerprint, the base, is named outside these bytes; reading one needs it.
extension ArticleFingerprint {
    /// The first byte of a difference (whole fingerprints start with `encodingVersion` or 2).
    public static let differenceVersion: UInt8 = 4

    /// Whether `bytes` are a difference (`difference(from:)`) rather than a whole fingerprint.
    public static func isDifference(_ bytes: [UInt8]) -> Bool { bytes.first == differenceVersion }

    /// This fingerprint as its difference from `base`: counts of terms, names and slots (a byte
    /// each, as the whole form), then a bit stream (`BitWriter`) of
    /// - the base's terms not kept (their count changed, or the term is gone): how many (8 bits),
    ///   then each one's position among the base's terms, ascending, in as many bits as the
    ///   base's term count needs;
    /// - the terms added (the new counts of changed ones too): how many (8 bits), then as the
    ///   whole form stores terms (`writeTerms`);
    /// - each name, most mentioned first: a one and its position among the base's names (in as
    ///   many bits as their count needs), or a zero and its 24 bits;
    /// - with as many slots as the base, each slot: a zero when it is the base's, else a one and
    ///   its byte; otherwise every slot's byte;
    /// zero bits to the byte's end.
    public func difference(from base: ArticleFingerprint) -> [UInt8] {
        var writer = BitWriter(after: [Self.differenceVersion, UInt8(termHashes.count), UInt8(strongestNames.count), UInt8(minHash.count)])
        var removed: [Int] = [], added: [(term: UInt32, count: UInt8)] = []
        var (i, j) = (0, 0)
        while i < base.termHashes.count || j < termHashes.count {
            if j == termHashes.count || (i < base.termHashes.count && base.termHashes[i] < termHashes[j]) {
                removed.append(i)
                i += 1
            } else if i == base.termHashes.count || termHashes[j] < base.termHashes[i] {
                added.append((termHashes[j], termCounts[j]))
                j += 1
            } else {
                if base.termCounts[i] != termCounts[j] {
                    removed.append(i)
                    added.append((termHashes[j], termCounts[j]))
                }
                i += 1
                j += 1
            }
        }
        let termIndexBits = Self.bits(toNumber: base.termHashes.count)
        writer.write(UInt32(removed.count), bits: 8)
        for index in removed { writer.write(UInt32(index), bits: termIndexBits) }
        writer.write(UInt32(added.count), bits: 8)
        Self.writeTerms(added.map(\.term), added.map(\.count), to: &writer)
        let nameIndexBits = Self.bits(toNumber: base.strongestNames.count)
        for name in strongestNames {
            if let index = base.strongestNames.firstIndex(of: name) {
                writer.write(1, bits: 1)
                writer.write(UInt32(index), bits: nameIndexBits)
            } else {
                writer.write(0, bits: 1)
                writer.write(name, bits: Self.nameBits)
            }
        }
        if minHash.count == base.minHash.count {
            for (slot, baseSlot) in zip(minHash, base.minHash) {
                if slot == baseSlot {
                    writer.write(0, bits: 1)
                } else {
                    writer.write(1, bits: 1)
                    writer.write(UInt32(slot), bits: 8)
                }
            }
        } else {
            for slot in minHash { writer.write(UInt32(slot), bits: 8) }
        }
        return writer.finish()
    }

    /// Reads a difference from `base` written by `difference(from:)`; nil for anything else, or
    /// for one that does not fit `base`.
    public init?(difference bytes: [UInt8], base: ArticleFingerprint) {
        guard bytes.count >= 4, bytes[0] == Self.differenceVersion else { return nil }
        let (termCount, nameCount, slotCount) = (Int(bytes[1]), Int(bytes[2]), Int(bytes[3]))
        var reader = BitReader(bytes, start: 4)
        let termIndexBits = Self.bits(toNumber: base.termHashes.count)
        guard let removedCount = reader.read(bits: 8) else { return nil }
        var removed = Set<Int>()
        var previous = -1
        for _ in 0..<removedCount {
            guard let index = reader.read(bits: termIndexBits).map(Int.init), index > previous, index < base.termHashes.count else { return nil }
            removed.insert(index)
            previous = index
        }
        guard let addedCount = reader.read(bits: 8), let added = Self.readTerms(&reader, count: Int(addedCount)) else { return nil }
        // The kept terms of the base and the added ones, merged in ascending order.
        var terms: [UInt32] = [], counts: [UInt8] = []
        terms.reserveCapacity(termCount)
        counts.reserveCapacity(termCount)
        var (i, j) = (0, 0)
        while i < base.termHashes.count || j < added.terms.count {
            if i < base.termHashes.count && removed.contains(i) {
                i += 1
            } else if j == added.terms.count || (i < base.termHashes.count && base.termHashes[i] < added.terms[j]) {
                terms.append(base.termHashes[i])
                counts.append(base.termCounts[i])
                i += 1
            } else if i == base.termHashes.count || added.terms[j] < base.termHashes[i] {
                terms.append(added.terms[j])
                counts.append(added.counts[j])
                j += 1
            } else {
                return nil   // A term both kept and added: not a difference newsd wrote.
            }
        }
        guard terms.count == termCount else { return nil }
        let nameIndexBits = Self.bits(toNumber: base.strongestNames.count)
        var names: [UInt32] = []
        names.reserveCapacity(nameCount)
        for _ in 0..<nameCount {
            guard let fromBase = reader.read(bits: 1) else { return nil }
            if fromBase == 1 {
                guard let index = reader.read(bits: nameIndexBits).map(Int.init), index < base.strongestNames.count else { return nil }
                names.append(base.strongestNames[index])
            } else {
                guard let name = reader.read(bits: Self.nameBits) else { return nil }
                names.append(name)
            }
        }
        var slots: [UInt8] = []
        slots.reserveCapacity(slotCount)
        for n in 0..<slotCount {
            if slotCount == base.minHash.count {
                guard let changed = reader.read(bits: 1) else { return nil }
                if changed == 0 {
                    slots.append(base.minHash[n])
                    continue
                }
            }
            guard let slot = reader.read(bits: 8) else { return nil }
            slots.append(UInt8(slot))
        }
        guard reader.paddingIsZero, reader.nextByte == bytes.count else { return nil }
        self.init(sortedTerms: terms, counts: counts, names: names, minHash: slots)
    }

    /// Bits that hold every number below `count`.
    static func bits(toNumber count: Int) -> Int {
        count <= 1 ? 0 : Int.bitWidth - (count - 1).leadingZeroBitCount
    }
}
