import GRDB
import NewsCore

/// A query tree turned into what SQLite runs: one FTS5 MATCH expression that drives the search
/// (when the query has any positive text) and SQL conditions on `article a` for everything else.
/// Pure: no database access, so it is tested on its own.
struct TranslatedQuery {
    /// The MATCH expression, or `nil` when nothing positive can drive a full-text lookup
    /// (`-word` alone, `date:2017-03` alone); then the filters scan the article table by date.
    var match: String?
    /// SQL conditions on `a` joined with AND; empty when the MATCH says it all.
    var conditions: [String]
    /// Arguments for `conditions`, in order.
    var arguments: [DatabaseValueConvertible]
    /// Whether the query holds a prefix (`compan*`): FTS5 then merges the lists of every word
    /// that starts with it each time it looks the MATCH up, so a lookup per row costs as much
    /// as a pass over all matches.
    var hasPrefix = false
    /// Each phrase of `match` as a MATCH expression of its own, with its columns (`{headline
    /// body} : "oil"`), in the order `match` writes them — the order FTS5 numbers its phrases:
    /// the key under which bm25's per-phrase row count is kept (`PhraseHitCache`).
    var phrases: [String] = []
    /// When the MATCH is joined by date filters alone (`oil date:1987-03`): the days they let
    /// through, which the ranking can check from memory (`DayChecks`) instead of `conditions`.
    var dayWindow: DayWindow?
}

enum QueryTranslator {
    /// A subtree's MATCH expression and its phrases (see `TranslatedQuery.phrases`).
    private typealias FTSParts = (expression: String, phrases: [String])

    /// FTS5 columns of each field; a term without a field searches headline and body,
    /// never outlet and byline ("independent" should not match every article of The Independent).
    static func columns(_ field: TextField?) -> String {
        switch field {
        case nil: "{headline body}"
        case .title: "{headline}"
        case .body: "{body}"
        case .outlet: "{outlet}"
        case .byline: "{byline}"
        }
    }

    /// `rowidScope`: SQL appended to every full-text lookup inside the conditions (` AND rowid
    /// BETWEEN 5 AND 9`), so that matching standing queries against new articles never reads the
    /// matches of the whole archive (see `Percolator`). Built by newsd, never from user text.
    static func translate(_ query: SearchQuery, rowidScope: String = "") -> TranslatedQuery {
        var conjuncts: [QueryNode]
        if case .all(let children) = query.root { conjuncts = children } else { conjuncts = [query.root] }
        // Positive text conjuncts drive one MATCH; negated text is subtracted inside it with NOT.
        var positive: [FTSParts] = [], negative: [FTSParts] = []
        var rest: [QueryNode] = []
        for node in conjuncts {
            if case .not(let inner) = node, let parts = ftsParts(inner) {
                negative.append(parts)
            } else if let parts = ftsParts(node) {
                positive.append(parts)
            } else {
                rest.append(node)
            }
        }
        var result = TranslatedQuery(match: nil, conditions: [], arguments: [])
        if positive.isEmpty {
            rest = conjuncts
        } else {
            result.match = negative.reduce(positive.map(\.expression).joined(separator: " AND ")) { "(\($0)) NOT (\($1.expression))" }
            result.phrases = (positive + negative).flatMap(\.phrases)
        }
        for node in rest { result.conditions.append(sql(node, into: &result.arguments, rowidScope: rowidScope)) }
        if result.match != nil, !rest.isEmpty {
            let ranges = rest.compactMap { node -> HalfOpenRange<Int>? in
                guard case .date(let range) = node else { return nil }
                return HalfOpenRange(from: range.from.map(Self.dayNumber), before: range.before.map(Self.dayNumber))
            }
            if ranges.count == rest.count { result.dayWindow = DayWindow(ranges) }
        }
        result.hasPrefix = containsPrefix(query.root)
        return result
    }

    private static func containsPrefix(_ node: QueryNode) -> Bool {
        switch node {
        case .text(let match): match.kind == .prefix
        case .all(let children), .any(let children): children.contains(where: containsPrefix)
        case .not(let child): containsPrefix(child)
        case .near, .path, .date, .added, .language, .address: false
        }
    }

    /// The FTS5 expression of a subtree, or `nil` when FTS5 cannot express it
    /// (a date or path filter, or a group whose every part is negated).
    static func fts(_ node: QueryNode) -> String? { ftsParts(node)?.expression }

    /// `fts`, with each phrase of the expression on its own (see `TranslatedQuery.phrases`), in
    /// the order the expression writes them.
    private static func ftsParts(_ node: QueryNode) -> FTSParts? {
        switch node {
        case .text(let match) where match.field == .outlet && match.kind != .prefix:
            // `outlet:ap` finds "Associated Press" as stored: a known outlet's every spelling
            // means its canonical name.
            let quoted = quote(match.text)
            let own = "\(columns(match.field)) : \(quoted)"
            guard let name = OutletNames.known(match.text), name.lowercased() != match.text.lowercased() else {
                return (own, [own])
            }
            return ("\(columns(match.field)) : (\(quoted) OR \(quote(name)))", [own, "\(columns(match.field)) : \(quote(name))"])
        case .text(let match):
            let quoted = quote(match.text)
            let expression = "\(columns(match.field)) : \(match.kind == .prefix ? quoted + " *" : quoted)"
            return (expression, [expression])
        case .near(let terms, let distance, let field):
            return ("\(columns(field)) : NEAR(\(terms.map(quote).joined(separator: " ")), \(distance))",
                    terms.map { "\(columns(field)) : \(quote($0))" })
        case .all(let children):
            var positive: [FTSParts] = [], negative: [FTSParts] = []
            for child in children {
                if case .not(let inner) = child {
                    guard let parts = ftsParts(inner) else { return nil }
                    negative.append(parts)
                } else {
                    guard let parts = ftsParts(child) else { return nil }
                    positive.append(parts)
                }
            }
            guard !positive.isEmpty else { return nil }
            let conjunction = "(" + positive.map(\.expression).joined(separator: " AND ") + ")"
            return (negative.reduce(conjunction) { "(\($0) NOT (\($1.expression)))" },
                    (positive + negative).flatMap(\.phrases))
        case .any(let children):
            var parts: [FTSParts] = []
            for child in children {
                guard let part = ftsParts(child) else { return nil }
                parts.append(part)
            }
            return ("(" + parts.map(\.expression).joined(separator: " OR ") + ")", parts.flatMap(\.phrases))
        case .not, .path, .date, .added, .language, .address:
            return nil
        }
    }

    /// A subtree as an SQL condition on `a`; text parts become a lookup in the FTS index.
    static func sql(_ node: QueryNode, into arguments: inout [DatabaseValueConvertible], rowidScope: String = "") -> String {
        if let expression = fts(node) {
            arguments.append(expression)
            return "a.id IN (SELECT rowid FROM article_fts WHERE article_fts MATCH ?\(rowidScope))"
        }
        switch node {
        case .all(let children):
            return "(" + children.map { sql($0, into: &arguments, rowidScope: rowidScope) }.joined(separator: " AND ") + ")"
        case .any(let children):
            return "(" + children.map { sql($0, into: &arguments, rowidScope: rowidScope) }.joined(separator: " OR ") + ")"
        case .not(let child):
            return "NOT " + sql(child, into: &arguments, rowidScope: rowidScope)
        case .path(let value):
            if value.contains("*") || value.contains("?") || value.contains("[") {
                arguments.append(value)
                return "a.id IN (SELECT articleId FROM file WHERE path GLOB ?)"
            }
            // A folder's files sort between "dir/" and "dir0" ('0' follows '/'), and the articles of
            // a multi-article file between "file#" and "file$": ranges on the primary key.
            let folder = value.hasSuffix("/") ? String(value.dropLast()) : value
            arguments.append(contentsOf: [folder, folder + "/", folder + "0", folder + "#", folder + "$"])
            return "a.id IN (SELECT articleId FROM file WHERE path = ? OR (path >= ? AND path < ?) OR (path >= ? AND path < ?))"
        case .date(let range):
            return between("a.articleDay", HalfOpenRange(from: range.from.map(Self.dayNumber), before: range.before.map(Self.dayNumber)),
                           into: &arguments)
        case .added(let range):
            return between("a.ingestedAt", range, into: &arguments)
        case .language(let code):
            arguments.append(code)
            return "a.language = ?"
        case .address(let text):
            arguments.append(text)
            return "instr(lower(a.url), ?) > 0"
        case .text, .near:
            return "1" // unreachable: fts() expresses every text node
        }
    }

    /// `column` within `range`, as a condition (`1` when both ends are open).
    private static func between<Bound: DatabaseValueConvertible>(_ column: String, _ range: HalfOpenRange<Bound>,
                                                                 into arguments: inout [DatabaseValueConvertible]) -> String {
        var parts: [String] = []
        if let from = range.from { parts.append("\(column) >= ?"); arguments.append(from) }
        if let before = range.before { parts.append("\(column) < ?"); arguments.append(before) }
        return "(" + (parts.isEmpty ? ["1"] : parts).joined(separator: " AND ") + ")"
    }

    /// The day number (`IndexSchema` v28) of a range's bound, `YYYY-MM-DD`; a bound that is no
    /// day (the parser gives none) falls outside every day the index holds.
    static func dayNumber(_ iso: String) -> Int {
        CalendarDay(iso: iso)?.dayNumber ?? Int(Int32.max)
    }

    /// An FTS5 string: the user's text inside double quotes, a quote doubled. FTS5 treats
    /// everything inside as words to tokenize, so no character can become an operator.
    static func quote(_ text: String) -> String {
        var quoted = "\""
        for scalar in text.unicodeScalars {
            if scalar == "\"" { quoted += "\"\"" } else { quoted.unicodeScalars.append(scalar) }
        }
        return quoted + "\""
    }
}
