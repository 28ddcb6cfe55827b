/// Converts FTS5 `snippet()` output, where matches are wrapped in private marker
/// characters, into plain text plus highlight offsets.
public enum SnippetMarkup {
    /// Marks the start of a match in SQL `snippet()` calls.
    public static let open: Unicode.Scalar = "\u{E000}"
    /// Marks the end of a match.
    public static let close: Unicode.Scalar = "\u{E001}"

    /// Strips the markers and returns where they were, in scalars. Paragraph breaks
    /// become spaces so a snippet is always one line. Works on the UTF-8 bytes (a page's
    /// snippets are decoded for every search): scalars are counted by their lead bytes.
    public static func decode(_ marked: String) -> (text: String, highlights: [Highlight]) {
        var marked = marked
        return marked.withUTF8 { bytes in
            var text: [UInt8] = []
            text.reserveCapacity(bytes.count)
            var highlights: [Highlight] = []
            var openAt: Int?
            var count = 0
            var lastWasSpace = false
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                // U+E000 and U+E001 are EE 80 80 and EE 80 81 in UTF-8.
                if byte == 0xEE, index + 2 < bytes.count, bytes[index + 1] == 0x80, bytes[index + 2] & 0xFE == 0x80 {
                    if bytes[index + 2] == 0x80 {
                        openAt = count
                    } else {
                        if let start = openAt, count > start { highlights.append(Highlight(start: start, length: count - start)) }
                        openAt = nil
                    }
                    index += 3
                    continue
                }
                switch byte {
                case 0x0A, 0x0D, 0x09:
                    if !lastWasSpace {
                        text.append(0x20)
                        count += 1
                        lastWasSpace = true
                    }
                default:
                    text.append(byte)
                    // A continuation byte (10xxxxxx) is part of the scalar already counted.
                    if byte & 0xC0 != 0x80 { count += 1 }
                    lastWasSpace = byte == 0x20
                }
                index += 1
            }
            return (String(decoding: text, as: UTF8.self), highlights)
        }
    }
}
