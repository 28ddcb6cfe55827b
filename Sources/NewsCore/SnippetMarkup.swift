/// Converts FTS5 `snippet()` output, where matches are wrapped in private marker
/// characters, into plain text plus highlight offsets.
public enum SnippetMarkup {
    /// Marks the start of a match in SQL `snippet()` calls.
    public static let open: Unicode.Scalar = "\u{E000}"
    /// Marks the end of a match.
    public static let close: Unicode.Scalar = "\u{E001}"

    /// Strips the markers and returns where they were, in scalars. Paragraph breaks
    /// become spaces so a snippet is always one line.
    public static func decode(_ marked: String) -> (text: String, highlights: [Highlight]) {
        var text = String.UnicodeScalarView()
        var highlights: [Highlight] = []
        var openAt: Int?
        var count = 0
        var lastWasSpace = false
        for scalar in marked.unicodeScalars {
            switch scalar {
            case open: openAt = count
            case close:
                if let start = openAt, count > start { highlights.append(Highlight(start: start, length: count - start)) }
                openAt = nil
            case "\n", "\r", "\t":
                if !lastWasSpace { text.append(" "); count += 1; lastWasSpace = true }
            default:
                text.append(scalar); count += 1; lastWasSpace = scalar == " "
            }
        }
        return (String(text), highlights)
    }
}
