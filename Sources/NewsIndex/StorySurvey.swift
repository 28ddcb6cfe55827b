import Foundation
import GRDB
import NewsCore

/// What placing one article reads before it writes anything (`StoryBook.place`): the article's
/// date and fingerprint, its candidates, and those alike enough to link to it. Nothing in it is
/// changed by placing other articles except the story-key filings, which the surveyor keeps
/// itself; so it can be read ahead of the writer, on a reader's connection (`PlacementForecast`).
struct StorySurvey: Sendable {
    let articleId: Int64
    /// Its day number (`IndexSchema` v28) and where its date comes from.
    let articleDay: Int
    let dateSource: DateSource
    /// Its text hash in hex, which breaks ties between links.
    let hash: String
    let fingerprint: ArticleFingerprint
    /// Whether `fingerprint` was computed from the text, none stored being readable: the
    /// writer stores it.
    let fingerprintFromText: Bool
    /// The candidates alike enough to link to (`StoryBook.linkThreshold`, or a copy), in the
    /// order `StoryCandidates` found them.
    let alike: [Alike]

    struct Alike: Sendable {
        var id: Int64
        var copy: Bool
        var score: Double
        /// Whether the two name someone or something in common.
        var names: Bool
    }

    /// The day it is filed and looked up under (see `StoryCandidates`).
    var day: Int? { Self.filingDay(articleDay, source: dateSource) }

    /// The day an article dated on `articleDay` from `source` is filed and looked up under: its
    /// published date's; nil for an inferred year or a file's day, which are looked up whatever
    /// the date.
    static func filingDay(_ articleDay: Int, source: DateSource) -> Int? {
        source == .published ? articleDay : nil
    }
}

/// Surveys articles one after another as one placement transaction places them: its story-key
/// filings (`file`) are seen by the next survey as if written, and the fingerprints it decodes
/// are kept for the next (the articles placed together are often one story's, and share their
/// candidates).
struct StorySurveyor {
    let db: Database
    /// Story-key filings of this transaction not yet written (`StoryCandidates.write`).
    var pendingKeys = PendingStoryKeys()
    private var decoded = RecentFingerprints(generation: StorySurveyor.decodedGeneration)
    /// Fingerprints computed from text in this transaction; kept whatever `decoded` drops,
    /// since only the writer stores them.
    private var computed: [Int64: ArticleFingerprint] = [:]

    /// Decoded fingerprints kept in each of `decoded`'s two generations (some 1.5 KB each).
    static let decodedGeneration = 4096

    init(_ db: Database) {
        self.db = db
    }

    /// What placing `articleId` needs to read; nil when there is no such article.
    mutating func survey(articleId: Int64) throws -> StorySurvey? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT a.articleDay, a.dateKind, hex(a.contentHash) AS contentHash, f.bytes FROM article a
            LEFT JOIN article_fingerprint_whole f ON f.id = a.id WHERE a.id = ?
            """), arguments: [articleId])
        else { return nil }
        let source = ArticleIndex.dateSource(row)
        let articleDay: Int = row["articleDay"]
        var fromText = false
        let fingerprint: ArticleFingerprint
        if let stored = StoryBook.storedFingerprint(row["bytes"]) {
            fingerprint = stored
        } else {
            fingerprint = try textFingerprint(articleId)
            computed[articleId] = fingerprint
            fromText = true
        }
        let day = StorySurvey.filingDay(articleDay, source: source)
        let finder = StoryCandidates(db: db)
        let articles = try RowTally.read(db, .articles)
        let ids = try finder.candidates(for: fingerprint, excluding: articleId, day: day, windowDays: StoryBook.windowDays,
                                        complete: articles <= StoryBook.completeLimit, pending: &pendingKeys)
        // Alike enough to link is told from the fingerprints alone; only those candidates'
        // rows and links are read (most candidates share a key or two and nothing more).
        var alike: [StorySurvey.Alike] = []
        for (id, other) in try fingerprints(of: ids) {
            let copy = Similarity.shingles(fingerprint, other) >= Similarity.copyThreshold
            let score = Similarity.articles(fingerprint, other)
            guard copy || score >= StoryBook.linkThreshold else { continue }
            alike.append(.init(id: id, copy: copy, score: score, names: Similarity.names(fingerprint, other) > 0))
        }
        // Articles placed after this one in the transaction often find it among their candidates.
        decoded.keep(fingerprint, for: articleId)
        return StorySurvey(articleId: articleId, articleDay: articleDay, dateSource: source, hash: row["contentHash"],
                           fingerprint: fingerprint, fingerprintFromText: fromText, alike: alike)
    }

    /// Files a surveyed article under its story keys (in `pendingKeys`), once it is placed;
    /// returns the keys it was filed under.
    @discardableResult
    mutating func file(_ survey: StorySurvey) throws -> [Int64] {
        try StoryCandidates(db: db).file(survey.fingerprint, articleId: survey.articleId, day: survey.day, into: &pendingKeys)
    }

    /// Files a surveyed article under `keys`, those a forecast's surveyor filed it under with
    /// the same counts (see `PlacementForecast`).
    mutating func file(_ survey: StorySurvey, under keys: [Int64]) {
        StoryCandidates.file(survey.articleId, under: keys, day: survey.day, into: &pendingKeys)
    }

    /// Keeps a fingerprint the writer was given by a forecast, for the surveys it makes itself.
    mutating func remember(_ survey: StorySurvey) {
        decoded.keep(survey.fingerprint, for: survey.articleId)
    }

    /// The fingerprint of an article from its text (one written by a newsd that fingerprinted
    /// elsewhere, or whose stored one cannot be read).
    private func textFingerprint(_ articleId: Int64) throws -> ArticleFingerprint {
        let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT a.headline, \(TextCodec.inflateFunction)(t.body) AS body FROM article a JOIN article_text t ON t.id = a.id WHERE a.id = ?
            """), arguments: [articleId])
        return ArticleFingerprint.of(headline: row?["headline"] ?? "", body: row?["body"] ?? "")
    }

    /// The decoded fingerprints of `ids`, in the order given, from those decoded or computed in
    /// this transaction or else as stored; an article without one that can be read is left out.
    private mutating func fingerprints(of ids: [Int64]) throws -> [(id: Int64, fingerprint: ArticleFingerprint)] {
        var found: [Int64: ArticleFingerprint] = [:]
        var unknown: [Int64] = []
        for id in ids {
            if let fingerprint = computed[id] ?? decoded.fingerprint(of: id) { found[id] = fingerprint } else { unknown.append(id) }
        }
        if !unknown.isEmpty {
            // Read by position from a cursor, as in `StoryBook.load`.
            let rows = try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT id, bytes FROM article_fingerprint_whole WHERE id IN (SELECT value FROM json_each(?))
                """), arguments: [StoryCandidates.jsonArray(unknown)])
            while let row = try rows.next() {
                let bytes: Data? = row[1]
                if let bytes, let fingerprint = ArticleFingerprint(encoded: [UInt8](bytes)) {
                    found[row[0]] = fingerprint
                    decoded.keep(fingerprint, for: row[0])
                }
            }
        }
        return ids.compactMap { id in found[id].map { (id, $0) } }
    }
}
