import NewsCore

/// A newsletter or news alert saved as an e-mail (`.eml`, RFC 5322 with MIME): `Subject` is the
/// headline, the sender's display name (or domain) the outlet, `Date` the date, and the text
/// the `text/plain` part, or else the `text/html` part read like a page.
enum EmailArticleReader {
    static func read(_ bytes: [UInt8]) -> Result<ParsedArticle, ArticleRejection> {
        let message = MIMEEntity(bytes[...])
        guard message.headers["subject"] != nil || message.headers["from"] != nil || message.headers["content-type"] != nil else {
            return .failure(.malformed(format: "e-mail", detail: "it has no Subject, From or Content-Type header (an .eml file starts with the message's headers)"))
        }
        let subject = message.headers["subject"].map(MIMEEntity.decodeWords).map(withoutReplyPrefixes)
        let metadata = ArticleMetadata(
            headline: subject.flatMap { $0.isEmpty ? nil : $0 },
            published: message.headers["date"].flatMap(MetadataDate.day(from:)),
            outlet: message.headers["from"].map(MIMEEntity.decodeWords).flatMap(sender),
            byline: nil, url: nil,
            language: message.headers["content-language"])
        var plain: MIMEEntity?
        var html: MIMEEntity?
        if let problem = collectTextParts(message, depth: 0, plain: &plain, html: &html) {
            return .failure(.malformed(format: "e-mail", detail: problem))
        }
        if let plain {
            let (text, encoding) = plain.text
            let paragraphs = JSONArticleReader.paragraphs(of: text).filter { !$0.hasPrefix(">") }
            if !paragraphs.isEmpty {
                return article(paragraphs: paragraphs, encoding: encoding, metadata: metadata)
            }
        }
        if let html {
            let (text, encoding) = html.text
            return HTMLArticleReader.article(of: HTMLPageReader.read(Array(text.utf8)), encoding: encoding, metadata: metadata)
        }
        return .failure(.noText(format: "e-mail", hint: "it has no text/plain or text/html part with text"))
    }

    private static func article(paragraphs: [String], encoding: TextEncoding, metadata: ArticleMetadata) -> Result<ParsedArticle, ArticleRejection> {
        var paragraphs = paragraphs
        let headline = metadata.headline ?? paragraphs.removeFirst()
        return .success(ParsedArticle(headline: headline, paragraphs: paragraphs, encoding: encoding, metadata: metadata))
    }

    /// Walks the MIME tree for the first text/plain and text/html leaves (attachments skipped).
    /// Returns what is broken about the tree, or nil.
    private static func collectTextParts(_ entity: MIMEEntity, depth: Int, plain: inout MIMEEntity?, html: inout MIMEEntity?) -> String? {
        guard depth <= MIMEEntity.maximumDepth else { return "its MIME parts are nested more than \(MIMEEntity.maximumDepth) deep" }
        let type = entity.mediaType
        if type.hasPrefix("multipart/") {
            switch entity.parts() {
            case .failure(let problem): return problem.description
            case .success(let parts):
                for part in parts.prefix(100) {
                    if let problem = collectTextParts(part, depth: depth + 1, plain: &plain, html: &html) { return problem }
                }
                return nil
            }
        }
        if type == "message/rfc822" {
            return collectTextParts(MIMEEntity(entity.decodedBody[...]), depth: depth + 1, plain: &plain, html: &html)
        }
        if entity.headers["content-disposition"]?.lowercased().hasPrefix("attachment") == true { return nil }
        if type == "text/plain", plain == nil { plain = entity }
        if type == "text/html", html == nil { html = entity }
        return nil
    }

    static func withoutReplyPrefixes(_ subject: String) -> String {
        var text = subject.trimmingSpaces
        var changed = true
        while changed {
            changed = false
            for prefix in ["fwd:", "fw:", "re:", "aw:", "wg:", "tr:"] where text.lowercased().hasPrefix(prefix) {
                text = String(text.dropFirst(prefix.count)).trimmingSpaces
                changed = true
            }
        }
        return text
    }

    /// `"The Daily Brief" <news@example.com>` → "The Daily Brief"; `news@example.com` → its domain's outlet.
    static func sender(_ from: String) -> String? {
        var display = from
        var address: String?
        if let open = from.lastIndex(of: "<"), let close = from[open...].firstIndex(of: ">") {
            address = String(from[from.index(after: open)..<close])
            display = String(from[..<open])
        } else if from.contains("@") {
            address = from.trimmingSpaces
            display = ""
        }
        display = display.trimmingSpaces
        if display.hasPrefix("\""), display.hasSuffix("\""), display.count >= 2 { display = String(display.dropFirst().dropLast()).trimmingSpaces }
        if !display.isEmpty, !display.contains("@") { return display }
        guard let domain = address?.split(separator: "@").last else { return nil }
        return OutletNames.fromAddress("https://" + domain)
    }
}
