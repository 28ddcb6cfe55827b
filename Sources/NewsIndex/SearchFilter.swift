import GRDB

/// What a search keeps, as SQL: the full-text MATCH (if the query has one), the conditions on
/// the article `a`, and the story-size floor. Every way of finding a page applies this one filter.
struct SearchFilter {
    /// The MATCH expression, or nil when the query has nothing positive to look up (`-word`, `date:2017-03`).
    let match: String?
    let conditions: [String]
    let arguments: [DatabaseValueConvertible]
    /// Whether the MATCH holds a prefix (see `TranslatedQuery.hasPrefix`).
    let hasPrefix: Bool
    /// The MATCH's phrases, each as a MATCH of its own (see `TranslatedQuery.phrases`).
    let phrases: [String]
    /// The read snapshot's full-text rows, for ranking with their lengths in memory (nil: bm25 alone).
    let lengths: SnapshotKey?
    /// When `conditions` are date filters alone: the days they let through (see `TranslatedQuery.dayWindow`).
    let dayWindow: DayWindow?

    init(_ translated: TranslatedQuery, minOutlets: Int?, lengths: SnapshotKey? = nil) {
        self.lengths = lengths
        match = translated.match
        hasPrefix = translated.hasPrefix
        phrases = translated.phrases
        dayWindow = minOutlets == nil ? translated.dayWindow : nil
        conditions = translated.conditions + (minOutlets == nil ? [] : ["a.storyId IN (SELECT id FROM story WHERE outlets >= ?)"])
        arguments = translated.arguments + (minOutlets.map { [$0] } ?? [])
    }

    /// Whether anything beyond the MATCH must be checked in SQL.
    var hasConditions: Bool { !conditions.isEmpty }

    /// The rows a search reads. With a MATCH, the full-text index is the outer loop and `article`
    /// is joined by key through a covering index (CROSS JOIN fixes the order): SQLite must never
    /// drive from the date or outlet index and probe FTS5 row by row, the trap that turns one
    /// query into a full scan. The covering index holds everything ranking, grouping and date
    /// order need, so no article row is read per match. Without a MATCH the article table is
    /// read through its date index.
    var source: String {
        match == nil ? "article a" : "article_fts CROSS JOIN article a INDEXED BY \(IndexSchema.searchCoverIndex) ON a.id = article_fts.rowid"
    }

    /// `WHERE …` over `source`, or nothing.
    var whereClause: String {
        let all = (match == nil ? [] : ["article_fts MATCH ?"]) + conditions
        return all.isEmpty ? "" : "WHERE " + all.joined(separator: " AND ")
    }

    /// The arguments of `whereClause`, in order.
    var whereArguments: [DatabaseValueConvertible] { (match.map { [$0] } ?? []) + arguments }

    /// bm25 over `source` (0 without a MATCH: then every row ranks alike), computed by
    /// `RankFunction` when the snapshot's lengths are known.
    var rankExpression: String { rankExpression(recorder: 0) }

    /// `rankExpression`, recording what it scores in the `RankingRecorders` entry numbered
    /// `recorder` (0: none; nothing is recorded without the lengths' key, since only
    /// `RankFunction` records).
    func rankExpression(recorder: Int64) -> String {
        guard match != nil else { return "0.0" }
        return lengths.map { RankFunction.expression(key: $0, weights: ArticleIndex.bm25Weights, recorder: recorder) }
            ?? "bm25(article_fts, \(ArticleIndex.bm25Weights))"
    }
}
