@testable import NewsIndex

extension WindowedSearch {
    /// Every match's id and score, the best `LIMIT ?` by score (SQLite sorts), with a ranking
    /// that records into the `RankingRecorders` entry `recorder`: for tests that compare what the
    /// ranking recorded with the scores it gave. Bound: the MATCH, then the limit.
    func scoreWindowSQL(recorder: Int64 = 0) -> String {
        "SELECT rowid AS id, \(filter.rankExpression(recorder: recorder)) AS score FROM article_fts WHERE article_fts MATCH ? ORDER BY score LIMIT ?"
    }
}
