/// One piece of a query as typed, with the 1-based column (in Unicode scalars) where it starts.
struct QueryToken: Equatable {
    enum Kind: Equatable {
        case word(String)
        case phrase(String)
        /// `name:` directly followed by its value; the name is already resolved to its canonical form.
        case field(String)
        case openParen, closeParen, comma
        /// A `-` directly before a term.
        case minus
        case or, and, not
        /// `NEAR` directly followed by `(`.
        case near
    }

    var kind: Kind
    var column: Int
}

/// Splits a query into tokens. Pure; every input either yields tokens or a `QuerySyntaxError`.
struct QueryLexer {
    /// Field names accepted before a colon, with their aliases.
    static let fieldNames: [String: String] = [
        "title": "title", "headline": "title", "body": "body", "text": "body",
        "outlet": "outlet", "source": "outlet", "byline": "byline", "author": "byline",
        "path": "path", "since": "since", "after": "since", "until": "until", "before": "until", "date": "date",
        "lang": "lang", "language": "lang", "site": "site", "url": "site", "added": "added",
    ]

    static let knownFieldList = "title, body, outlet, byline, path, since, until, date, lang, site, url, added"

    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var tokens: [QueryToken] = []
    /// Parentheses open since `NEAR(`: inside them a comma always separates (`NEAR(a b,5)`).
    private var nearDepth: Int?
    private var depth = 0

    static func tokens(of input: String) throws(QuerySyntaxError) -> [QueryToken] {
        var lexer = QueryLexer(scalars: Array(input.unicodeScalars))
        try lexer.run()
        return lexer.tokens
    }

    private init(scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    private mutating func run() throws(QuerySyntaxError) {
        while index < scalars.count {
            let scalar = scalars[index]
            let column = index + 1
            if Self.isSeparator(scalar) { index += 1; continue }
            switch scalar {
            case "(":
                depth += 1
                emit(.openParen, column); index += 1
            case ")":
                if let near = nearDepth, depth == near { nearDepth = nil }
                depth -= 1
                emit(.closeParen, column); index += 1
            case ",":
                emit(.comma, column); index += 1
            case "\"":
                try readPhrase()
            case "-" where index + 1 < scalars.count && !Self.isSeparator(scalars[index + 1]) && startsTerm(scalars[index + 1]):
                emit(.minus, column); index += 1
            default:
                try readWord()
            }
        }
    }

    private func startsTerm(_ scalar: Unicode.Scalar) -> Bool {
        scalar != ")" && scalar != "," && scalar != "-"
    }

    private mutating func emit(_ kind: QueryToken.Kind, _ column: Int) {
        tokens.append(QueryToken(kind: kind, column: column))
    }

    private mutating func readPhrase() throws(QuerySyntaxError) {
        let open = index
        index += 1
        var text = String.UnicodeScalarView()
        while index < scalars.count, scalars[index] != "\"" {
            text.append(Self.isSeparator(scalars[index]) ? " " : scalars[index])
            index += 1
        }
        guard index < scalars.count else {
            throw QuerySyntaxError(message: "unclosed quote", column: open + 1)
        }
        index += 1
        emit(.phrase(String(text)), open + 1)
    }

    private mutating func readWord() throws(QuerySyntaxError) {
        let start = index
        var text = String.UnicodeScalarView()
        while index < scalars.count {
            let scalar = scalars[index]
            if Self.isSeparator(scalar) || scalar == "(" || scalar == ")" || scalar == "\"" { break }
            if scalar == ",", nearDepth != nil || endsWord(after: index) { break }
            if scalar == ":", try isFieldColon(name: String(text), nameStart: start) {
                emit(.field(Self.fieldNames[String(text).lowercased()]!), start + 1)
                index += 1
                return
            }
            text.append(scalar)
            index += 1
        }
        let word = String(text)
        switch word {
        case "OR": emit(.or, start + 1)
        case "AND": emit(.and, start + 1)
        case "NOT": emit(.not, start + 1)
        case "NEAR" where index < scalars.count && scalars[index] == "(":
            emit(.near, start + 1)
            nearDepth = depth + 1
        default: emit(.word(word), start + 1)
        }
    }

    /// A comma ends a word when white space or the end follows ("Trump, Putin"), not inside "1,000".
    private func endsWord(after comma: Int) -> Bool {
        comma + 1 >= scalars.count || Self.isSeparator(scalars[comma + 1]) || scalars[comma + 1] == ")"
    }

    /// Whether the colon at `index` ends a field name. Unknown names made of letters are an
    /// error when a value follows directly (a typo like `titel:x` should not search for "titel x");
    /// anything else (`10:30`, `Breaking: news`) is ordinary text.
    private func isFieldColon(name: String, nameStart: Int) throws(QuerySyntaxError) -> Bool {
        let valueFollows = index + 1 < scalars.count && !Self.isSeparator(scalars[index + 1])
        if Self.fieldNames[name.lowercased()] != nil {
            guard valueFollows else {
                throw QuerySyntaxError(message: "\(name.lowercased()): needs a value right after the colon", column: nameStart + 1)
            }
            return true
        }
        if valueFollows, name.count >= 2, name.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic }),
           scalars[index + 1] != "/" {
            throw QuerySyntaxError(message: "unknown field '\(name):' (known fields: \(Self.knownFieldList))", column: nameStart + 1)
        }
        return false
    }

    /// White space and control characters separate terms; a NUL would end an FTS5 string early.
    static func isSeparator(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || scalar.properties.generalCategory == .control
    }
}
