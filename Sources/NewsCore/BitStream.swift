/// Bits appended to bytes, least significant first within each byte.
struct BitWriter {
    private(set) var bytes: [UInt8]
    private var pending: UInt64 = 0
    private var pendingCount = 0

    init(after prefix: [UInt8] = [], capacity: Int = 0) {
        bytes = prefix
        bytes.reserveCapacity(prefix.count + capacity)
    }

    /// Appends the low `count` bits of `value` (at most 32).
    mutating func write(_ value: UInt32, bits count: Int) {
        pending |= UInt64(value & UInt32(truncatingIfNeeded: (1 << UInt64(count)) - 1)) << UInt64(pendingCount)
        pendingCount += count
        while pendingCount >= 8 {
            bytes.append(UInt8(truncatingIfNeeded: pending))
            pending >>= 8
            pendingCount -= 8
        }
    }

    /// Appends `count` one bits.
    mutating func writeOnes(_ count: Int) {
        var left = count
        while left > 0 {
            let chunk = min(left, 32)
            write(UInt32.max, bits: chunk)
            left -= chunk
        }
    }

    /// Ends the stream: the last byte's unused high bits are zero.
    mutating func finish() -> [UInt8] {
        if pendingCount > 0 { bytes.append(UInt8(truncatingIfNeeded: pending)) }
        pending = 0
        pendingCount = 0
        return bytes
    }
}

/// Reads what `BitWriter` wrote, from `start` of `bytes`; every read past the end gives nil.
struct BitReader {
    private let bytes: [UInt8]
    private var bit: Int
    private let end: Int

    init(_ bytes: [UInt8], start: Int) {
        self.bytes = bytes
        bit = start * 8
        end = bytes.count * 8
    }

    /// The index of the first byte not yet begun.
    var nextByte: Int { (bit + 7) / 8 }

    mutating func read(bits count: Int) -> UInt32? {
        guard bit + count <= end else { return nil }
        var value: UInt32 = 0
        for index in 0..<count {
            let position = bit + index
            value |= UInt32((bytes[position >> 3] >> UInt8(position & 7)) & 1) << UInt32(index)
        }
        bit += count
        return value
    }

    /// Counts one bits up to the first zero (consumed), or up to `limit` ones (no zero follows them).
    mutating func readOnes(limit: Int) -> Int? {
        var ones = 0
        while ones < limit {
            guard bit < end else { return nil }
            let set = (bytes[bit >> 3] >> UInt8(bit & 7)) & 1 == 1
            bit += 1
            if !set { return ones }
            ones += 1
        }
        return ones
    }

    /// Whether the bits left in the byte begun are all zero (as `BitWriter.finish` leaves them).
    var paddingIsZero: Bool {
        let used = bit & 7
        guard used > 0 else { return true }
        return bytes[bit >> 3] >> UInt8(used) == 0
    }
}
