/// Why a file could not be read as an article. Each case has a message a user can act on.
public enum ArticleRejection: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file has no bytes at all.
    case empty
    /// The file holds only white space.
    case whitespaceOnly
    /// The file contains a NUL byte, so it is not a text file.
    case binary(offset: Int)
    /// The file is of a known format but holds no article text (a page of links, a scanned PDF).
    case noText(format: String, hint: String)
    /// The file is not what its extension says, or is broken beyond reading.
    case malformed(format: String, detail: String)
    /// A JSON file that holds no article object.
    case notAnArticle(detail: String)
    /// The program that converts this format to text is not installed.
    case converterMissing(program: String, package: String)
    /// The converter failed, crashed or ran out of time.
    case converterFailed(program: String, detail: String)

    public var description: String {
        switch self {
        case .empty: "the file is empty; write the headline on the first line and the body below it"
        case .whitespaceOnly: "the file holds only white space; an article needs at least a headline"
        case .binary(let offset): "the file is binary (NUL byte at offset \(offset)), not a text article"
        case .noText(let format, let hint): "the \(format) file holds no article text; \(hint)"
        case .malformed(let format, let detail): "the file cannot be read as \(format): \(detail)"
        case .notAnArticle(let detail): "the JSON holds no article: \(detail); newsd reads an object (or an array, or one per line) with a title and a text, body or content"
        case .converterMissing(let program, let package):
            "\(program) is needed to read this file and is not installed; install the Debian package \(package) (apt install \(package)), then run newsctl reindex"
        case .converterFailed(let program, let detail): "\(program) could not convert the file: \(detail)"
        }
    }

    /// A short stable code for the API and logs.
    public var code: String {
        switch self {
        case .empty: "empty"
        case .whitespaceOnly: "whitespace-only"
        case .binary: "binary"
        case .noText: "no-text"
        case .malformed: "malformed"
        case .notAnArticle: "not-an-article"
        case .converterMissing: "converter-missing"
        case .converterFailed: "converter-failed"
        }
    }
}

/// Reads the text format of inbox articles: the first non-empty line is the headline,
/// the rest is the body, paragraphs separated by blank lines.
public enum ArticleParser {
    /// Parses the bytes of one article file. Pure: no I/O, never traps.
    public static func parse(_ bytes: [UInt8]) -> Result<ParsedArticle, ArticleRejection> {
        if bytes.isEmpty { return .failure(.empty) }
        if let nul = bytes.firstIndex(of: 0) { return .failure(.binary(offset: nul)) }
        let (text, encoding) = TextDecoder.decode(bytes)

        var headline: String?
        var paragraphs: [String] = []
        var current: [Substring] = []
        func closeParagraph() {
            if !current.isEmpty { paragraphs.append(current.joined(separator: " ")) }
            current.removeAll()
        }
        for rawLine in lines(of: text) {
            let line = trimmed(rawLine)
            if headline == nil {
                if !line.isEmpty { headline = String(line) }
                continue
            }
            if line.isEmpty { closeParagraph() } else { current.append(line) }
        }
        closeParagraph()
        guard let headline else { return .failure(.whitespaceOnly) }
        return .success(ParsedArticle(headline: headline, paragraphs: paragraphs, encoding: encoding))
    }

    /// Splits on LF, CRLF and lone CR. Works on scalars because Swift treats
    /// CRLF as one Character, which `split(separator: "\n")` would not cut.
    public static func lines(of text: String) -> [Substring] {
        var result: [Substring] = []
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        var index = start
        while index < scalars.endIndex {
            let scalar = scalars[index]
            if scalar == "\n" || scalar == "\r" {
                result.append(Substring(scalars[start..<index]))
                var next = scalars.index(after: index)
                if scalar == "\r", next < scalars.endIndex, scalars[next] == "\n" {
                    next = scalars.index(after: next)
                }
                start = next
                index = next
            } else {
                index = scalars.index(after: index)
            }
        }
        if start < scalars.endIndex { result.append(Substring(scalars[start...])) }
        return result
    }

    public static func trimmed(_ line: Substring) -> Substring {
        let scalars = line.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return Substring(scalars[first...last])
    }
}
