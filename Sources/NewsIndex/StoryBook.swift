import Foundation
import GRDB
import NewsCore

/// Places articles in stories and copy groups inside the ingest transaction, so that a new
/// article is in its story the moment it is searchable.
///
/// Candidates come from the index itself (the article's most telling words as an OR query,
/// best bm25 first, as Lucene's MoreLikeThis does); the decision is `Similarity.articles`
/// within a date window, and `Similarity.shingles` for copies. Placement is incremental and
/// never moves other articles, so story ids are stable across re-ingests and restarts.
struct StoryBook {
    let db: Database
    private var touched = Set<Int64>()

    /// Candidates looked at per new article.
    static let candidateCount = 30
    /// Reports more than this many days apart are different events, however alike.
    static let windowDays = 7

    init(_ db: Database) {
        self.db = db
    }

    /// Gives a new or edited article its fingerprint, copy group and story. An unchanged
    /// article read again keeps them (it is placed only if an older index never placed it).
    mutating func place(articleId: Int64, article: IndexableArticle, edited: Bool) throws {
        let current = try Row.fetchOne(db, sql: "SELECT storyId FROM article WHERE id = ?", arguments: [articleId])
        let currentStory: Int64? = current?["storyId"]
        if !edited && currentStory != nil { return }
        if let currentStory { touched.insert(currentStory) }

        let fingerprint = article.fingerprint
        let day = CalendarDay(iso: article.articleDate)?.dayNumber
        var bestCopy: (id: Int64, score: Double)?
        var bestStory: (id: Int64, score: Double)?
        for candidate in try candidates(for: fingerprint, excluding: articleId) {
            guard let other = ArticleFingerprint(encoded: candidate.fingerprint) else { continue }
            let copy = Similarity.shingles(fingerprint, other)
            if copy >= Similarity.copyThreshold, copy > (bestCopy?.score ?? 0) {
                bestCopy = (candidate.copyOf ?? candidate.id, copy)
            }
            let withinWindow = day.flatMap { day in CalendarDay(iso: candidate.date).map { abs($0.dayNumber - day) <= Self.windowDays } } ?? true
            let score = Similarity.articles(fingerprint, other)
            if let story = candidate.storyId, withinWindow || copy >= Similarity.copyThreshold,
               score >= Similarity.storyThreshold, score > (bestStory?.score ?? 0) {
                bestStory = (story, score)
            }
        }
        let storyId: Int64
        if let bestStory {
            storyId = bestStory.id
        } else {
            try db.execute(sql: "INSERT INTO story(articles, outlets, firstDate, lastDate) VALUES (0, 0, ?, ?)",
                           arguments: [article.articleDate, article.articleDate])
            storyId = db.lastInsertedRowID
        }
        touched.insert(storyId)
        try db.execute(sql: "UPDATE article SET fingerprint = ?, storyId = ?, copyOf = ?, copySimilarity = ? WHERE id = ?",
                       arguments: [Data(fingerprint.encoded), storyId, bestCopy?.id, bestCopy?.score, articleId])
    }

    private struct Candidate {
        var id: Int64, fingerprint: [UInt8], storyId: Int64?, copyOf: Int64?, date: String
    }

    private func candidates(for fingerprint: ArticleFingerprint, excluding id: Int64) throws -> [Candidate] {
        guard let match = Self.matchExpression(fingerprint) else { return [] }
        return try Row.fetchAll(db, sql: """
            SELECT a.id, a.fingerprint, a.storyId, a.copyOf, a.articleDate
            FROM article_fts CROSS JOIN article a ON a.id = article_fts.rowid
            WHERE article_fts MATCH ? AND a.id != ? AND a.fingerprint IS NOT NULL
            ORDER BY bm25(article_fts) LIMIT ?
            """, arguments: [match, id, Self.candidateCount]).map { row in
            Candidate(id: row[0], fingerprint: [UInt8]((row[1] as Data?) ?? Data()), storyId: row[2], copyOf: row[3], date: row[4])
        }
    }

    /// The telling words as one FTS5 OR query over headline and body, every word quoted.
    static func matchExpression(_ fingerprint: ArticleFingerprint) -> String? {
        let words = fingerprint.queryTerms.filter { QueryTextCheck.isSearchable($0) }
        guard !words.isEmpty else { return nil }
        return "{headline body} : (" + words.map(QueryTranslator.quote).joined(separator: " OR ") + ")"
    }

    /// Takes an article out of the index: its copies get a new first article, its story a new count.
    mutating func remove(articleId: Int64) throws {
        let row = try Row.fetchOne(db, sql: "SELECT storyId FROM article WHERE id = ?", arguments: [articleId])
        if let story: Int64 = row?["storyId"] { touched.insert(story) }
        try db.execute(sql: "DELETE FROM article WHERE id = ?", arguments: [articleId])
        if let heir = try Int64.fetchOne(db, sql: "SELECT min(id) FROM article WHERE copyOf = ?", arguments: [articleId]) {
            try db.execute(sql: "UPDATE article SET copyOf = ? WHERE copyOf = ? AND id != ?", arguments: [heir, articleId, heir])
            try db.execute(sql: "UPDATE article SET copyOf = NULL, copySimilarity = NULL WHERE id = ?", arguments: [heir])
        }
    }

    /// Brings the counts and dates of every story touched in this transaction up to date;
    /// a story left without articles is deleted.
    func refreshTouched() throws {
        for story in touched.sorted() {
            try db.execute(sql: """
                UPDATE story SET
                    articles = (SELECT count(*) FROM article WHERE storyId = ?1),
                    outlets = (SELECT count(DISTINCT outlet) FROM article WHERE storyId = ?1 AND outlet IS NOT NULL),
                    firstDate = coalesce((SELECT min(articleDate) FROM article WHERE storyId = ?1), firstDate),
                    lastDate = coalesce((SELECT max(articleDate) FROM article WHERE storyId = ?1), lastDate)
                WHERE id = ?1
                """, arguments: [story])
            try db.execute(sql: "DELETE FROM story WHERE id = ? AND articles = 0", arguments: [story])
        }
    }
}

/// The searchable-text rule of the query parser, for words chosen by newsd itself.
enum QueryTextCheck {
    static func isSearchable(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.properties.isAlphabetic || $0.properties.numericType != nil }
    }
}
