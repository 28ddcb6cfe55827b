/// A user's search, parsed into terms that are safe to hand to SQLite FTS5.
///
/// User text never reaches FTS5 raw: every term is re-emitted as a quoted FTS5 string,
/// so operators and punctuation typed by the user cannot form FTS5 syntax.
public struct SearchQuery: Sendable, Equatable {
    /// One thing the user asked for.
    public enum Term: Sendable, Equatable {
        /// A word that must occur (stemmed, case- and diacritics-insensitive).
        case word(String)
        /// Words that must occur next to each other, in this order.
        case phrase(String)
        /// A word prefix, written `word*`.
        case prefix(String)
    }

    /// The terms, all of which must match.
    public var terms: [Term]

    /// Parses a query. Terms are separated by white space; `"…"` is a phrase; a trailing `*` makes a prefix.
    public static func parse(_ input: String) throws(QuerySyntaxError) -> SearchQuery {
        var terms: [Term] = []
        let scalars = Array(input.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if isSeparator(scalar) { index += 1; continue }
            if scalar == "\"" {
                let open = index
                index += 1
                var phrase = String.UnicodeScalarView()
                while index < scalars.count, scalars[index] != "\"" {
                    phrase.append(isSeparator(scalars[index]) ? " " : scalars[index]); index += 1
                }
                guard index < scalars.count else {
                    throw QuerySyntaxError(message: "unclosed quote", column: open + 1)
                }
                index += 1
                let text = String(phrase)
                if hasSearchableText(text) { terms.append(.phrase(text)) }
                continue
            }
            var word = String.UnicodeScalarView()
            while index < scalars.count, !isSeparator(scalars[index]), scalars[index] != "\"" {
                word.append(scalars[index]); index += 1
            }
            var text = String(word)
            if text.hasSuffix("*") {
                text.removeLast()
                if hasSearchableText(text) { terms.append(.prefix(text)) }
            } else if hasSearchableText(text) {
                terms.append(.word(text))
            }
        }
        guard !terms.isEmpty else {
            throw QuerySyntaxError(message: "the query has no words to search for", column: 1)
        }
        return SearchQuery(terms: terms)
    }

    /// The FTS5 MATCH expression for this query.
    public var ftsExpression: String {
        terms.map { term in
            switch term {
            case .word(let text), .phrase(let text): quoted(text)
            case .prefix(let text): quoted(text) + " *"
            }
        }.joined(separator: " AND ")
    }

    private func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// White space and control characters separate terms; a NUL would end an FTS5 string early.
    private static func isSeparator(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || scalar.properties.generalCategory == .control
    }

    /// A term with no letter or digit would become an empty FTS5 phrase; it is dropped instead.
    private static func hasSearchableText(_ text: String) -> Bool {
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

extension String {
    /// Replaces every occurrence of `target` (no Foundation needed).
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        result += rest
        return result
    }
}
