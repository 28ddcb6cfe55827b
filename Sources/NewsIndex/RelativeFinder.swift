import Foundation
import GRDB
import NewsCore

/// Finds the articles that may be relatives of one — candidates for its story, its copy group
/// and `related` — as Lucene's MoreLikeThis does, but on keys newsd files itself: every placed
/// article is filed under its names and strongest terms (`ArticleFingerprint.relativeKeys`) in
/// `relative_key`, with each key's article count in `relative_key_count`.
///
/// The keys the fewest articles share are looked up: a handful of short posting lists in plain
/// B-trees. (A ranked FTS5 OR query over the article's words cost 60 ms per article on Reuters,
/// and document frequencies from fts5vocab 0.3 ms per term.)
struct RelativeFinder {
    let db: Database

    /// Keys looked up per article.
    static let keyCount = 8
    /// Candidates returned, most shared keys first.
    static let candidateCount = 30

    /// Article ids sharing the most of the fingerprint's rarest keys, best first. `filed`: the
    /// article itself is already filed under its keys (so a key must count two to be shared).
    func candidates(for fingerprint: ArticleFingerprint, excluding id: Int64, articleCount: Int, filed: Bool = false) throws -> [Int64] {
        let keys = fingerprint.relativeKeys
        guard !keys.isEmpty else { return [] }
        // Lists as JSON arrays, so that the statements do not change with their length and stay cached.
        let counts = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT key, articles FROM relative_key_count WHERE key IN (SELECT value FROM json_each(?))
            """), arguments: [Self.jsonArray(keys)]).map { ($0[0] as Int64, $0[1] as Int) }
        // Telling keys: shared with a few other articles, not with a large share of them.
        let ceiling = max(50, articleCount / 50)
        let shared = filed ? 2 : 1
        let telling = counts.filter { $0.1 >= shared && $0.1 <= ceiling }.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
            .prefix(Self.keyCount).map(\.0)
        guard !telling.isEmpty else { return [] }
        return try Int64.fetchAll(db.cachedStatement(sql: """
            SELECT articleId FROM relative_key WHERE key IN (SELECT value FROM json_each(?)) AND articleId != ?
            GROUP BY articleId ORDER BY count(*) DESC, articleId DESC LIMIT ?
            """), arguments: [Self.jsonArray(telling), id, Self.candidateCount])
    }

    /// Integers as a JSON array, for `json_each`.
    static func jsonArray(_ values: some Sequence<Int64>) -> String {
        "[" + values.map(String.init).joined(separator: ",") + "]"
    }

    /// Files a placed article under its keys. (Cached statements here and in `StoryBook`: placement
    /// runs them for every article, and parsing them each time showed in its profile.)
    func file(_ fingerprint: ArticleFingerprint, articleId: Int64) throws {
        for key in fingerprint.relativeKeys {
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO relative_key(key, articleId) VALUES (?, ?)").execute(arguments: [key, articleId])
            guard db.changesCount > 0 else { continue }
            try db.cachedStatement(sql: """
                INSERT INTO relative_key_count(key, articles) VALUES (?, 1)
                ON CONFLICT(key) DO UPDATE SET articles = articles + 1
                """).execute(arguments: [key])
        }
    }

    /// Takes an article out of the keys it was filed under.
    func unfile(_ fingerprint: ArticleFingerprint, articleId: Int64) throws {
        for key in fingerprint.relativeKeys {
            try db.cachedStatement(sql: "DELETE FROM relative_key WHERE key = ? AND articleId = ?").execute(arguments: [key, articleId])
            guard db.changesCount > 0 else { continue }
            try db.cachedStatement(sql: "UPDATE relative_key_count SET articles = articles - 1 WHERE key = ?").execute(arguments: [key])
            try db.cachedStatement(sql: "DELETE FROM relative_key_count WHERE key = ? AND articles <= 0").execute(arguments: [key])
        }
    }
}
