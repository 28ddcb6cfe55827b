import GRDB
import NewsCore

extension ArticleIndex {
    /// How many articles matching `query` are dated on each day, per outlet (nil: none named),
    /// and how many match with no date of their own (dated by their file: left off a chart of
    /// when things were reported). With a `budget`, as `search`.
    public func dayCounts(_ query: SearchQuery, budget: QueryBudget? = nil) throws -> (days: [(day: String, outlet: String?, count: Int)], undated: Int) {
        let filter = SearchFilter(QueryTranslator.translate(query), minOutlets: nil)
        let clause = filter.whereClause
        func restricted(_ condition: String) -> String { clause.isEmpty ? "WHERE \(condition)" : "\(clause) AND \(condition)" }
        do {
            return try pool.read { db in
                let run = {
                    let rows = try Row.fetchAll(db, sql: """
                        SELECT \(IndexSchema.isoDay("a.articleDay")) AS day, a.outlet AS outlet, count(*) AS n
                        FROM \(filter.source) \(restricted("a.dateKind IS NOT NULL")) GROUP BY a.articleDay, a.outlet
                        """, arguments: StatementArguments(filter.whereArguments))
                    let undated = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(filter.source) \(restricted("a.dateKind IS NULL"))",
                                                   arguments: StatementArguments(filter.whereArguments)) ?? 0
                    return (rows.map { (day: $0["day"] as String, outlet: $0["outlet"] as String?, count: $0["n"] as Int) }, undated)
                }
                return try budget.map { try $0.enforce(on: db, run) } ?? run()
            }
        } catch let error as DatabaseError {
            throw IndexError.queryFailed(error.message ?? String(describing: error))
        }
    }
}
