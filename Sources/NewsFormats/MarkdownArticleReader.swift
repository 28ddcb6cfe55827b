import CCommonMark
import Glibc
import NewsCore
import Yams

/// A Markdown note (`.md`, `.markdown`): optional YAML front matter (`title`, `date`, `author`,
/// `source`/`outlet`, `url`, `lang`), then the text, turned into HTML by cmark (CommonMark's
/// reference parser, fuzzed upstream) and read like a page, so the indexed text carries no `#`,
/// `**` or link brackets.
enum MarkdownArticleReader {
    static func read(_ bytes: [UInt8]) -> Result<ParsedArticle, ArticleRejection> {
        let (text, encoding) = TextDecoder.decode(bytes)
        let (frontMatter, body) = splitFrontMatter(text)
        var metadata = ArticleMetadata()
        if let frontMatter {
            switch self.metadata(ofFrontMatter: frontMatter) {
            case .success(let found): metadata = found
            case .failure(let rejection): return .failure(rejection)
            }
        }
        let page = HTMLPageReader.read(html(of: body))
        return HTMLArticleReader.article(of: page, encoding: encoding, metadata: metadata).mapError { rejection in
            if case .noText = rejection {
                return .noText(format: "Markdown", hint: "write the headline on the first line (or as title: in the front matter) and the text below it")
            }
            return rejection
        }
    }

    /// The HTML cmark makes of `markdown`; raw HTML in the note is left out (CMARK_OPT_SAFE is
    /// the default: it becomes a comment), links and images keep their text.
    static func html(of markdown: String) -> [UInt8] {
        var bytes = Array(markdown.utf8)
        guard let rendered = bytes.withUnsafeMutableBufferPointer({ buffer in
            buffer.withMemoryRebound(to: CChar.self) { cmark_markdown_to_html($0.baseAddress, $0.count, CMARK_OPT_DEFAULT) }
        }) else { return [] }
        defer { free(rendered) }
        return Array(UnsafeBufferPointer(start: UnsafeRawPointer(rendered).assumingMemoryBound(to: UInt8.self), count: strlen(rendered)))
    }

    /// Front matter is the block between a first line `---` and the next `---` (or `...`) line.
    static func splitFrontMatter(_ text: String) -> (frontMatter: String?, body: String) {
        let lines = ArticleParser.lines(of: text)
        guard let first = lines.first, first.trimmingSpaces == "---" else { return (nil, text) }
        guard let end = lines.dropFirst().firstIndex(where: { $0.trimmingSpaces == "---" || $0.trimmingSpaces == "..." }) else {
            return (nil, text)
        }
        let frontMatter = lines[1..<end].joined(separator: "\n")
        let body = lines[(end + 1)...].joined(separator: "\n")
        return (frontMatter, body)
    }

    /// `key: value` lines (the value is everything after the first ": ", quotes removed), or nil
    /// when a line is neither that, blank nor a comment.
    static func plainKeyValues(_ yaml: String) -> [String: Node]? {
        var values: [String: Node] = [:]
        for line in ArticleParser.lines(of: yaml) {
            let trimmed = line.trimmingSpaces
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let separator = line.firstRange(of: ": "), !line.hasPrefix(" ") else { return nil }
            let key = line[..<separator.lowerBound].trimmingSpaces.lowercased()
            var value = line[separator.upperBound...].trimmingSpaces
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            guard !key.isEmpty, !key.contains(" ") else { return nil }
            if values[key] == nil { values[key] = Node(value) }
        }
        return values
    }

    static func metadata(ofFrontMatter yaml: String) -> Result<ArticleMetadata, ArticleRejection> {
        var values: [String: Node] = [:]
        do {
            guard let mapping = try Yams.compose(yaml: yaml)?.mapping else { return .success(ArticleMetadata()) }
            for (key, value) in mapping {
                if let name = key.scalar?.string.lowercased(), values[name] == nil { values[name] = value }
            }
        } catch {
            // Notes often break YAML in one way: a colon inside an unquoted value ("title: Strike:
            // what it means"). Lines of `key: value` are read as such; anything else is reported.
            guard let plain = plainKeyValues(yaml) else {
                return .failure(.malformed(format: "Markdown", detail: "its front matter (between the --- lines) is not valid YAML: \(String(describing: error).prefix(200))"))
            }
            values = plain
        }
        func text(_ keys: String...) -> String? {
            for key in keys {
                guard let node = values[key] else { continue }
                if let scalar = node.scalar?.string.trimmingSpaces, !scalar.isEmpty { return scalar }
                if let items = node.sequence {
                    let names = items.compactMap { $0.scalar?.string.trimmingSpaces ?? $0.mapping?["name"]?.scalar?.string }
                        .filter { !$0.isEmpty }
                    if !names.isEmpty { return names.prefix(10).joined(separator: ", ") }
                }
                if let name = node.mapping?["name"]?.scalar?.string.trimmingSpaces, !name.isEmpty { return name }
            }
            return nil
        }
        return .success(ArticleMetadata(
            headline: text("title", "headline"),
            published: text("date", "published", "pubdate", "published_at", "datepublished").flatMap(MetadataDate.day(from:)),
            outlet: text("source", "outlet", "publisher", "site", "site_name"),
            byline: text("author", "authors", "byline"),
            url: text("url", "link", "source_url", "canonical").flatMap(WebAddress.normalised),
            language: text("lang", "language", "locale")))
    }
}
