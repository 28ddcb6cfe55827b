import Foundation
import GRDB

/// Finds the articles that may be relatives of a text — candidates for its story, its copy group
/// and `related` — through the full-text index's own vocabulary, as Lucene's MoreLikeThis does.
///
/// The text is tokenised by an in-memory FTS5 table with the index's tokenizer, so its terms are
/// exactly the index's terms. The terms the fewest articles share (by document frequency from
/// `fts5vocab`) are looked up directly in the index's term instances: a handful of short posting
/// lists instead of a ranked OR query over common words, which cost 60 ms per article on Reuters.
struct RelativeFinder {
    let db: Database

    /// Terms looked up per article.
    static let termCount = 8
    /// Candidates returned, most shared terms first.
    static let candidateCount = 30

    /// Creates the connection's temporary tables once; they live as long as the connection.
    static func prepare(_ db: Database) throws {
        try db.execute(sql: """
            CREATE VIRTUAL TABLE IF NOT EXISTS temp.relative_probe USING fts5(
                headline, body, tokenize='porter unicode61 remove_diacritics 2');
            CREATE VIRTUAL TABLE IF NOT EXISTS temp.relative_probe_terms USING fts5vocab(temp, relative_probe, 'row');
            CREATE VIRTUAL TABLE IF NOT EXISTS temp.index_terms USING fts5vocab(main, article_fts, 'row');
            CREATE VIRTUAL TABLE IF NOT EXISTS temp.index_instances USING fts5vocab(main, article_fts, 'instance');
            """)
    }

    /// Article ids sharing the most of the text's rarest terms, best first, without `excluding`.
    func candidates(headline: String, body: String, excluding id: Int64, articleCount: Int) throws -> [Int64] {
        try Self.prepare(db)
        try db.execute(sql: "INSERT INTO temp.relative_probe(rowid, headline, body) VALUES (1, ?, ?)", arguments: [headline, body])
        let counts = try Row.fetchAll(db, sql: "SELECT term, cnt FROM temp.relative_probe_terms").map { ($0[0] as String, $0[1] as Int) }
        try db.execute(sql: "DELETE FROM temp.relative_probe")
        guard !counts.isEmpty, articleCount > 1 else { return [] }

        var frequency: [String: Int] = [:]
        for chunk in stride(from: 0, to: counts.count, by: 400).map({ Array(counts[$0..<min($0 + 400, counts.count)]) }) {
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            for row in try Row.fetchAll(db, sql: "SELECT term, doc FROM temp.index_terms WHERE term IN (\(marks))",
                                        arguments: StatementArguments(chunk.map(\.0))) {
                frequency[row[0]] = row[1]
            }
        }
        // Telling terms: in a few other articles (not only this one), not in a large share of them.
        let ceiling = max(50, articleCount / 50)
        let total = Double(articleCount)
        let telling = counts.compactMap { term, count -> (String, Double)? in
            guard let df = frequency[term], df >= 2, df <= ceiling, term.count > 2, !term.allSatisfy(\.isNumber) else { return nil }
            return (term, Double(count) * Foundation.log(total / Double(df)))
        }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(Self.termCount).map(\.0)
        guard !telling.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: telling.count).joined(separator: ",")
        return try Int64.fetchAll(db, sql: """
            SELECT doc FROM temp.index_instances WHERE term IN (\(marks)) AND doc != ?
            GROUP BY doc ORDER BY count(DISTINCT term) DESC, doc DESC LIMIT ?
            """, arguments: StatementArguments(telling.map { $0 as DatabaseValueConvertible } + [id, Self.candidateCount]))
    }
}
