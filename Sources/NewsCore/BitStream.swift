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

/// Reads what `BitWriter` wrote, from `start` of `bytes`, through a 64-bit window (placement
/// decodes thousands of stored fingerprints a second); every read past the end gives nil.
struct BitReader {
    private let bytes: [UInt8]
    private let start: Int
    /// The next byte to load into `window`.
    private var next: Int
    /// Loaded bits not yet read, the next one lowest; zero above `available`.
    private var window: UInt64 = 0
    private var available = 0
    private var consumed = 0

    init(_ bytes: [UInt8], start: Int) {
        self.bytes = bytes
        self.start = start
        next = start
    }

    /// The index of the first byte not yet begun.
    var nextByte: Int { start + (consumed + 7) / 8 }

    private mutating func refill() {
        while available <= 56, next < bytes.count {
            window |= UInt64(bytes[next]) << UInt64(available)
            next += 1
            available += 8
        }
    }

    private mutating func skip(_ count: Int) {
        window = count >= 64 ? 0 : window >> UInt64(count)
        available -= count
        consumed += count
    }

    mutating func read(bits count: Int) -> UInt32? {
        if available < count {
            refill()
            guard available >= count else { return nil }
        }
        let value = UInt32(truncatingIfNeeded: window & ((1 << UInt64(count)) &- 1))
        skip(count)
        return value
    }

    /// Counts one bits up to the first zero (consumed), or up to `limit` ones (no zero follows them).
    mutating func readOnes(limit: Int) -> Int? {
        var ones = 0
        while true {
            if available == 0 {
                refill()
                if available == 0 { return nil }
            }
            let run = min((~window).trailingZeroBitCount, available)
            if ones + run >= limit {
                skip(limit - ones)
                return limit
            }
            ones += run
            skip(run)
            if available > 0 {
                skip(1)
                return ones
            }
        }
    }

    /// Whether the bits left in the byte begun are all zero (as `BitWriter.finish` leaves them).
    var paddingIsZero: Bool {
        let left = (8 - consumed % 8) % 8
        // A byte begun was loaded whole: its bits left are the window's lowest.
        return left == 0 || window & ((1 << UInt64(left)) - 1) == 0
    }
}
