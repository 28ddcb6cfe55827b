import Foundation

/// A set of article ids stored as one blob: ascending, each as its distance from the one before
/// (the first from 0) in LEB128 varints. A story key lists the articles filed under it on one
/// day (`StoryCandidates`); ids close together take a byte or two each, where a row per article
/// took a dozen.
enum PackedArticleIds {
    /// `ids`, ascending and distinct, packed.
    static func encode(_ ids: [Int64]) -> Data {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(ids.count * 2)
        var previous: Int64 = 0
        for id in ids {
            var gap = UInt64(bitPattern: id &- previous)
            previous = id
            while gap >= 0x80 {
                bytes.append(UInt8(truncatingIfNeeded: gap) | 0x80)
                gap >>= 7
            }
            bytes.append(UInt8(gap))
        }
        return Data(bytes)
    }

    /// The ids packed in `data`, ascending; nil when it is not a packing `encode` writes (a
    /// varint cut short or too long, ids not ascending).
    static func decode(_ data: Data) -> [Int64]? {
        var ids: [Int64] = []
        ids.reserveCapacity(data.count)
        var previous: Int64 = 0
        var gap: UInt64 = 0
        var shift: UInt64 = 0
        for byte in data {
            guard shift < 63 || (shift == 63 && byte <= 1) else { return nil }
            gap |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 != 0 {
                shift += 7
                continue
            }
            let (id, overflow) = previous.addingReportingOverflow(Int64(bitPattern: gap))
            guard !overflow, ids.isEmpty ? id >= 0 : id > previous else { return nil }
            ids.append(id)
            previous = id
            gap = 0
            shift = 0
        }
        return shift == 0 ? ids : nil
    }
}
