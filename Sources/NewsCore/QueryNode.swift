/// A parsed search: a tree of text matches, boolean operators and filters.
///
/// The tree is the only thing the index sees of a user's query. It is translated into an
/// FTS5 MATCH expression (for the text) and SQL conditions (for dates and paths), with every
/// piece of user text re-quoted, so no typed character can form FTS5 or SQL syntax.
public indirect enum QueryNode: Sendable, Equatable {
    /// A word, phrase or prefix, in one field or (field `nil`) in headline and body.
    case text(TextMatch)
    /// Words or phrases within `distance` words of each other, in any order.
    case near(terms: [String], distance: Int, field: TextField?)
    /// Every child must match.
    case all([QueryNode])
    /// At least one child must match.
    case any([QueryNode])
    /// The child must not match.
    case not(QueryNode)
    /// A file of the article lies at this inbox-relative path or below it (a `*` makes it a glob).
    case path(String)
    /// The article's date (published, else the file's) lies in this range.
    case date(DateRange)
    /// The article arrived in the index within this range (`added:`).
    case added(TimeRange)
    /// The article is in this language (ISO 639-1 code).
    case language(String)
    /// The article's web address contains this text, lower case (`site:bbc.co.uk`, `url:/business/`).
    case address(String)
}

/// A fielded text search: `field:value`.
public enum TextField: String, Sendable, Equatable, CaseIterable {
    case title, body, outlet, byline
}

/// One word, phrase or prefix to look for.
public struct TextMatch: Sendable, Equatable {
    /// How the text is matched.
    public enum Kind: Sendable, Equatable {
        /// A word (stemmed, case- and diacritics-insensitive).
        case word
        /// Words next to each other, in this order.
        case phrase
        /// Words starting with the text, written `text*`.
        case prefix
    }

    public var kind: Kind
    public var text: String
    /// The field to search; `nil` means headline and body.
    public var field: TextField?

    public init(_ kind: Kind, _ text: String, field: TextField? = nil) {
        self.kind = kind
        self.text = text
        self.field = field
    }
}

/// A half-open range for a filter, either end open (`nil`).
public struct HalfOpenRange<Bound: Sendable & Equatable>: Sendable, Equatable {
    /// First value included; `nil`: no lower bound.
    public var from: Bound?
    /// First value no longer included; `nil`: no upper bound.
    public var before: Bound?

    public init(from: Bound?, before: Bound?) {
        self.from = from
        self.before = before
    }
}

/// Calendar days, as ISO dates (`YYYY-MM-DD`) that compare as strings.
public typealias DateRange = HalfOpenRange<String>

/// Moments in Unix seconds: when articles arrived (`added:`).
public typealias TimeRange = HalfOpenRange<Double>

extension QueryNode {
    /// The same tree with `field` given to every text match that has none (for `title:(a OR b)`).
    func inField(_ field: TextField) -> QueryNode {
        switch self {
        case .text(var match):
            if match.field == nil { match.field = field }
            return .text(match)
        case .near(let terms, let distance, let own):
            return .near(terms: terms, distance: distance, field: own ?? field)
        case .all(let children): return .all(children.map { $0.inField(field) })
        case .any(let children): return .any(children.map { $0.inField(field) })
        case .not(let child): return .not(child.inField(field))
        case .path, .date, .added, .language, .address: return self
        }
    }
}
