import NewsCore

/// The metadata of a page, from the sources a page offers, most trusted first: JSON-LD
/// `NewsArticle`/`Article`, OpenGraph and `article:` meta, `<meta name=…>`, `<link rel=canonical>`,
/// `<html lang>`, `<title>`.
enum HTMLMetadata {
    static let articleTypes: Set<String> = [
        "newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
        "backgroundnewsarticle", "reviewnewsarticle", "blogposting", "liveblogposting", "scholarlyarticle", "report",
    ]

    static func of(_ page: HTMLPage) -> ArticleMetadata {
        let linked = page.jsonLD.lazy.compactMap(jsonLDArticle).first.map(metadata(ofJSONLD:)) ?? ArticleMetadata()
        let meta = page.metas
        func firstMeta(_ keys: String...) -> String? {
            keys.lazy.compactMap { meta[$0]?.trimmingSpaces }.first { !$0.isEmpty }
        }
        let siteName = firstMeta("og:site_name", "application-name", "publisher", "dc.publisher", "twitter:site")
            .map { $0.hasPrefix("@") ? String($0.dropFirst()) : $0 }
        let authorMeta = firstMeta("article:author", "author", "dc.creator", "byl", "parsely-author", "sailthru.author")
            .flatMap { WebAddress.normalised($0) == nil ? $0 : nil }
        let tagged = ArticleMetadata(
            headline: firstMeta("og:title", "twitter:title", "headline", "dc.title", "parsely-title"),
            published: firstMeta("article:published_time", "datepublished", "date", "pubdate", "publish-date", "dc.date",
                                 "dc.date.issued", "dcterms.created", "parsely-pub-date", "sailthru.date", "og:published_time",
                                 "article:modified_time", "datemodified", "last-modified", "time:datetime").flatMap(MetadataDate.day(from:)),
            outlet: siteName,
            byline: authorMeta ?? page.bylines.first.map(cleanByline),
            url: firstMeta("og:url").flatMap(WebAddress.normalised) ?? page.canonical.flatMap(WebAddress.normalised),
            language: page.language ?? firstMeta("og:locale", "content-language", "language", "dc.language"))
        var found = linked.filled(from: tagged)
        if found.headline == nil {
            found.headline = page.firstHeading ?? page.title.map { titleWithoutSite($0, siteName: found.outlet) }
        }
        if let headline = found.headline { found.headline = titleWithoutSite(headline, siteName: found.outlet) }
        return found
    }

    /// The first JSON-LD object of an article type, looked for in arrays and `@graph`.
    static func jsonLDArticle(_ text: String) -> JSONValue? {
        guard case .success(let value) = JSONValue.parse(Array(text.utf8)) else { return nil }
        var queue = [value]
        var looked = 0
        while !queue.isEmpty, looked < 200 {
            let candidate = queue.removeFirst()
            looked += 1
            switch candidate {
            case .array(let values): queue.append(contentsOf: values)
            case .object:
                let types = candidate["@type"].map { type -> [String] in
                    if case .array(let values) = type { return values.compactMap(\.text) }
                    return type.text.map { [$0] } ?? []
                } ?? []
                if types.contains(where: { articleTypes.contains($0.lowercased()) }) { return candidate }
                if let graph = candidate["@graph"] { queue.append(graph) }
            default: break
            }
        }
        return nil
    }

    static func metadata(ofJSONLD article: JSONValue) -> ArticleMetadata {
        let authors = article["author"]?.names ?? article["creator"]?.names ?? []
        var url = article["url"]?.text
        if url == nil, let page = article["mainEntityOfPage"] { url = page["@id"]?.text ?? page.text }
        return ArticleMetadata(
            headline: article["headline"]?.text ?? article["name"]?.text,
            published: (article["datePublished"]?.text ?? article["dateCreated"]?.text ?? article["dateModified"]?.text)
                .flatMap(MetadataDate.day(from:)),
            outlet: article["publisher"]?.text ?? article["sourceOrganization"]?.text,
            byline: authors.isEmpty ? nil : authors.prefix(10).joined(separator: ", "),
            url: url.flatMap(WebAddress.normalised),
            language: article["inLanguage"]?.text)
    }

    /// "Headline | Outlet", "Headline - Outlet", "Headline — Outlet": the site's name cut off
    /// when it is the page's outlet or a known one.
    static func titleWithoutSite(_ title: String, siteName: String?) -> String {
        for separator in [" | ", " - ", " — ", " – ", " :: ", " · "] {
            guard let range = title.ranges(of: separator).last else { continue }
            let head = title[..<range.lowerBound].trimmingSpaces
            let tail = title[range.upperBound...].trimmingSpaces
            guard !head.isEmpty else { continue }
            let isSite = OutletNames.known(tail) != nil
                || siteName.map { tail.lowercased() == $0.lowercased() || OutletNames.known(tail) == OutletNames.known($0) && OutletNames.known($0) != nil } == true
                || tail.lowercased().hasSuffix(" news") && tail.count <= 30
            if isSite { return head }
        }
        return title
    }

    /// "By Jane Doe" as a byline element writes it → "Jane Doe".
    static func cleanByline(_ text: String) -> String {
        for prefix in ["By ", "by ", "BY ", "Von ", "von ", "Par ", "par ", "Por ", "por ", "Di ", "Door "] where text.hasPrefix(prefix) {
            return String(text.dropFirst(prefix.count)).trimmingSpaces
        }
        return text
    }
}
