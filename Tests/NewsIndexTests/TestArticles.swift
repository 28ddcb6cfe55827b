import NewsCore
@testable import NewsIndex

/// Articles for index tests: one paragraph of body, hashed and counted as the ingest does.
enum TestArticles {
    static func article(headline: String, body: String, outlet: String? = nil, byline: String? = nil,
                        published: String? = nil, dateSource: DateSource? = nil, fileDate: String = "2020-01-01", url: String? = nil,
                        language: String? = nil) -> IndexableArticle {
        let parsed = ParsedArticle(headline: headline, paragraphs: [body], encoding: .utf8)
        return IndexableArticle(contentHash: parsed.contentHash, headline: headline, body: parsed.body, encoding: "utf-8",
                                wordCount: parsed.wordCount, outlet: outlet, byline: byline, publishedDate: published, dateSource: dateSource,
                                url: url, language: language, fileDate: fileDate)
    }

    /// Upserts of `articles` at their paths, each file with a stamp of its own.
    static func upserts(_ articles: [(path: String, article: IndexableArticle)]) -> [IndexChange] {
        articles.enumerated().map { n, item in
            .upsert(path: item.path, stamp: FileStamp(inode: UInt64(n + 1), size: 1, mtimeNs: 1), article: item.article)
        }
    }
}
