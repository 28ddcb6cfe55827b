import NewsCore

/// A value bound to a `$n` placeholder of a translated query.
enum SQLArgument: Sendable, Equatable {
    case text(String)
    case double(Double)
}

/// A query tree as PostgreSQL runs it: one tsquery expression that drives the GIN index (when
/// the query has positive text) and boolean conditions on the article `a` for everything else.
struct PostgresTranslatedQuery: Sendable, Equatable {
    /// An SQL expression of type tsquery, or nil when no positive text can drive the search.
    var textQuery: String?
    /// SQL conditions on `a`, joined with AND.
    var conditions: [String]
    /// The values of every `$n` in `textQuery` and `conditions`, `$1` first.
    var arguments: [SQLArgument]
}

/// Translates the parsed query tree. User text never becomes SQL or tsquery syntax: each term is
/// quoted into a tsquery text (`'word':AB`) that is bound as a value and stemmed by `newsd_term`
/// in every language (a prefix folded by `newsd_prefix`), and the tree's operators become SQL's tsquery operators (`&&`, `||`, `!!`).
/// Pure, so that it is tested without a database.
enum PostgresQueryTranslator {
    static func translate(_ query: SearchQuery, firstPlaceholder: Int = 1) -> PostgresTranslatedQuery {
        var builder = Builder(next: firstPlaceholder)
        var conjuncts: [QueryNode]
        if case .all(let children) = query.root { conjuncts = children } else { conjuncts = [query.root] }
        var positive: [String] = [], negative: [String] = [], rest: [QueryNode] = []
        for node in conjuncts {
            if case .not(let inner) = node, let expression = builder.tsquery(inner) {
                negative.append(expression)
            } else if let expression = builder.tsquery(node) {
                positive.append(expression)
            } else {
                rest.append(node)
            }
        }
        var result = PostgresTranslatedQuery(textQuery: nil, conditions: [], arguments: [])
        if positive.isEmpty {
            // Nothing positive to look up: the negated text becomes conditions like the filters.
            builder = Builder(next: firstPlaceholder)
            rest = conjuncts
        } else {
            result.textQuery = "(" + (positive + negative.map { "!!\($0)" }).joined(separator: " && ") + ")"
        }
        for node in rest { result.conditions.append(builder.condition(node)) }
        result.arguments = builder.arguments
        return result
    }

    /// The weight labels of a field: the document stores headline as A, body B, outlet C, byline D.
    static func weights(_ field: TextField?) -> String {
        switch field {
        case nil: "AB"
        case .title: "A"
        case .body: "B"
        case .outlet: "C"
        case .byline: "D"
        }
    }

    /// One tsquery text for a word or phrase: each word quoted (a quote doubled, a backslash
    /// escaped), so that nothing inside can be read as an operator.
    static func quoted(_ text: String) -> String {
        var result = "'"
        for character in text {
            switch character {
            case "'": result += "''"
            case "\\": result += "\\\\"
            default: result.append(character)
            }
        }
        return result + "'"
    }

    /// The tsquery text of a word, phrase or prefix in `field`.
    static func termText(_ match: TextMatch) -> String {
        let labels = weights(match.field)
        switch match.kind {
        case .word, .phrase:
            // A quoted text of several words is a phrase to to_tsquery (its words joined by <->).
            return "\(quoted(match.text)):\(labels)"
        case .prefix:
            return "\(quoted(match.text)):*\(labels)"
        }
    }

    /// NEAR: every pair of terms within `distance` words of each other, in either order. FTS5's
    /// NEAR asks for all terms in one window; with more than two terms this asks each pair to be
    /// near, which a document can satisfy with the terms spread wider (the README says so).
    static func nearText(_ terms: [String], distance: Int, field: TextField?) -> String {
        let labels = weights(field)
        let quotedTerms = terms.map { "\(quoted($0)):\(labels)" }
        guard quotedTerms.count > 1 else { return quotedTerms.first ?? "''" }
        var pairs: [String] = []
        for first in 0..<quotedTerms.count {
            for second in (first + 1)..<quotedTerms.count {
                var alternatives: [String] = []
                for gap in 1...(distance + 1) {
                    alternatives.append("\(quotedTerms[first]) <\(gap)> \(quotedTerms[second])")
                    alternatives.append("\(quotedTerms[second]) <\(gap)> \(quotedTerms[first])")
                }
                pairs.append("(" + alternatives.joined(separator: " | ") + ")")
            }
        }
        return pairs.joined(separator: " & ")
    }

    /// SQL GLOB (`*`, `?`, `[...]`) as an anchored POSIX regular expression.
    static func regex(glob: String) -> String {
        var result = "^"
        var inClass = false
        for character in glob {
            if inClass {
                if character == "]" { inClass = false; result += "]" }
                else if character == "\\" { result += "\\\\" }
                else { result.append(character) }
                continue
            }
            switch character {
            case "*": result += ".*"
            case "?": result += "."
            case "[": inClass = true; result += "["
            case ".", "+", "(", ")", "{", "}", "^", "$", "|", "\\": result += "\\\(character)"
            default: result.append(character)
            }
        }
        if inClass { result += "]" }
        return result + "$"
    }

    private struct Builder {
        var next: Int
        var arguments: [SQLArgument] = []

        mutating func bind(_ value: SQLArgument) -> String {
            arguments.append(value)
            defer { next += 1 }
            return "$\(next)"
        }

        mutating func term(_ text: String) -> String { "newsd_term(\(bind(.text(text))))" }

        /// A prefix is folded (case, diacritics), not stemmed, as in the embedded index.
        mutating func prefix(_ text: String) -> String { "newsd_prefix(\(bind(.text(text))))" }

        /// The tsquery expression of a subtree, or nil when tsquery cannot express it (a filter,
        /// or a group whose every part is negated).
        mutating func tsquery(_ node: QueryNode) -> String? {
            switch node {
            case .text(let match) where match.field == .outlet && match.kind != .prefix:
                // `outlet:ap` finds "Associated Press" as stored.
                let own = term(PostgresQueryTranslator.termText(match))
                guard let name = OutletNames.known(match.text), name.lowercased() != match.text.lowercased() else { return own }
                return "(\(own) || \(term(PostgresQueryTranslator.termText(TextMatch(.phrase, name, field: .outlet)))))"
            case .text(let match) where match.kind == .prefix:
                return prefix(PostgresQueryTranslator.termText(match))
            case .text(let match):
                return term(PostgresQueryTranslator.termText(match))
            case .near(let terms, let distance, let field):
                return term(PostgresQueryTranslator.nearText(terms, distance: distance, field: field))
            case .all(let children):
                let saved = (next, arguments)
                var positive: [String] = [], negative: [String] = []
                for child in children {
                    let expression: String?
                    if case .not(let inner) = child { expression = tsquery(inner).map { "!!\($0)" } } else { expression = tsquery(child) }
                    guard let expression else { (next, arguments) = saved; return nil }
                    if case .not = child { negative.append(expression) } else { positive.append(expression) }
                }
                guard !positive.isEmpty else { (next, arguments) = saved; return nil }
                return "(" + (positive + negative).joined(separator: " && ") + ")"
            case .any(let children):
                let saved = (next, arguments)
                var parts: [String] = []
                for child in children {
                    guard let expression = tsquery(child) else { (next, arguments) = saved; return nil }
                    parts.append(expression)
                }
                return "(" + parts.joined(separator: " || ") + ")"
            case .not, .path, .date, .added, .language, .address:
                return nil
            }
        }

        /// A subtree as a boolean condition on `a`.
        mutating func condition(_ node: QueryNode) -> String {
            if let expression = tsquery(node) { return "a.document @@ \(expression)" }
            switch node {
            case .all(let children): return "(" + children.map { condition($0) }.joined(separator: " AND ") + ")"
            case .any(let children): return "(" + children.map { condition($0) }.joined(separator: " OR ") + ")"
            case .not(let child): return "NOT " + condition(child)
            case .path(let value):
                if value.contains("*") || value.contains("?") || value.contains("[") {
                    return "EXISTS (SELECT 1 FROM newsd_file f WHERE f.article_id = a.id AND f.path ~ \(bind(.text(PostgresQueryTranslator.regex(glob: value)))))"
                }
                let folder = value.hasSuffix("/") ? String(value.dropLast()) : value
                let exact = bind(.text(folder)), below = bind(.text(folder + "/")), end = bind(.text(folder + "0"))
                let member = bind(.text(folder + "#")), memberEnd = bind(.text(folder + "$"))
                return "EXISTS (SELECT 1 FROM newsd_file f WHERE f.article_id = a.id AND (f.path = \(exact) "
                    + "OR (f.path >= \(below) COLLATE \"C\" AND f.path < \(end) COLLATE \"C\") "
                    + "OR (f.path >= \(member) COLLATE \"C\" AND f.path < \(memberEnd) COLLATE \"C\")))"
            case .date(let range):
                return between("a.article_date", from: range.from.map { .text($0) }, before: range.before.map { .text($0) })
            case .added(let range):
                return between("a.ingested_at", from: range.from.map { .double($0) }, before: range.before.map { .double($0) })
            case .language(let code):
                return "a.language = \(bind(.text(code)))"
            case .address(let text):
                return "strpos(lower(a.url), \(bind(.text(text)))) > 0"
            case .text, .near:
                return "true" // unreachable: tsquery() expresses every text node
            }
        }

        mutating func between(_ column: String, from: SQLArgument?, before: SQLArgument?) -> String {
            var parts: [String] = []
            if let from { parts.append("\(column) >= \(bind(from))") }
            if let before { parts.append("\(column) < \(bind(before))") }
            return "(" + (parts.isEmpty ? ["true"] : parts).joined(separator: " AND ") + ")"
        }
    }
}
