/// What a file's format says about the article it holds (HTML meta tags, Markdown front matter,
/// a scraper's JSON keys, e-mail headers), before the text itself is read. Every field is
/// optional: what the format does not say, the analyzer looks for in the text.
public struct ArticleMetadata: Sendable, Equatable {
    /// The headline the format names (JSON-LD `headline`, `og:title`, front matter `title`, `Subject`).
    public var headline: String?
    /// The publication date the format gives. Formats give a year or nothing, so it is `published`.
    public var published: CalendarDay?
    /// The outlet as the format names it (`publisher.name`, `og:site_name`, `source`); mapped
    /// through `OutletNames` by the analyzer.
    public var outlet: String?
    /// Author or authors, joined with ", ".
    public var byline: String?
    /// The article's own address (canonical link, `og:url`, JSON `url`).
    public var url: String?
    /// The language the format declares (`<html lang>`, `inLanguage`, `lang:`), as written.
    public var language: String?

    public init(headline: String? = nil, published: CalendarDay? = nil, outlet: String? = nil, byline: String? = nil,
                url: String? = nil, language: String? = nil) {
        self.headline = headline
        self.published = published
        self.outlet = outlet
        self.byline = byline
        self.url = url
        self.language = language
    }

    /// Fields of `self`, with the empty ones filled from `other` (`self` is trusted more).
    public func filled(from other: ArticleMetadata) -> ArticleMetadata {
        ArticleMetadata(headline: headline ?? other.headline, published: published ?? other.published,
                        outlet: outlet ?? other.outlet, byline: byline ?? other.byline,
                        url: url ?? other.url, language: language ?? other.language)
    }
}

/// How sure newsd is of an article's date.
public enum DateSource: String, Codable, Sendable, Equatable, CaseIterable {
    /// Day and year written in the article or its metadata.
    case published
    /// The day is written in the article but not the year ("LONDON, April 3 (Reuters) -"):
    /// the year is the file's (see `DateExtractor.inferYear`), and may be wrong.
    case inferred
    /// Not in the text: the modification day of the file that brought the article in.
    case file

    /// Whether the year (or the whole date) was not read from the article.
    public var isUncertain: Bool { self != .published }
}

/// A day with how it was found.
public struct ArticleDate: Sendable, Equatable {
    public var day: CalendarDay
    public var source: DateSource

    public init(day: CalendarDay, source: DateSource) {
        self.day = day
        self.source = source
    }
}
