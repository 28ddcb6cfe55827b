import Foundation
import GRDB

/// How an article's content hash (`ContentHash.of`: 32 lowercase hex digits) is stored in
/// `article.contentHash`: as its 16 bytes, half the text's size in the row and in the unique
/// index on it. Anything else (no hash newsd makes) is stored as the text it is.
///
/// Statements that order by the hash read `hex(contentHash)`: the bytes' hex digits order as the
/// lowercase text did, so ties break as before.
enum StoredContentHash {
    /// The value to bind for `hash`.
    static func value(_ hash: String) -> DatabaseValueConvertible {
        bytes(hex: hash).map { Data($0) } ?? hash
    }

    /// The 16 bytes of 32 lowercase hex digits; nil for anything else.
    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count == 32 else { return nil }
        func nibble(_ digit: UInt8) -> UInt8? {
            switch digit {
            case 0x30...0x39: digit - 0x30
            case 0x61...0x66: digit - 0x61 + 10
            default: nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        for pair in stride(from: 0, to: 32, by: 2) {
            guard let high = nibble(digits[pair]), let low = nibble(digits[pair + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }
}
