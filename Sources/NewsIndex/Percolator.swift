import GRDB
import NewsCore

/// Matches queries against the articles one write transaction has just added (their ids),
/// inside that transaction: each lookup in the full-text index is bounded to the rowid ranges
/// those ids fall in, so its cost follows the size of the batch and the query, not the archive.
struct Percolator {
    /// The new articles' ids.
    let fresh: Set<Int64>
    /// Ranges covering every fresh id (a few ids in between may belong to older articles; they
    /// are filtered out).
    let ranges: [ClosedRange<Int64>]

    init(fresh: Set<Int64>) {
        self.fresh = fresh
        ranges = Self.ranges(covering: fresh.sorted())
    }

    /// The most ranges one query is run over: more are merged across their smallest gaps.
    static let maxRanges = 8
    /// Runs closer than this are one range: a few older rows are cheaper than another lookup.
    static let mergeGap: Int64 = 64

    /// Contiguous runs of `sorted` ids, merged across small gaps, then across the smallest gaps
    /// until at most `maxRanges` remain.
    static func ranges(covering sorted: [Int64]) -> [ClosedRange<Int64>] {
        var ranges: [ClosedRange<Int64>] = []
        for id in sorted {
            if let last = ranges.last, id - last.upperBound <= mergeGap {
                ranges[ranges.count - 1] = last.lowerBound...id
            } else {
                ranges.append(id...id)
            }
        }
        while ranges.count > maxRanges {
            let gaps = zip(ranges, ranges.dropFirst()).map { $1.lowerBound - $0.upperBound }
            let narrowest = gaps.indices.min { gaps[$0] < gaps[$1] }!
            ranges[narrowest] = ranges[narrowest].lowerBound...ranges[narrowest + 1].upperBound
            ranges.remove(at: narrowest + 1)
        }
        return ranges
    }

    /// The fresh articles `query` matches, in id order. The range is bound as `?1` and `?2`, so
    /// each query's statements are prepared once and reused by later transactions.
    func matches(_ db: Database, _ query: SearchQuery) throws -> [Int64] {
        let translated = QueryTranslator.translate(query, rowidScope: " AND rowid BETWEEN ?1 AND ?2")
        let conditions = translated.conditions.map { " AND " + $0 }.joined()
        let sql = translated.match == nil
            ? "SELECT a.id FROM article a WHERE a.id BETWEEN ?1 AND ?2\(conditions)"
            : """
                SELECT a.id FROM article_fts CROSS JOIN article a ON a.id = article_fts.rowid
                WHERE article_fts.rowid BETWEEN ?1 AND ?2 AND article_fts MATCH ?\(conditions)
                """
        let statement = try db.cachedStatement(sql: sql)
        var found: [Int64] = []
        for range in ranges {
            let arguments: [DatabaseValueConvertible] = [range.lowerBound, range.upperBound] + (translated.match.map { [$0] } ?? []) + translated.arguments
            found += try Int64.fetchAll(statement, arguments: StatementArguments(arguments)).filter(fresh.contains)
        }
        return found.sorted()
    }
}
