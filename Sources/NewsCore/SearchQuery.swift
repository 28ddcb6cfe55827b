/// A user's search, parsed into a `QueryNode` tree. See docs/query.md for the syntax.
///
/// Grammar (implicit AND binds tighter than OR; `-` and `NOT` apply to one term or group):
///
///     query   = or
///     or      = and { "OR" and }
///     and     = unary { ["AND"] unary }
///     unary   = ["-" | "NOT"] primary
///     primary = "(" or ")" | field ":" value | "NEAR(" term { term } ["," N] ")" | "phrase" | word | prefix*
public struct SearchQuery: Sendable, Equatable {
    /// The parsed tree.
    public var root: QueryNode

    /// Longest query accepted, in Unicode scalars; longer input is certainly not typed by hand.
    public static let maximumLength = SearchLimits.maxQueryLength
    /// Most terms in one query: each is one FTS5 phrase, and thousands would only slow every reader.
    public static let maximumTerms = 100
    /// Deepest nesting of parentheses: enough for any real query, and it bounds the recursion.
    public static let maximumDepth = 20
    /// Most `prefix*` terms in one query: each one is a scan of the full-text index's vocabulary.
    public static let maximumPrefixes = 10
    /// Most `NEAR(…)` groups in one query: each is a positional comparison over every match.
    public static let maximumNearGroups = 5
    /// Largest NEAR distance; FTS5 itself accepts any, but beyond this it is no longer "near".
    public static let maximumNearDistance = 1000

    public init(root: QueryNode) {
        self.root = root
    }

    /// Parses a query, or explains with a column where it cannot be read. `clock` is the moment
    /// relative dates (`since:yesterday`, `date:"last week"`) and arrival times (`added:>2h`)
    /// count from.
    public static func parse(_ input: String, clock: QueryClock) throws(QuerySyntaxError) -> SearchQuery {
        let length = input.unicodeScalars.count
        guard length <= maximumLength else {
            throw QuerySyntaxError(message: "the query is \(length) characters long; the limit is \(maximumLength)", column: maximumLength + 1)
        }
        var parser = QueryParser(tokens: try QueryLexer.tokens(of: input), clock: clock)
        guard let root = try parser.parseQuery() else {
            throw QuerySyntaxError(message: "the query has no words to search for", column: 1)
        }
        return SearchQuery(root: root)
    }
}

/// Recursive descent over the tokens. A term without letters or digits ("&", "—") is dropped,
/// so any part may come back `nil`; an operator left without an operand is an error.
struct QueryParser {
    private let tokens: [QueryToken]
    private var position = 0
    private var depth = 0
    private var terms = 0
    private var prefixes = 0
    private var nearGroups = 0
    private let clock: QueryClock

    init(tokens: [QueryToken], clock: QueryClock) {
        self.tokens = tokens
        self.clock = clock
    }

    mutating func parseQuery() throws(QuerySyntaxError) -> QueryNode? {
        let node = try parseOr()
        if let stray = current {
            // parseOr stops only at a ')' that no '(' opened.
            throw QuerySyntaxError(message: "unmatched ')'", column: stray.column)
        }
        return node
    }

    private var current: QueryToken? { position < tokens.count ? tokens[position] : nil }

    private var endColumn: Int { (tokens.last?.column ?? 0) + 1 }

    private mutating func parseOr() throws(QuerySyntaxError) -> QueryNode? {
        var alternatives: [QueryNode] = []
        var segmentStart = position
        if let first = try parseAnd() { alternatives.append(first) }
        while let token = current, token.kind == .or {
            guard position > segmentStart else {
                throw QuerySyntaxError(message: "OR needs a term before it", column: token.column)
            }
            position += 1
            guard let next = current, next.kind != .or, next.kind != .closeParen else {
                throw QuerySyntaxError(message: "OR needs a term after it", column: token.column)
            }
            segmentStart = position
            if let node = try parseAnd() { alternatives.append(node) }
        }
        return alternatives.count <= 1 ? alternatives.first : .any(alternatives)
    }

    private mutating func parseAnd() throws(QuerySyntaxError) -> QueryNode? {
        var parts: [QueryNode] = []
        while let token = current {
            switch token.kind {
            case .or, .closeParen:
                return parts.count <= 1 ? parts.first : .all(parts)
            case .and:
                position += 1
                guard let next = current, next.kind != .or, next.kind != .closeParen, next.kind != .and else {
                    throw QuerySyntaxError(message: "AND needs a term after it", column: token.column)
                }
            case .comma:
                position += 1 // "Trump, Putin": a comma between terms means nothing.
            default:
                if let node = try parseUnary() { parts.append(node) }
            }
        }
        return parts.count <= 1 ? parts.first : .all(parts)
    }

    private mutating func parseUnary() throws(QuerySyntaxError) -> QueryNode? {
        guard let token = current else { return nil }
        if token.kind == .minus || token.kind == .not {
            position += 1
            guard let next = current, ![QueryToken.Kind.or, .and, .closeParen, .comma].contains(next.kind) else {
                throw QuerySyntaxError(message: "\(token.kind == .minus ? "-" : "NOT") needs a term after it", column: token.column)
            }
            return try parsePrimary().map { .not($0) }
        }
        return try parsePrimary()
    }

    private mutating func parsePrimary() throws(QuerySyntaxError) -> QueryNode? {
        guard let token = current else { return nil }
        position += 1
        switch token.kind {
        case .openParen:
            return try parseGroup(openedAt: token.column)
        case .field(let name):
            return try parseField(name, at: token.column)
        case .near:
            return try parseNear(at: token.column, field: nil)
        case .phrase(let text):
            return try textNode(.phrase, text, at: token.column)
        case .word(let text):
            return try wordNode(text, at: token.column)
        case .minus, .not:
            // "--x" or "NOT -x": a double negative is almost certainly a typo.
            throw QuerySyntaxError(message: "two negations in a row", column: token.column)
        case .or, .and, .closeParen, .comma:
            throw QuerySyntaxError(message: "unexpected \(describe(token.kind))", column: token.column)
        }
    }

    private mutating func parseGroup(openedAt column: Int) throws(QuerySyntaxError) -> QueryNode? {
        depth += 1
        guard depth <= SearchQuery.maximumDepth else {
            throw QuerySyntaxError(message: "parentheses nested more than \(SearchQuery.maximumDepth) deep", column: column)
        }
        if current?.kind == .closeParen {
            throw QuerySyntaxError(message: "empty parentheses", column: column)
        }
        let inner = try parseOr()
        guard current?.kind == .closeParen else {
            throw QuerySyntaxError(message: "unclosed parenthesis", column: column)
        }
        position += 1
        depth -= 1
        return inner
    }

    private mutating func parseField(_ name: String, at column: Int) throws(QuerySyntaxError) -> QueryNode? {
        guard let value = current else {
            throw QuerySyntaxError(message: "\(name): needs a value right after the colon", column: column)
        }
        if let textField = TextField(rawValue: name) {
            switch value.kind {
            case .openParen:
                position += 1
                return try parseGroup(openedAt: value.column)?.inField(textField)
            case .near:
                position += 1
                return try parseNear(at: value.column, field: textField)
            case .phrase, .word:
                return try parsePrimary()?.inField(textField)
            default:
                throw QuerySyntaxError(message: "\(name): needs a word, \"phrase\" or (group) after the colon", column: column)
            }
        }
        let text: String
        switch value.kind {
        case .word(let word): text = word
        case .phrase(let phrase) where name != "lang": text = phrase
        default:
            throw QuerySyntaxError(message: "\(name): needs a value right after the colon", column: column)
        }
        position += 1
        if name == "path" {
            guard !text.isEmpty else { throw QuerySyntaxError(message: "path: needs a folder or file name", column: column) }
            try countTerm(at: column)
            return .path(text.hasPrefix("/") || text.hasPrefix("./") ? String(text.drop { $0 == "/" || $0 == "." }) : text)
        }
        if name == "lang" {
            guard let code = LanguageCode.normalised(text) else {
                throw QuerySyntaxError(message: "lang: needs a language code such as en, de or fr (or its English name)", column: value.column)
            }
            try countTerm(at: column)
            return .language(code)
        }
        if name == "site" {
            guard !text.isEmpty else { throw QuerySyntaxError(message: "site: needs a web address or a part of one", column: column) }
            try countTerm(at: column)
            var site = text.lowercased()
            for scheme in ["https://", "http://"] where site.hasPrefix(scheme) { site.removeFirst(scheme.count) }
            if site.hasPrefix("www.") { site.removeFirst(4) }
            return .address(site)
        }
        try countTerm(at: column)
        if name == "added" { return .added(try AddedFilterParser.range(text, column: value.column, clock: clock)) }
        return .date(try DateFilterParser.range(field: name, value: text, column: value.column, today: clock.today))
    }

    private mutating func parseNear(at column: Int, field: TextField?) throws(QuerySyntaxError) -> QueryNode? {
        // The lexer emitted .near only when "(" follows directly.
        position += 1
        var words: [String] = []
        var distance = 10
        loop: while let token = current {
            switch token.kind {
            case .word(let text), .phrase(let text):
                position += 1
                if QueryText.isSearchable(text) { words.append(text) }
            case .comma:
                position += 1
                guard case .word(let number)? = current?.kind, let value = Int(number),
                      (0...SearchQuery.maximumNearDistance).contains(value) else {
                    throw QuerySyntaxError(message: "NEAR distance must be a number from 0 to \(SearchQuery.maximumNearDistance)",
                                           column: current?.column ?? token.column)
                }
                distance = value
                position += 1
                guard current?.kind == .closeParen else {
                    throw QuerySyntaxError(message: "NEAR(…, N) must end with ')' after the distance", column: current?.column ?? endColumn)
                }
            case .closeParen:
                position += 1
                break loop
            default:
                throw QuerySyntaxError(message: "NEAR(…) takes only words and \"phrases\", then an optional ', N'", column: token.column)
            }
            if current == nil { throw QuerySyntaxError(message: "unclosed parenthesis", column: column + 4) }
        }
        guard words.count >= 2 else {
            throw QuerySyntaxError(message: "NEAR(…) needs at least two words", column: column)
        }
        nearGroups += 1
        guard nearGroups <= SearchQuery.maximumNearGroups else {
            throw QuerySyntaxError(message: "the query has more than \(SearchQuery.maximumNearGroups) NEAR(…) groups; split it into several searches",
                                   column: column)
        }
        for _ in words { try countTerm(at: column) }
        return .near(terms: words, distance: distance, field: field)
    }

    private mutating func wordNode(_ text: String, at column: Int) throws(QuerySyntaxError) -> QueryNode? {
        if text.hasSuffix("*") {
            let stem = String(text.unicodeScalars.reversed().drop { $0 == "*" }.reversed().map(Character.init))
            // Even a one-letter prefix is answered: what it costs is bounded by the query's time
            // limit, whose error says to lengthen the prefix.
            prefixes += 1
            guard prefixes <= SearchQuery.maximumPrefixes else {
                throw QuerySyntaxError(message: "the query has more than \(SearchQuery.maximumPrefixes) prefix* terms; use whole words for some of them",
                                       column: column)
            }
            return try textNode(.prefix, stem, at: column)
        }
        return try textNode(.word, text, at: column)
    }

    private mutating func textNode(_ kind: TextMatch.Kind, _ text: String, at column: Int) throws(QuerySyntaxError) -> QueryNode? {
        guard QueryText.isSearchable(text) else { return nil }
        try countTerm(at: column)
        return .text(TextMatch(kind, text))
    }

    private mutating func countTerm(at column: Int) throws(QuerySyntaxError) {
        terms += 1
        guard terms <= SearchQuery.maximumTerms else {
            throw QuerySyntaxError(message: "the query has more than \(SearchQuery.maximumTerms) terms", column: column)
        }
    }

    private func describe(_ kind: QueryToken.Kind) -> String {
        switch kind {
        case .or: "OR"
        case .and: "AND"
        case .closeParen: "')'"
        case .comma: "','"
        default: "token"
        }
    }
}

/// Rules about the text of one term.
enum QueryText {
    /// A term with no letter or digit would become an empty FTS5 phrase; it is dropped instead.
    static func isSearchable(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.properties.isAlphabetic || $0.properties.numericType != nil }
    }
}

/// A query that cannot be parsed, with the 1-based column where the problem starts.
public struct QuerySyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public var column: Int

    public init(message: String, column: Int) {
        self.message = message
        self.column = column
    }

    public var description: String { "\(message) at column \(column)" }
}

extension SearchQuery {
    /// The first day (`YYYY-MM-DD`) of a date written as in `since:` (`2024-03`, `7d`, `"last week"`).
    public static func day(since text: String, clock: QueryClock) throws(QuerySyntaxError) -> String {
        try DateFilterParser.firstDay(text, today: clock.today)
    }
}
