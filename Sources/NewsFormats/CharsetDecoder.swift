import Glibc
import NewsCore

/// Text in a declared charset (an e-mail part's `charset=`), through glibc's iconv, which knows
/// every charset newsletters use (windows-1251, KOI8-R, ISO-8859-2, Shift_JIS, …).
enum CharsetDecoder {
    /// `bytes` as text: UTF-8 and ASCII as they are; another charset iconv knows, converted
    /// (bytes it cannot convert become U+FFFD); an unknown charset read as UTF-8 when valid,
    /// else as Windows-1252.
    static func decode(_ bytes: [UInt8], charset: String?) -> (String, TextEncoding) {
        let name = charset?.trimmingSpaces.lowercased() ?? "utf-8"
        if name == "utf-8" || name == "utf8" || name == "us-ascii" || name == "ascii" || bytes.isEmpty {
            return TextDecoder.decode(bytes)
        }
        if let text = convert(bytes, from: name) { return (text, .declared) }
        return TextDecoder.decode(bytes)
    }

    private static func convert(_ bytes: [UInt8], from charset: String) -> String? {
        guard charset.utf8.count <= 40, charset.allSatisfy({ $0.isLetter || $0.isNumber || "-_.:".contains($0) }) else { return nil }
        let converter = iconv_open("UTF-8", charset)
        guard let converter, converter != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(converter) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: bytes.count * 4 + 16)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count * 2)
        var offset = 0
        while offset < input.count {
            var inLeft = input.count - offset
            var outLeft = output.count
            let status = input.withUnsafeMutableBytes { inBuffer in
                output.withUnsafeMutableBytes { outBuffer -> Int in
                    var inPointer: UnsafeMutablePointer<CChar>? = inBuffer.baseAddress!.advanced(by: offset).assumingMemoryBound(to: CChar.self)
                    var outPointer: UnsafeMutablePointer<CChar>? = outBuffer.baseAddress!.assumingMemoryBound(to: CChar.self)
                    return iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
                }
            }
            result.append(contentsOf: output[0..<(output.count - outLeft)])
            let consumed = (input.count - offset) - inLeft
            offset += consumed
            if status == -1 {
                if errno == E2BIG { continue }
                // An invalid or cut-short sequence: one replacement character, and on past the byte.
                result.append(contentsOf: [0xEF, 0xBF, 0xBD])
                offset += 1
            }
        }
        return String(decoding: result, as: UTF8.self)
    }
}
