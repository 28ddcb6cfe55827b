import NewsCore

/// A scraper's export: one article object, an array of them (or an object holding one under
/// `articles`, `items`, `results` or `data`), or JSON Lines with one object per line. Articles
/// of a multi-article file are keyed by their 1-based position (the line number in JSON Lines),
/// so `export.jsonl#17` is line 17.
enum JSONArticleReader {
    static let titleKeys = ["title", "headline", "name", "subject"]
    static let textKeys = ["text", "content", "body", "maintext", "article", "article_text", "full_text", "fulltext", "description", "summary"]
    static let dateKeys = ["published", "date", "date_publish", "datepublished", "published_at", "publishedat", "pubdate",
                           "publish_date", "date_published", "published_date", "publication_date", "created_at", "time", "timestamp"]
    static let outletKeys = ["source", "outlet", "source_domain", "publisher", "site_name", "sitename", "site", "domain", "source_name", "feed"]
    static let authorKeys = ["authors", "author", "byline", "creator", "writers"]
    static let urlKeys = ["url", "link", "source_url", "canonical_url", "permalink", "href", "uri"]
    static let languageKeys = ["language", "lang", "locale", "inlanguage"]
    static let containerKeys = ["articles", "items", "results", "data", "entries", "documents", "posts", "hits"]

    /// Entries past this many in one file are not read (a multi-gigabyte export belongs in several files).
    static let maximumArticles = 100_000

    static func read(_ bytes: [UInt8], lines: Bool) -> Result<FileReading, ArticleRejection> {
        if bytes.isEmpty { return .failure(.empty) }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return .failure(.whitespaceOnly) }
        if lines { return readLines(bytes) }
        let value: JSONValue
        switch JSONValue.parse(Array(bytes.drop(while: { $0 == 0xEF || $0 == 0xBB || $0 == 0xBF }))) {
        case .success(let parsed): value = parsed
        case .failure(let problem): return .failure(.malformed(format: "JSON", detail: problem.description))
        }
        if case .array(let items) = value { return several(items.enumerated().map { ("\($0.offset + 1)", $0.element) }) }
        if case .object = value {
            if let container = containerKeys.lazy.compactMap({ value[$0] }).first, case .array(let items) = container {
                return several(items.enumerated().map { ("\($0.offset + 1)", $0.element) })
            }
            return article(of: value).map { FileReading(articles: [FileArticle(key: nil, article: $0)]) }
        }
        return .failure(.notAnArticle(detail: "the file holds a single \(kind(of: value)), not an object"))
    }

    private static func readLines(_ bytes: [UInt8]) -> Result<FileReading, ArticleRejection> {
        var entries: [(String, JSONValue)] = []
        var problems: [(key: String, reason: String)] = []
        var problemCount = 0
        var lineNumber = 0
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            guard line.contains(where: { $0 != 0x20 && $0 != 0x0D && $0 != 0x09 }) else { continue }
            guard entries.count < maximumArticles else { break }
            switch JSONValue.parse(Array(line)) {
            case .success(let value): entries.append(("\(lineNumber)", value))
            case .failure(let problem):
                problemCount += 1
                if problems.count < 10 { problems.append(("\(lineNumber)", problem.description)) }
            }
        }
        guard !entries.isEmpty else {
            if let first = problems.first { return .failure(.malformed(format: "JSON Lines", detail: "line \(first.key): \(first.reason)")) }
            return .failure(.whitespaceOnly)
        }
        return several(entries, problems: problems, problemCount: problemCount)
    }

    private static func several(_ entries: [(String, JSONValue)], problems: [(key: String, reason: String)] = [],
                                problemCount: Int = 0) -> Result<FileReading, ArticleRejection> {
        var articles: [FileArticle] = []
        var skipped = problems
        var skippedCount = problemCount
        for (key, value) in entries.prefix(maximumArticles) {
            switch article(of: value) {
            case .success(let parsed): articles.append(FileArticle(key: key, article: parsed))
            case .failure(let rejection):
                skippedCount += 1
                if skipped.count < 10 { skipped.append((key, rejection.description)) }
            }
        }
        guard !articles.isEmpty else {
            let why = skipped.first.map { "entry \($0.key): \($0.reason)" } ?? "the list is empty"
            return .failure(.notAnArticle(detail: why))
        }
        return .success(FileReading(articles: articles, skipped: skipped, skippedCount: skippedCount))
    }

    /// One article object.
    static func article(of value: JSONValue) -> Result<ParsedArticle, ArticleRejection> {
        guard case .object(let members) = value else {
            return .failure(.notAnArticle(detail: "an entry is a \(kind(of: value)), not an object"))
        }
        // Keys are matched without case; the first spelling present wins.
        var lowered: [String: JSONValue] = [:]
        for (key, member) in members where lowered[key.lowercased()] == nil { lowered[key.lowercased()] = member }
        func first(_ keys: [String]) -> JSONValue? { keys.lazy.compactMap { lowered[$0] }.first { $0 != .null } }
        let title = first(titleKeys)?.text
        let bodyText = textKeys.lazy.compactMap { lowered[$0]?.text }.first { $0.utf8.count > (title?.utf8.count ?? 0) || title == nil }
        guard let bodyText else {
            let keys = members.keys.sorted().prefix(12).joined(separator: ", ")
            return .failure(.notAnArticle(detail: "no text, content or body key (it has: \(keys.isEmpty ? "nothing" : keys))"))
        }
        var paragraphs = paragraphs(of: bodyText)
        let headline: String
        if let title { headline = title }
        else if !paragraphs.isEmpty { headline = paragraphs.removeFirst() }
        else { return .failure(.notAnArticle(detail: "the text is empty")) }
        let outletValue = first(outletKeys)
        let metadata = ArticleMetadata(
            headline: title,
            published: first(dateKeys).flatMap(date(of:)),
            outlet: outletValue.flatMap { $0["name"]?.text ?? $0["title"]?.text ?? $0.text },
            byline: first(authorKeys).map(\.names).flatMap { $0.isEmpty ? nil : $0.prefix(10).joined(separator: ", ") },
            url: first(urlKeys)?.text.flatMap(WebAddress.normalised),
            language: first(languageKeys)?.text)
        return .success(ParsedArticle(headline: headline, paragraphs: paragraphs, encoding: .utf8, metadata: metadata))
    }

    /// Text as scrapers store it: plain paragraphs separated by blank lines (or by single line
    /// breaks when there are no blank ones), or an HTML fragment.
    static func paragraphs(of text: String) -> [String] {
        if text.contains("</p>") || text.contains("<br") || text.contains("</div>") {
            return HTMLPageReader.read(Array(text.utf8)).blocks.map(\.text)
        }
        let lines = ArticleParser.lines(of: text).map { ArticleParser.trimmed($0) }
        let hasBlankLines = lines.contains { $0.isEmpty }
        var result: [String] = []
        var current: [Substring] = []
        for line in lines {
            if line.isEmpty || !hasBlankLines {
                if !current.isEmpty { result.append(current.joined(separator: " ")) }
                current.removeAll()
                if !line.isEmpty { current.append(line) }
            } else {
                current.append(line)
            }
        }
        if !current.isEmpty { result.append(current.joined(separator: " ")) }
        return result
    }

    /// A date as text, or as Unix seconds (or milliseconds) since 1970.
    static func date(of value: JSONValue) -> CalendarDay? {
        if case .number(let number) = value, number.isFinite, abs(number) < 1e15 {
            let seconds = abs(number) > 1e11 ? number / 1000 : number
            return CalendarDay(unixSeconds: Int64(seconds))
        }
        return value.text.flatMap(MetadataDate.day(from:))
    }

    static func kind(of value: JSONValue) -> String {
        switch value {
        case .string: "string"
        case .number: "number"
        case .bool: "true or false"
        case .null: "null"
        case .array: "list"
        case .object: "object"
        }
    }
}
