/// Decides which file names in the inbox are articles and which are left alone.
public struct InboxNamePolicy: Sendable, Equatable {
    /// Suffixes of names that editors and downloaders use while a file is still being written.
    public var ignoredSuffixes: [String]
    /// File extensions (lower case, without the dot) that are read as articles.
    public var articleExtensions: [String]

    public init(ignoredSuffixes: [String] = [".tmp", ".part", ".swp", "~"], articleExtensions: [String] = InboxNamePolicy.readExtensions) {
        self.ignoredSuffixes = ignoredSuffixes
        self.articleExtensions = articleExtensions
    }

    /// Extensions of the formats newsd reads (see NewsFormats' `ArticleFormat`, which the tests keep equal).
    public static let readExtensions = ["txt", "text", "html", "htm", "xhtml", "md", "markdown", "json", "jsonl", "ndjson", "eml", "pdf"]

    /// Why a regular file that is not hidden or temporary is not read, for `failures --ignored`.
    public func ignoredReason(_ name: String) -> String {
        let known = "newsd reads .txt, .html, .htm, .md, .markdown, .json, .jsonl, .ndjson, .eml and .pdf files"
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else {
            return "the name has no extension; \(known) (rename it, .txt for plain text)"
        }
        let ext = name[name.index(after: dot)...].lowercased()
        let hint: String
        switch ext {
        case "docx", "doc", "odt", "rtf", "pages":
            hint = "save it as PDF, HTML or plain text"
        case "jpg", "jpeg", "png", "gif", "webp", "tif", "tiff", "heic":
            hint = "a picture holds no text newsd can index (OCR it first)"
        case "mht", "mhtml", "webarchive":
            hint = "save the page as \"Web page, HTML only\" instead"
        default:
            hint = "rename it if it is one of these"
        }
        return ".\(ext) is not a format newsd reads: \(known); \(hint)"
    }

    /// Whether a name (the last path component) is skipped entirely: hidden files and
    /// temporary files are never indexed and never reported as failures.
    public func isIgnored(_ name: String) -> Bool {
        name.hasPrefix(".") || ignoredSuffixes.contains { name.hasSuffix($0) }
    }

    /// Whether a name is read as an article.
    public func isArticle(_ name: String) -> Bool {
        guard !isIgnored(name), let dot = name.lastIndex(of: "."), dot != name.startIndex else { return false }
        let ext = name[name.index(after: dot)...].lowercased()
        return articleExtensions.contains(ext)
    }
}
