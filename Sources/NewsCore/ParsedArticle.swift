/// How the bytes of an article file were turned into text.
public enum TextEncoding: String, Sendable, Codable, Equatable {
    /// Valid UTF-8 (a leading byte-order mark, if any, was dropped).
    case utf8 = "utf-8"
    /// Not valid UTF-8; decoded as Windows-1252, the usual encoding of such legacy files.
    case windows1252 = "windows-1252"
    /// Another charset a format declared (an e-mail part's `charset`, a page's `<meta charset>`),
    /// decoded by that format's reader.
    case declared = "declared"
}

/// An article as read from one inbox file: the text newsd indexes.
public struct ParsedArticle: Sendable, Equatable {
    /// The first non-empty line, trimmed.
    public var headline: String
    /// The paragraphs after the headline, each with its line breaks folded into spaces.
    public var paragraphs: [String]
    /// How the file's bytes were decoded.
    public var encoding: TextEncoding
    /// What the file's format says about the article (empty for plain text).
    public var metadata: ArticleMetadata

    public init(headline: String, paragraphs: [String], encoding: TextEncoding, metadata: ArticleMetadata = ArticleMetadata()) {
        self.headline = headline
        self.paragraphs = paragraphs
        self.encoding = encoding
        self.metadata = metadata
    }

    /// The body as stored and indexed: paragraphs separated by a blank line.
    public var body: String { paragraphs.joined(separator: "\n\n") }

    /// Number of words in headline and body (runs of letters or digits).
    public var wordCount: Int {
        WordCounter.count(in: headline) + paragraphs.reduce(0) { $0 + WordCounter.count(in: $1) }
    }

    /// A fingerprint of the normalised text (case, white space and quote styles ignored),
    /// so that the same article saved twice is recognised as one.
    public var contentHash: String {
        ContentHash.of(normalisedText: ContentHash.normalise(headline + "\n" + body))
    }
}

enum WordCounter {
    static func count(in text: String) -> Int {
        var count = 0
        var inWord = false
        for scalar in text.unicodeScalars {
            // ASCII answers without a Unicode property lookup (the same answer: letters and digits).
            let isWordScalar = scalar.isASCII
                ? DateExtractor.isWordScalar(scalar)
                : scalar.properties.isAlphabetic || scalar.properties.numericType != nil
            if isWordScalar && !inWord { count += 1 }
            inWord = isWordScalar
        }
        return count
    }
}
