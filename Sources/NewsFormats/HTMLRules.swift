/// Which parts of a page are article text, which are furniture.
enum HTMLRules {
    /// Elements whose end (and start) ends a paragraph.
    static let blockElements: Set<String> = [
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "br", "blockquote", "section", "article", "main",
        "td", "th", "tr", "table", "pre", "dt", "dd", "dl", "figcaption", "figure", "header", "footer", "hr", "address",
        "aside", "nav", "form", "body", "html", "title", "caption", "details", "summary",
    ]
    /// Elements never read as text.
    static let skippedElements: Set<String> = [
        "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "button", "select",
        "option", "textarea", "input", "svg", "iframe", "object", "embed", "canvas", "dialog", "menu", "head", "label",
        "video", "audio", "map",
    ]
    static let mainElements: Set<String> = ["article", "main"]

    /// Words of a class, id or label that mark furniture ("article-share-bar", "related-links").
    static let furnitureWords: Set<String> = [
        "share", "sharing", "social", "related", "newsletter", "cookie", "cookies", "consent", "promo", "advert",
        "advertisement", "ad", "ads", "adslot", "sidebar", "comments", "comment", "subscribe", "subscription", "paywall",
        "breadcrumb", "breadcrumbs", "menu", "nav", "navigation", "footer", "outbrain", "taboola", "recirculation", "recirc",
        "popup", "modal", "signup", "banner", "toolbar", "masthead", "teaser", "teasers", "recommended", "recommendations",
        "trending", "mostread", "most", "sponsored", "tags", "topics", "skip", "visually", "sr", "print", "donate",
    ]
    /// Roles that are never the article.
    static let furnitureRoles: Set<String> = ["navigation", "banner", "contentinfo", "complementary", "dialog", "alertdialog", "search", "menu"]

    static func isFurniture(_ attributes: [String: String]) -> Bool {
        if attributes["hidden"] != nil || attributes["aria-hidden"]?.lowercased() == "true" { return true }
        if let role = attributes["role"]?.lowercased(), furnitureRoles.contains(role) { return true }
        for key in ["class", "id"] {
            guard let value = attributes[key], value.utf8.count <= 400 else { continue }
            if words(of: value).contains(where: furnitureWords.contains) { return true }
        }
        return false
    }

    /// `role=main`, `itemprop=articleBody`, or a class or id naming the article body.
    static func marksMain(_ attributes: [String: String]) -> Bool {
        if attributes["role"]?.lowercased() == "main" { return true }
        if attributes["itemprop"]?.lowercased() == "articlebody" { return true }
        for key in ["class", "id"] {
            guard let value = attributes[key]?.lowercased(), value.utf8.count <= 400 else { continue }
            if value.contains("article-body") || value.contains("articlebody") || value.contains("story-body")
                || value.contains("article__body") || value.contains("entry-content") { return true }
        }
        return false
    }

    static func marksByline(_ attributes: [String: String]) -> Bool {
        if attributes["rel"]?.lowercased() == "author" { return true }
        if attributes["itemprop"]?.lowercased() == "author" { return true }
        guard let value = attributes["class"], value.utf8.count <= 400 else { return false }
        let classWords = words(of: value)
        return classWords.contains("byline") || classWords.contains("author")
    }

    /// A class or id split into lower-case words at anything not a letter or digit.
    static func words(of value: String) -> [String] {
        value.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init)
    }
}
