import Foundation
import GRDB
import NewsCore

/// Finds the articles that may share a story (or copy group) with one — candidates for its story
/// and for `related` — through locality-sensitive hashing: every placed article is filed in
/// `story_bucket` under its `ArticleFingerprint.storyBuckets` and the day of its published date.
///
/// A lookup reads, for each of the article's buckets, at most `perBucket` entries within the
/// date window, so placing one article costs the same in a small archive as in a large one.
struct StoryCandidates {
    let db: Database

    /// Entries read per bucket and date range.
    static let perBucket = 24
    /// Candidates returned, most shared buckets first.
    static let candidateCount = 30
    /// The day stored for an article without a published date: such an article joins a story
    /// by its text alone (see `StoryBook`), so it is looked up whatever the date.
    static let undated: Int64 = -1 << 40

    /// The day an article is filed under: its published date's day number, or `undated`.
    static func filingDay(_ published: Int?) -> Int64 { published.map(Int64.init) ?? undated }

    /// Article ids sharing the most buckets with `fingerprint`, best first. With a `day`, the
    /// articles filed within `windowDays` of it and the undated ones; without, the most recent
    /// of every bucket.
    func candidates(for fingerprint: ArticleFingerprint, excluding id: Int64, day: Int?, windowDays: Int) throws -> [Int64] {
        var shared: [Int64: Int] = [:]
        let ranges: [(Int64, Int64)] = day.map { day in
            [(Int64(day - windowDays), Int64(day + windowDays)), (Self.undated, Self.undated)]
        } ?? [(Self.undated, Int64.max)]
        let statement = try db.cachedStatement(sql: """
            SELECT articleId FROM story_bucket WHERE bucket = ? AND day BETWEEN ? AND ? ORDER BY day DESC LIMIT ?
            """)
        for bucket in fingerprint.storyBuckets {
            for (low, high) in ranges {
                for other in try Int64.fetchAll(statement, arguments: [bucket, low, high, Self.perBucket]) where other != id {
                    shared[other, default: 0] += 1
                }
            }
        }
        return shared.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key > $1.key }.prefix(Self.candidateCount).map(\.key)
    }

    /// Files a placed article under its buckets.
    func file(_ fingerprint: ArticleFingerprint, articleId: Int64, day: Int?) throws {
        let statement = try db.cachedStatement(sql: "INSERT OR IGNORE INTO story_bucket(bucket, day, articleId) VALUES (?, ?, ?)")
        for bucket in fingerprint.storyBuckets {
            try statement.execute(arguments: [bucket, Self.filingDay(day), articleId])
        }
    }

    /// Takes an article out of its buckets (whatever day it was filed under).
    func unfile(_ fingerprint: ArticleFingerprint, articleId: Int64) throws {
        let statement = try db.cachedStatement(sql: "DELETE FROM story_bucket WHERE bucket = ? AND articleId = ?")
        for bucket in fingerprint.storyBuckets {
            try statement.execute(arguments: [bucket, articleId])
        }
    }

    /// Integers as a JSON array, for `json_each`.
    static func jsonArray(_ values: some Sequence<Int64>) -> String {
        "[" + values.map(String.init).joined(separator: ",") + "]"
    }
}
