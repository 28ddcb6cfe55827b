import CLanguageDetection

/// Detects an article's language with the Compact Language Detector 2 (Debian's libcld2).
public enum LanguageDetector {
    /// Bytes of text looked at: the headline and the opening of the body are enough, and CLD2's
    /// time grows with the text.
    public static let sampleBytes = 1536

    /// The ISO 639-1 code of the language of `text` ("en", "de"), or `nil` when CLD2 is not sure.
    public static func language(of text: String) -> String? {
        var sample = Array(text.utf8.prefix(sampleBytes))
        // Never cut a character in two: drop continuation bytes at the end of the sample.
        while let last = sample.last, last & 0xC0 == 0x80 { sample.removeLast() }
        if let last = sample.last, last >= 0xC0 { sample.removeLast() }
        guard !sample.isEmpty else { return nil }
        var code = [CChar](repeating: 0, count: 16)
        let found = sample.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                newsd_detect_language(chars.baseAddress, Int32(chars.count), &code, Int32(code.count))
            }
        }
        guard found == 1 else { return nil }
        let name = String(decoding: code.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // CLD2 names a few languages with longer codes ("zh-Hant"); the index keeps the primary part.
        return name.split(separator: "-").first.map { String($0).lowercased() }
    }
}
