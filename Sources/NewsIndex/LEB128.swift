/// Unsigned integers as LEB128 varints: seven bits a byte, lowest first, the high bit set on
/// every byte but the last. Stored text's lengths and ids (`TextCompression`) and a story key's
/// article ids (`PackedArticleIds`) are written so.
enum LEB128 {
    static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        repeat {
            let low = UInt8(value & 0x7F)
            value >>= 7
            bytes.append(value == 0 ? low : low | 0x80)
        } while value != 0
    }

    /// The varint at `offset`, which moves past it; nil when the bytes end first or it runs past
    /// 63 bits.
    static func read(_ bytes: [UInt8], _ offset: inout Int) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count, shift < 63 {
            let byte = bytes[offset]
            offset += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }
}
