/// Turns raw file bytes into text: UTF-8 when valid, else Windows-1252.
public enum TextDecoder {
    /// Decodes `bytes`, dropping a UTF-8 byte-order mark.
    /// Invalid UTF-8 is read as Windows-1252, which maps every byte to a character,
    /// so decoding itself never fails; the caller records which encoding was used.
    public static func decode(_ bytes: [UInt8]) -> (text: String, encoding: TextEncoding) {
        var slice = bytes[...]
        if slice.starts(with: [0xEF, 0xBB, 0xBF]) { slice = slice.dropFirst(3) }
        if let text = String(validating: slice, as: UTF8.self) {
            return (text, .utf8)
        }
        var scalars = String.UnicodeScalarView()
        scalars.reserveCapacity(slice.count)
        for byte in slice { scalars.append(windows1252Scalar(byte)) }
        return (String(scalars), .windows1252)
    }

    /// Windows-1252 differs from Latin-1 only in 0x80–0x9F; the five bytes it leaves
    /// undefined map to the C1 control of the same value, as WHATWG's decoder does.
    private static func windows1252Scalar(_ byte: UInt8) -> Unicode.Scalar {
        guard byte >= 0x80 && byte <= 0x9F else { return Unicode.Scalar(byte) }
        let table: [UInt32] = [
            0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
            0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
            0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
            0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
        ]
        return Unicode.Scalar(table[Int(byte - 0x80)])!
    }
}
