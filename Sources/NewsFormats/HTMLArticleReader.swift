import NewsCore

/// A web page saved from a browser (`.html`, `.htm`): its main text and metadata.
enum HTMLArticleReader {
    static func read(_ bytes: [UInt8]) -> Result<ParsedArticle, ArticleRejection> {
        let page = HTMLPageReader.read(bytes)
        return article(of: page, encoding: .utf8)
    }

    static func article(of page: HTMLPage, encoding: TextEncoding, metadata extra: ArticleMetadata = ArticleMetadata()) -> Result<ParsedArticle, ArticleRejection> {
        let metadata = extra.filled(from: HTMLMetadata.of(page))
        var paragraphs = page.articleBlocks.map(\.text)
        if let named = metadata.headline, let first = paragraphs.first,
           ContentHash.normalise(first) == ContentHash.normalise(named) {
            paragraphs.removeFirst()
        }
        let headline: String
        if let named = metadata.headline {
            headline = named
        } else if let first = paragraphs.first {
            headline = first
            paragraphs.removeFirst()
        } else {
            return .failure(.noText(format: "HTML", hint: "the page has no headline and no paragraphs (save the article's page, not an index or a script)"))
        }
        guard !paragraphs.isEmpty else {
            return .failure(.noText(format: "HTML", hint: "the page has a headline but no paragraphs (a page its scripts fill in: save it once it has loaded, as \"Web page, complete\")"))
        }
        return .success(ParsedArticle(headline: headline, paragraphs: paragraphs, encoding: encoding, metadata: metadata))
    }
}
