import Foundation

/// A set of article ids stored as one blob: ascending, each as its distance from the one before
/// (the first from 0) as a `LEB128` varint. A story key lists the articles filed under it on
/// one day (`StoryCandidates`); ids close together take a byte or two each, where a row per
/// article took a dozen.
enum PackedArticleIds {
    /// `ids`, ascending and distinct, packed.
    static func encode(_ ids: [Int64]) -> Data {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(ids.count * 2)
        var previous: Int64 = 0
        for id in ids {
            LEB128.append(UInt64(bitPattern: id &- previous), to: &bytes)
            previous = id
        }
        return Data(bytes)
    }

    /// The ids packed in `data`, ascending; nil when it is not a packing `encode` writes (a
    /// varint cut short or too long, ids not ascending).
    static func decode(_ data: Data) -> [Int64]? {
        let bytes = [UInt8](data)
        var ids: [Int64] = []
        ids.reserveCapacity(bytes.count)
        var offset = 0
        var previous: Int64 = 0
        while offset < bytes.count {
            guard let gap = LEB128.read(bytes, &offset) else { return nil }
            let (id, overflow) = previous.addingReportingOverflow(Int64(bitPattern: gap))
            guard !overflow, ids.isEmpty ? id >= 0 : id > previous else { return nil }
            ids.append(id)
            previous = id
        }
        return ids
    }
}
