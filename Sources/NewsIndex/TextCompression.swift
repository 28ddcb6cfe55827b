import CZlib
import CZstd
import Foundation

/// How the index stores article text: one format byte, the text's length in UTF-8 bytes as a
/// LEB128 number, then the bytes — a zstd frame compressed with one of the archive's own
/// dictionaries (its number, LEB128, first), raw DEFLATE (zlib, no header or checksum: SQLite's
/// pages carry their own integrity; written before the archive had a dictionary), a copy's
/// difference from the text of the article it copies (that article's id, LEB128, then a zstd
/// frame made with that text as its prefix), or, when compressing does not pay, the UTF-8 itself.
///
/// Pure apart from zlib and zstd; the full-text index reads the text back through
/// `newsd_inflate` (see `TextCodec`) only for the snippets of the page it shows.
public enum TextCompression {
    enum Format: UInt8 {
        case plain = 0
        case deflate = 1
        case dictionary = 2
        case copy = 3
    }

    /// What a stored text could not be read as.
    public struct Damaged: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) { self.description = description }
    }

    /// Texts shorter than this are stored as they are: a compressed block's header and tables
    /// cost more than a few words save. With a dictionary, shorter ones compress too (a
    /// dateline and a stock phrase are a few bytes of reference), down to `smallestWithDictionary`.
    static let smallestDeflated = 96
    static let smallestWithDictionary = 24

    /// `text` in the stored form: with `dictionary` when one is given (as hard as `effort` says),
    /// else deflated.
    public static func compress(_ text: String, dictionary: TextDictionary? = nil, effort: TextDictionary.Effort = .ingest) -> [UInt8] {
        var utf8 = Array(text.utf8)
        var length: [UInt8] = []
        LEB128.append(UInt64(utf8.count), to: &length)
        if utf8.count >= (dictionary == nil ? smallestDeflated : smallestWithDictionary) {
            if let dictionary, let frame = dictionary.compress(utf8, effort: effort) {
                var number: [UInt8] = []
                LEB128.append(UInt64(dictionary.id), to: &number)
                if number.count + frame.count < utf8.count { return [Format.dictionary.rawValue] + length + number + frame }
            } else if let deflated = deflate(&utf8), deflated.count < utf8.count {
                return [Format.deflate.rawValue] + length + deflated
            }
        }
        return [Format.plain.rawValue] + length + utf8
    }

    /// `text` stored as its difference from `baseText`, the text of article `base` (a syndicated
    /// copy differs from its original by a dateline or a credit line: tens of bytes where the
    /// whole text takes kilobytes); nil when that is not smaller than `limit` bytes. The frame
    /// carries a checksum: read against any other text, it fails instead of giving a wrong one.
    public static func compressAsCopy(_ text: String, base: Int64, baseText: String, below limit: Int) -> [UInt8]? {
        let utf8 = Array(text.utf8), prefix = Array(baseText.utf8)
        var header: [UInt8] = [Format.copy.rawValue]
        LEB128.append(UInt64(utf8.count), to: &header)
        LEB128.append(UInt64(base), to: &header)
        let frame = ZstdContexts.shared.compressing { context -> [UInt8]? in
            for (parameter, value) in [(ZSTD_c_compressionLevel, TextDictionary.level), (ZSTD_c_contentSizeFlag, 0),
                                       (ZSTD_c_checksumFlag, 1), (ZSTD_c_dictIDFlag, 0)] {
                guard ZSTD_isError(ZSTD_CCtx_setParameter(context, parameter, value)) == 0 else { return nil }
            }
            var output = [UInt8](repeating: 0, count: ZSTD_compressBound(utf8.count))
            // The prefix is referenced, not copied: it must stay in place for the one frame it serves.
            let written = prefix.withUnsafeBytes { base -> Int in
                guard ZSTD_isError(ZSTD_CCtx_refPrefix(context, base.baseAddress, base.count)) == 0 else { return -1 }
                return output.withUnsafeMutableBytes { target in
                    utf8.withUnsafeBytes { source in
                        ZSTD_compress2(context, target.baseAddress, target.count, source.baseAddress, source.count)
                    }
                }
            }
            guard written >= 0, ZSTD_isError(written) == 0 else { return nil }
            output.removeSubrange(written...)
            return output
        }
        guard let frame, header.count + frame.count < limit else { return nil }
        return header + frame
    }

    /// The article whose text a stored copy is the difference from; nil for any other form.
    public static func baseID(of stored: some Collection<UInt8>) -> Int64? {
        let bytes = Array(stored.prefix(24))
        guard bytes.first == Format.copy.rawValue else { return nil }
        var offset = 1
        guard LEB128.read(bytes, &offset) != nil, let id = LEB128.read(bytes, &offset), id <= UInt64(Int64.max) else { return nil }
        return Int64(id)
    }

    /// The dictionary a stored text was compressed with; nil for deflated or plain text.
    static func dictionaryID(of stored: some Collection<UInt8>) -> Int64? {
        let bytes = Array(stored.prefix(16))
        guard bytes.first == Format.dictionary.rawValue else { return nil }
        var offset = 1
        guard LEB128.read(bytes, &offset) != nil, let id = LEB128.read(bytes, &offset), id <= UInt64(Int64.max) else { return nil }
        return Int64(id)
    }

    /// The text of a stored form, or its first `prefix` bytes (a character cut in two at the end
    /// becomes U+FFFD); throws `Damaged` for bytes `compress` did not write, or when
    /// `dictionaries` does not know the dictionary the text needs. A copy's text needs the text
    /// it was stored against, which `bases` gives (by article id) or throws for.
    public static func decompress(_ stored: some Collection<UInt8>, prefix: Int = .max,
                                  dictionaries: (Int64) -> TextDictionary? = { _ in nil },
                                  bases: (Int64) throws -> String = { throw Damaged(description: "stored text is a copy of article \($0), whose text is not at hand") }) throws -> String {
        let bytes = Array(stored)
        guard let first = bytes.first, let format = Format(rawValue: first) else {
            throw Damaged(description: "unknown stored text format \(bytes.first.map(String.init) ?? "(empty)")")
        }
        var offset = 1
        guard let length = LEB128.read(bytes, &offset), length <= 1 << 31 else { throw Damaged(description: "stored text has no valid length") }
        switch format {
        case .plain:
            guard bytes.count - offset == Int(length) else { throw Damaged(description: "stored text is \(bytes.count - offset) bytes, not \(length)") }
            return String(decoding: bytes[offset...].prefix(prefix), as: UTF8.self)
        case .deflate:
            let text = try inflate(bytes[offset...], length: Int(length), prefix: prefix)
            return String(decoding: text, as: UTF8.self)
        case .dictionary:
            guard let id = LEB128.read(bytes, &offset), id <= UInt64(Int64.max) else {
                throw Damaged(description: "stored text names no valid compression dictionary")
            }
            guard let dictionary = dictionaries(Int64(id)) else {
                throw Damaged(description: "stored text needs compression dictionary \(id), which the index does not hold")
            }
            guard let text = dictionary.decompress(bytes[offset...], length: Int(length), prefix: prefix) else {
                throw Damaged(description: "stored text does not decompress to its \(length) bytes with dictionary \(id)")
            }
            return String(decoding: text, as: UTF8.self)
        case .copy:
            guard let id = LEB128.read(bytes, &offset), id <= UInt64(Int64.max) else {
                throw Damaged(description: "stored copy names no valid article it was stored against")
            }
            let base = Array(try bases(Int64(id)).utf8)
            guard let text = copy(bytes[offset...], length: Int(length), base: base) else {
                throw Damaged(description: "stored copy does not decompress to its \(length) bytes against the text of article \(id)")
            }
            return String(decoding: text.prefix(prefix), as: UTF8.self)
        }
    }

    /// What a copy's frame decompresses to against `base`: exactly `length` bytes whose checksum
    /// agrees, or nil.
    private static func copy(_ frame: ArraySlice<UInt8>, length: Int, base: [UInt8]) -> [UInt8]? {
        ZstdContexts.shared.decompressing { context -> [UInt8]? in
            var output = [UInt8](repeating: 0, count: length)
            let size = base.withUnsafeBytes { prefix -> Int in
                guard ZSTD_isError(ZSTD_DCtx_refPrefix(context, prefix.baseAddress, prefix.count)) == 0 else { return -1 }
                return output.withUnsafeMutableBytes { target in
                    frame.withUnsafeBytes { source in
                        ZSTD_decompressDCtx(context, target.baseAddress, target.count, source.baseAddress, source.count)
                    }
                }
            }
            return size >= 0 && ZSTD_isError(size) == 0 && size == length ? output : nil
        }
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
