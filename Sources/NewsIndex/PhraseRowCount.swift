import Foundation

/// The IDF of a one-phrase query, learnt from the ranking itself instead of a pass of its own.
///
/// bm25 multiplies each match's term score by the phrase's IDF, which FTS5 (and `RankFunction`
/// when it must) finds by stepping through every row that holds the phrase once more before
/// the first match is scored (`xQueryPhrase`): for a broad term, much of the query's cost.
/// When a query is one phrase, its matches are exactly the rows holding that phrase (with its
/// column filter), and the IDF is one positive number for all of them: the matches order alike
/// without it. So a statement that scores every match (the relevance window without conditions)
/// scores them without the IDF, counts them here, and the few rows it returns are given their
/// IDF afterwards (`score(_:)`), with the same floating-point operations bm25 makes, so that
/// each score is bm25's to the bit.
///
/// Used as `GroupTally` is: by one search, on the thread that steps its statement; made before
/// the statement, filled while it steps, read after it.
final class PhraseRowCount: @unchecked Sendable {
    /// Whether the ranking left the IDF out: set at the first row, when the query had one phrase.
    @exclusivity(unchecked) private(set) var deferred = false
    /// The full-text index's rows, as the ranking read them at its first row.
    @exclusivity(unchecked) private(set) var indexRows: Int64 = 0
    /// Matches scored, each row once.
    @exclusivity(unchecked) private(set) var matches: Int64 = 0
    @exclusivity(unchecked) private var lastId: Int64?

    /// Notes that the ranking scores without the IDF, over an index of `rows` rows.
    func deferIDF(indexRows rows: Int64) {
        deferred = true
        indexRows = rows
    }

    /// Counts the match `id` (a row scored twice counts once: FTS5 hands rows over in order).
    func count(_ id: Int64) {
        guard id != lastId else { return }
        lastId = id
        matches += 1
    }

    /// The IDF bm25 gives the phrase: from the index's rows and the matches counted.
    var idf: Double { Self.idf(rows: indexRows, hits: matches) }

    /// The score bm25 gives a match the ranking scored `partial` without the IDF (`partial` is
    /// `-(0 + 1 × t)` for the match's term score t; bm25's is `-(0 + idf × t)`). Unchanged when
    /// nothing was deferred.
    func score(_ partial: Double) -> Double {
        deferred ? -1.0 * (0.0 + idf * (-1.0 * partial)) : partial
    }

    /// bm25's IDF for a phrase in `hits` of `rows` rows, floored at 1e-6 as FTS5 floors it.
    static func idf(rows: Int64, hits: Int64) -> Double {
        let value = log((Double(rows) - Double(hits) + 0.5) / (Double(hits) + 0.5))
        return value <= 0.0 ? 1e-6 : value
    }
}
