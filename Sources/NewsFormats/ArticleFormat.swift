import NewsCore
import NewsText

/// The file formats newsd reads articles from, chosen by extension.
public enum ArticleFormat: String, Sendable, CaseIterable {
    case text, html, markdown, json, jsonLines, email, pdf

    /// Extensions (lower case, no dot) of each format.
    public var extensions: [String] {
        switch self {
        case .text: ["txt", "text"]
        case .html: ["html", "htm", "xhtml"]
        case .markdown: ["md", "markdown"]
        case .json: ["json"]
        case .jsonLines: ["jsonl", "ndjson"]
        case .email: ["eml"]
        case .pdf: ["pdf"]
        }
    }

    /// Whether one file may hold several articles (each indexed as `path#N`).
    public var holdsSeveral: Bool { self == .json || self == .jsonLines }

    /// The format of a file name, or nil when newsd does not read it.
    public init?(fileName: String) {
        guard let dot = fileName.lastIndex(of: "."), dot != fileName.startIndex else { return nil }
        let ext = fileName[fileName.index(after: dot)...].lowercased()
        guard let format = ArticleFormat.allCases.first(where: { $0.extensions.contains(ext) }) else { return nil }
        self = format
    }

    /// Every extension newsd reads.
    public static var allExtensions: [String] { allCases.flatMap(\.extensions) }
}

/// One article a file holds, with its key inside the file when the file holds several.
public struct FileArticle: Sendable, Equatable {
    /// `nil` for a file of one article; the 1-based position ("17") in a JSON array or JSON Lines file.
    public var key: String?
    public var article: ParsedArticle

    public init(key: String?, article: ParsedArticle) {
        self.key = key
        self.article = article
    }
}

/// What reading a file gave: its articles, or why it holds none. Articles of a multi-article
/// file that cannot be read are left out and counted, so one bad line never hides the others.
public struct FileReading: Sendable, Equatable {
    public var articles: [FileArticle]
    /// Entries of a multi-article file that were skipped, with why (the first few).
    public var skipped: [(key: String, reason: String)]
    public var skippedCount: Int

    public init(articles: [FileArticle], skipped: [(key: String, reason: String)] = [], skippedCount: Int = 0) {
        self.articles = articles
        self.skipped = skipped
        self.skippedCount = skippedCount
    }

    public static func == (lhs: FileReading, rhs: FileReading) -> Bool {
        lhs.articles == rhs.articles && lhs.skippedCount == rhs.skippedCount
            && lhs.skipped.map(\.key) == rhs.skipped.map(\.key) && lhs.skipped.map(\.reason) == rhs.skipped.map(\.reason)
    }
}

/// Reads the bytes of one inbox file in its format. Pure: no I/O (PDF text comes in already
/// converted, see `readConverted`), never traps, and every rejection says what to do.
public enum ArticleFormats {
    /// Every article comes with its language: the one its format declares, else the one CLD2
    /// detects in its headline and opening paragraphs (the analysis reads numeric dates by it).
    public static func read(_ bytes: [UInt8], format: ArticleFormat) -> Result<FileReading, ArticleRejection> {
        readDeclared(bytes, format: format).map(withLanguages)
    }

    private static func readDeclared(_ bytes: [UInt8], format: ArticleFormat) -> Result<FileReading, ArticleRejection> {
        switch format {
        case .text: return ArticleParser.parse(bytes).map(single)
        case .html: return guarded(bytes) { HTMLArticleReader.read($0) }.map(single)
        case .markdown: return guarded(bytes) { MarkdownArticleReader.read($0) }.map(single)
        case .email: return guarded(bytes) { EmailArticleReader.read($0) }.map(single)
        case .json: return JSONArticleReader.read(bytes, lines: false)
        case .jsonLines: return JSONArticleReader.read(bytes, lines: true)
        case .pdf: return .failure(.malformed(format: "PDF", detail: "a PDF is read through pdftotext"))
        }
    }

    /// The text `pdftotext` made of a PDF: an empty one is a scan.
    public static func readConverted(pdfText bytes: [UInt8]) -> Result<FileReading, ArticleRejection> {
        let text = bytes.filter { $0 != 0x0C } // form feeds between pages
        switch ArticleParser.parse(text) {
        case .success(let article): return .success(withLanguages(single(article)))
        case .failure(.empty), .failure(.whitespaceOnly):
            return .failure(.noText(format: "PDF", hint: "it is probably a scan (pictures of pages); run it through OCR (ocrmypdf) and drop the result in"))
        case .failure(let other): return .failure(other)
        }
    }

    static func withLanguages(_ reading: FileReading) -> FileReading {
        var detected = reading
        for index in detected.articles.indices where detected.articles[index].article.metadata.language == nil {
            let article = detected.articles[index].article
            var sample = article.headline
            for paragraph in article.paragraphs {
                if sample.utf8.count >= LanguageDetector.sampleBytes { break }
                sample += "\n" + paragraph
            }
            detected.articles[index].article.metadata.language = LanguageDetector.language(of: sample)
        }
        return detected
    }

    private static func single(_ article: ParsedArticle) -> FileReading {
        FileReading(articles: [FileArticle(key: nil, article: article)])
    }

    /// The checks every format shares: not empty, not binary.
    private static func guarded(_ bytes: [UInt8], _ read: ([UInt8]) -> Result<ParsedArticle, ArticleRejection>) -> Result<ParsedArticle, ArticleRejection> {
        if bytes.isEmpty { return .failure(.empty) }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return .failure(.whitespaceOnly) }
        if let nul = bytes.firstIndex(of: 0) { return .failure(.binary(offset: nul)) }
        return read(bytes)
    }
}
