import CZlib
import Foundation

/// How the index stores article text: one format byte, the text's length in UTF-8 bytes as a
/// LEB128 number, then the bytes — a zstd frame compressed with one of the archive's own
/// dictionaries (its number, LEB128, first), raw DEFLATE (zlib, no header or checksum: SQLite's
/// pages carry their own integrity; written before the archive had a dictionary), or, when
/// compressing does not pay, the UTF-8 itself.
///
/// Pure apart from zlib and zstd; the full-text index reads the text back through
/// `newsd_inflate` (see `TextCodec`) only for the snippets of the page it shows.
public enum TextCompression {
    enum Format: UInt8 {
        case plain = 0
        case deflate = 1
        case dictionary = 2
    }

    /// What a stored text could not be read as.
    public struct Damaged: Error, CustomStringConvertible {
        public let description: String
    }

    /// Texts shorter than this are stored as they are: a compressed block's header and tables
    /// cost more than a few words save. With a dictionary, shorter ones compress too (a
    /// dateline and a stock phrase are a few bytes of reference), down to `smallestWithDictionary`.
    static let smallestDeflated = 96
    static let smallestWithDictionary = 24

    /// `text` in the stored form: with `dictionary` when one is given, else deflated.
    public static func compress(_ text: String, dictionary: TextDictionary? = nil) -> [UInt8] {
        var utf8 = Array(text.utf8)
        var length: [UInt8] = []
        appendLength(UInt64(utf8.count), to: &length)
        if utf8.count >= (dictionary == nil ? smallestDeflated : smallestWithDictionary) {
            if let dictionary, let frame = dictionary.compress(utf8) {
                var number: [UInt8] = []
                appendLength(UInt64(dictionary.id), to: &number)
                if number.count + frame.count < utf8.count { return [Format.dictionary.rawValue] + length + number + frame }
            } else if let deflated = deflate(&utf8), deflated.count < utf8.count {
                return [Format.deflate.rawValue] + length + deflated
            }
        }
        return [Format.plain.rawValue] + length + utf8
    }

    /// The dictionary a stored text was compressed with; nil for deflated or plain text.
    static func dictionaryID(of stored: some Collection<UInt8>) -> Int64? {
        let bytes = Array(stored.prefix(16))
        guard bytes.first == Format.dictionary.rawValue else { return nil }
        var offset = 1
        guard readLength(bytes, &offset) != nil, let id = readLength(bytes, &offset), id <= UInt64(Int64.max) else { return nil }
        return Int64(id)
    }

    /// The text of a stored form, or its first `prefix` bytes (a character cut in two at the end
    /// becomes U+FFFD); throws `Damaged` for bytes `compress` did not write, or when
    /// `dictionaries` does not know the dictionary the text needs.
    public static func decompress(_ stored: some Collection<UInt8>, prefix: Int = .max,
                                  dictionaries: (Int64) -> TextDictionary? = { _ in nil }) throws -> String {
        let bytes = Array(stored)
        guard let first = bytes.first, let format = Format(rawValue: first) else {
            throw Damaged(description: "unknown stored text format \(bytes.first.map(String.init) ?? "(empty)")")
        }
        var offset = 1
        guard let length = readLength(bytes, &offset), length <= 1 << 31 else { throw Damaged(description: "stored text has no valid length") }
        switch format {
        case .plain:
            guard bytes.count - offset == Int(length) else { throw Damaged(description: "stored text is \(bytes.count - offset) bytes, not \(length)") }
            return String(decoding: bytes[offset...].prefix(prefix), as: UTF8.self)
        case .deflate:
            let text = try inflate(bytes[offset...], length: Int(length), prefix: prefix)
            return String(decoding: text, as: UTF8.self)
        case .dictionary:
            guard let id = readLength(bytes, &offset), id <= UInt64(Int64.max) else {
                throw Damaged(description: "stored text names no valid compression dictionary")
            }
            guard let dictionary = dictionaries(Int64(id)) else {
                throw Damaged(description: "stored text needs compression dictionary \(id), which the index does not hold")
            }
            guard let text = dictionary.decompress(bytes[offset...], length: Int(length), prefix: prefix) else {
                throw Damaged(description: "stored text does not decompress to its \(length) bytes with dictionary \(id)")
            }
            return String(decoding: text, as: UTF8.self)
        }
    }

    private static func appendLength(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        repeat {
            let low = UInt8(value & 0x7F)
            value >>= 7
            bytes.append(value == 0 ? low : low | 0x80)
        } while value != 0
    }

    private static func readLength(_ bytes: [UInt8], _ offset: inout Int) -> UInt64? {
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

    /// Level 6 (zlib's default): on Reuters articles it keeps 56% of the bytes where level 1 keeps 62%.
    private static func deflate(_ input: inout [UInt8]) -> [UInt8]? {
        var stream = z_stream()
        // Raw DEFLATE (negative window bits): no zlib header or Adler-32 checksum.
        guard deflateInit2_(&stream, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else { return nil }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))))
        let status = finish(&stream, &input, into: &output) { CZlib.deflate(&$0, Z_FINISH) }
        guard status == Z_STREAM_END else { return nil }
        output.removeSubrange(Int(stream.total_out)...)
        return output
    }

    private static func inflate(_ input: ArraySlice<UInt8>, length: Int, prefix: Int) throws -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Damaged(description: "zlib cannot start inflating")
        }
        defer { inflateEnd(&stream) }
        var source = Array(input)
        let wanted = min(length, prefix)
        var output = [UInt8](repeating: 0, count: wanted)
        let status = finish(&stream, &source, into: &output) { CZlib.inflate(&$0, Z_FINISH) }
        // A prefix fills the buffer before the stream ends (zlib then says it needs more room).
        let complete = wanted == length ? status == Z_STREAM_END : (status == Z_BUF_ERROR || status == Z_OK)
        guard complete, Int(stream.total_out) == wanted else {
            throw Damaged(description: "stored text does not inflate to its \(length) bytes (zlib status \(status))")
        }
        return output
    }

    /// Runs one whole-buffer zlib step from `input` into `output` and returns its status.
    private static func finish(_ stream: inout z_stream, _ input: inout [UInt8], into output: inout [UInt8],
                               _ step: (inout z_stream) -> Int32) -> Int32 {
        input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                return step(&stream)
            }
        }
    }
}
