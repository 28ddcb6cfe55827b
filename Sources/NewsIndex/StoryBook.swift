import Foundation
import GRDB
import NewsCore

/// Places articles in stories and copy groups, after ingest: `ArticleIndex.placeStories` runs
/// when the ingest queue is empty, so bulk ingest never waits for it, and a single new article is
/// placed milliseconds after it became searchable.
///
/// Stories and copy groups are the connected groups of a relation between two articles that
/// does not depend on which came first: their texts are copies (`Similarity.shingles`), or
/// they are alike (`Similarity.articles`) and dated within `windowDays` of each other. An
/// article that links stories (or copy groups) merges them, so the same articles make the same
/// stories whatever order they arrive in. A story runs as long as reports keep coming less than
/// `windowDays` apart. A copy group's first article is its earliest report (published dates
/// before uncertain ones, then the file's time, then the text's hash), never the first to arrive.
///
/// Candidates come from `StoryCandidates`: in an archive of up to `completeLimit` articles
/// every article sharing a telling key, so that a link is found whichever of its two articles
/// arrives first; in a larger one the lookups are bounded (the rarest keys, the best
/// candidates), and the grouping holds as far as they find the same links.
struct StoryBook {
    let db: Database
    private var touched = Set<Int64>()
    /// Fingerprints decoded in this transaction: the articles placed together are often one
    /// story's, and share their candidates.
    private var decoded: [Int64: ArticleFingerprint] = [:]

    /// Decoded fingerprints kept at most (some 2 MB).
    static let decodedLimit = 4096
    /// Reports more than this many days apart are linked only as copies: a story ends when
    /// none follows within this gap.
    static let windowDays = 7
    /// Archives up to this many articles look up every telling key of an article.
    static let completeLimit = 5_000

    init(_ db: Database) {
        self.db = db
    }

    /// Notes a story whose counts must be refreshed before the transaction ends.
    mutating func touch(_ story: Int64?) {
        if let story { touched.insert(story) }
    }

    /// Gives an unplaced article its fingerprint, copy group and story.
    mutating func place(articleId: Int64) throws {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT a.articleDate, a.dateSource, f.bytes FROM article a LEFT JOIN article_fingerprint f ON f.id = a.id WHERE a.id = ?
            """), arguments: [articleId])
        else { return }
        let date: String = row["articleDate"]
        let fingerprint = try Self.storedFingerprint(row["bytes"]) ?? fingerprintFromText(articleId)
        // Only a published date places an article in time: an inferred year or a file's day
        // (an article copied in today) says nothing about when the story happened.
        let day = ArticleIndex.dateSource(row) == .published ? CalendarDay(iso: date)?.dayNumber : nil
        let finder = StoryCandidates(db: db)
        let ids = try candidates(for: fingerprint, excluding: articleId, day: day, finder: finder)
        var copyGroups: [Int64: Double] = [:]   // first article of each group it copies → best similarity
        var stories = Set<Int64>()
        for candidate in try Self.load(db, ids) {
            guard let other = decoded[candidate.id] ?? ArticleFingerprint(encoded: candidate.fingerprint) else { continue }
            if decoded.count >= Self.decodedLimit { decoded.removeAll(keepingCapacity: true) }
            decoded[candidate.id] = other
            let copy = Similarity.shingles(fingerprint, other)
            if copy >= Similarity.copyThreshold {
                let group = candidate.copyOf ?? candidate.id
                copyGroups[group] = max(copyGroups[group] ?? 0, copy)
                if let story = candidate.storyId { stories.insert(story) }
                continue
            }
            let withinWindow = day.flatMap { day in
                candidate.datePublished ? CalendarDay(iso: candidate.date).map { abs($0.dayNumber - day) <= Self.windowDays } : nil
            } ?? true
            if withinWindow, let story = candidate.storyId, Similarity.articles(fingerprint, other) >= Similarity.storyThreshold {
                stories.insert(story)
            }
        }
        let storyId: Int64
        if let first = stories.min() {
            storyId = first
            for other in stories where other != first {
                try db.cachedStatement(sql: "UPDATE article SET storyId = ? WHERE storyId = ?").execute(arguments: [first, other])
                touched.insert(other)
            }
        } else {
            try db.cachedStatement(sql: "INSERT INTO story(articles, outlets, firstDate, lastDate) VALUES (0, 0, ?, ?)").execute(arguments: [date, date])
            storyId = db.lastInsertedRowID
        }
        touched.insert(storyId)
        try finder.file(fingerprint, articleId: articleId, day: day)
        try db.cachedStatement(sql: "UPDATE article SET storyId = ?, copyOf = NULL, copySimilarity = NULL WHERE id = ?")
            .execute(arguments: [storyId, articleId])
        if !copyGroups.isEmpty { try joinCopies(articleId, groups: copyGroups) }
    }

    /// The articles to compare a new one with (see `StoryCandidates`): in an archive of up to
    /// `completeLimit` articles all that share a telling key with it, so that two articles find
    /// each other whichever arrives first; in a larger one the best under its rarest keys.
    private func candidates(for fingerprint: ArticleFingerprint, excluding id: Int64, day: Int?, finder: StoryCandidates) throws -> [Int64] {
        let articles = try Int.fetchOne(db.cachedStatement(sql: "SELECT articles FROM tally WHERE kind = 'articles' AND value = ''")) ?? 0
        return try finder.candidates(for: fingerprint, excluding: id, day: day, windowDays: Self.windowDays,
                                     complete: articles <= Self.completeLimit)
    }

    /// Puts an article in the copy groups it copies (whose first articles are `groups`, with
    /// its best similarity to each), merging them; the group's first article is the earliest.
    private func joinCopies(_ articleId: Int64, groups: [Int64: Double]) throws {
        let members = [articleId] + groups.keys.sorted()
        let rows = try Row.fetchAll(db, sql: """
            SELECT id, dateSource IS NOT 'published' AS uncertain, articleDate, fileTime, contentHash
            FROM article WHERE id IN (SELECT value FROM json_each(?))
            """, arguments: [StoryCandidates.jsonArray(members)])
        func key(_ row: Row) -> (Int, String, Double, String) { (row["uncertain"], row["articleDate"], row["fileTime"] ?? 0, row["contentHash"]) }
        guard let first = rows.min(by: { key($0) < key($1) }).map({ $0["id"] as Int64 }) else { return }
        for group in groups.keys where group != first {
            try db.cachedStatement(sql: "UPDATE article SET copyOf = ? WHERE copyOf = ? OR id = ?").execute(arguments: [first, group, group])
            try db.cachedStatement(sql: "UPDATE article SET copySimilarity = coalesce(copySimilarity, ?) WHERE id = ?")
                .execute(arguments: [groups[group], group])
        }
        if first != articleId {
            try db.cachedStatement(sql: "UPDATE article SET copyOf = ?, copySimilarity = ? WHERE id = ?")
                .execute(arguments: [first, groups.values.max(), articleId])
        }
        try db.cachedStatement(sql: "UPDATE article SET copyOf = NULL, copySimilarity = NULL WHERE id = ?").execute(arguments: [first])
    }

    /// A fingerprint as stored (nil when absent or unreadable).
    static func storedFingerprint(_ data: Data?) -> ArticleFingerprint? {
        data.flatMap { ArticleFingerprint(encoded: [UInt8]($0)) }
    }

    /// Computes and stores the fingerprint of an article that has none (written by a newsd that
    /// fingerprinted elsewhere, or whose stored one it cannot read).
    private func fingerprintFromText(_ articleId: Int64) throws -> ArticleFingerprint {
        let row = try Row.fetchOne(db, sql: """
            SELECT a.headline, \(TextCompression.inflateFunction)(t.body) AS body FROM article a JOIN article_text t ON t.id = a.id WHERE a.id = ?
            """, arguments: [articleId])
        let fingerprint = ArticleFingerprint.of(headline: row?["headline"] ?? "", body: row?["body"] ?? "")
        try db.execute(sql: "INSERT OR REPLACE INTO article_fingerprint(id, bytes) VALUES (?, ?)", arguments: [articleId, Data(fingerprint.encoded)])
        return fingerprint
    }

    struct Candidate {
        var id: Int64, fingerprint: [UInt8], storyId: Int64?, copyOf: Int64?, date: String
        /// Whether `date` is a published one (not an inferred year or the file's day).
        var datePublished: Bool
    }

    /// The placed articles among `ids`, in the order given.
    static func load(_ db: Database, _ ids: [Int64]) throws -> [Candidate] {
        guard !ids.isEmpty else { return [] }
        let rows = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT a.id, f.bytes, a.storyId, a.copyOf, a.articleDate, a.dateSource = 'published'
            FROM article a JOIN article_fingerprint f ON f.id = a.id
            WHERE a.id IN (SELECT value FROM json_each(?)) AND a.storyId IS NOT NULL
            """), arguments: [StoryCandidates.jsonArray(ids)])
        let byId = Dictionary(uniqueKeysWithValues: rows.map { row in
            (row[0] as Int64, Candidate(id: row[0], fingerprint: [UInt8]((row[1] as Data?) ?? Data()), storyId: row[2], copyOf: row[3],
                                        date: row[4], datePublished: (row[5] as Bool?) ?? false))
        })
        return ids.compactMap { byId[$0] }
    }

    /// Notes an article's story as touched and takes the article out of the keys it was filed
    /// under (only a placed article was filed).
    private mutating func takeOutOfStory(_ articleId: Int64) throws {
        let row = try Row.fetchOne(db, sql: """
            SELECT a.storyId, f.bytes FROM article a LEFT JOIN article_fingerprint f ON f.id = a.id WHERE a.id = ?
            """, arguments: [articleId])
        guard let story: Int64 = row?["storyId"] else { return }
        touched.insert(story)
        if let stored = Self.storedFingerprint(row?["bytes"]) {
            try StoryCandidates(db: db).unfile(stored, articleId: articleId)
        }
    }

    /// Takes an article out of its story and keys before its text changes; it is placed again later.
    mutating func unplace(articleId: Int64) throws {
        try takeOutOfStory(articleId)
    }

    /// Takes an article out of the index: its copies get a new first article, its story a new count.
    mutating func remove(articleId: Int64) throws {
        try takeOutOfStory(articleId)
        try db.execute(sql: "DELETE FROM article WHERE id = ?", arguments: [articleId])
        if let heir = try Int64.fetchOne(db, sql: "SELECT min(id) FROM article WHERE copyOf = ?", arguments: [articleId]) {
            try db.execute(sql: "UPDATE article SET copyOf = ? WHERE copyOf = ? AND id != ?", arguments: [heir, articleId, heir])
            try db.execute(sql: "UPDATE article SET copyOf = NULL, copySimilarity = NULL WHERE id = ?", arguments: [heir])
        }
    }

    /// Brings the counts and dates of every story touched in this transaction up to date (its
    /// span is that of its published dates when it has any); a story left without articles is deleted.
    func refreshTouched() throws {
        for story in touched.sorted() {
            try db.cachedStatement(sql: """
                UPDATE story SET
                    articles = (SELECT count(*) FROM article WHERE storyId = ?1),
                    outlets = (SELECT count(DISTINCT outlet) FROM article WHERE storyId = ?1 AND outlet IS NOT NULL),
                    firstDate = coalesce((SELECT min(articleDate) FROM article WHERE storyId = ?1 AND dateSource = 'published'),
                                         (SELECT min(articleDate) FROM article WHERE storyId = ?1), firstDate),
                    lastDate = coalesce((SELECT max(articleDate) FROM article WHERE storyId = ?1 AND dateSource = 'published'),
                                        (SELECT max(articleDate) FROM article WHERE storyId = ?1), lastDate)
                WHERE id = ?1
                """).execute(arguments: [story])
            try db.cachedStatement(sql: "DELETE FROM story WHERE id = ? AND articles = 0").execute(arguments: [story])
        }
    }
}

