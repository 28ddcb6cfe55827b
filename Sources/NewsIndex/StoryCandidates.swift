import Foundation
import GRDB
import NewsCore

/// Finds the articles that may share a story (or copy group) with one — candidates for its story
/// and for `related` — as Lucene's MoreLikeThis does, on keys newsd files itself: every placed
/// article is filed in `story_key` under its `ArticleFingerprint.storyKeys` (names and strongest
/// terms) and the day of its published date — one row per key and day listing its articles
/// (`PackedArticleIds`) — with each key's article count in `story_key_count`.
///
/// The article's rarest keys are looked up (a rare name is what reports of one event share), and
/// every lookup is bounded — keys shared by more than `commonKey` articles are not telling, and
/// at most `perKey` entries are read per key within the date window — so placing one article
/// costs about the same in a small archive as in a large one.
struct StoryCandidates {
    let db: Database

    /// Keys looked up per article.
    static let keyCount = 8
    /// A key filed for more articles than this says little about which story an article is in.
    static let commonKey = 400
    /// Entries read per key and date range.
    static let perKey = 128
    /// Candidates returned, most shared keys first.
    static let candidateCount = 30
    /// The day stored for an article without a published date: such an article joins a story
    /// by its text alone (see `StoryBook`), so it is looked up whatever the date. Zero, which
    /// SQLite stores in no bytes at all: in an archive of undated notes and wire copy nearly
    /// every entry is filed under it.
    static let undated: Int64 = 0

    /// The day an article is filed under: its published date's day number, one higher from
    /// 1970-01-01 on so that no date is filed as `undated` (the order of days stays), or `undated`.
    static func filingDay(_ published: Int?) -> Int64 {
        guard let published else { return undated }
        return Int64(published) + (published >= 0 ? 1 : 0)
    }

    /// The filing-day ranges to read for an article filed under `day` (nil: undated): the
    /// window around it and the undated entries, or, for an undated article, every entry.
    static func lookupRanges(day: Int?, windowDays: Int) -> [ClosedRange<Int64>] {
        guard let day else { return [Int64.min...Int64.max] }
        let window = filingDay(day - windowDays)...filingDay(day + windowDays)
        // A window around 1970-01-01 holds the undated entries already: read once, counted once.
        return window.contains(undated) ? [window] : [window, undated...undated]
    }

    /// Article ids sharing the most of `fingerprint`'s rarest keys, best first. With a `day`,
    /// among the articles filed within `windowDays` of it and the undated ones; without, among
    /// the most recent under each key. `filed`: the article itself is filed under its keys.
    /// `pending`: filings of this transaction not yet written, seen as if they were (and the
    /// stored counts read here are remembered in it).
    ///
    /// `complete`: every telling key is looked up and every article found is returned, not only
    /// the best `candidateCount` under the `keyCount` rarest keys; then two articles find each
    /// other whichever is placed first, as long as their shared key stays telling.
    func candidates(for fingerprint: ArticleFingerprint, excluding id: Int64, day: Int?, windowDays: Int,
                    filed: Bool = false, complete: Bool = false, pending: inout PendingStoryKeys) throws -> [Int64] {
        var seen = Set<Int64>()
        let keys = fingerprint.storyKeys.filter { seen.insert($0).inserted }
        guard !keys.isEmpty else { return [] }
        try readCounts(of: keys, into: &pending)
        let counts = keys.compactMap { key in pending.count(key).map { (key, $0) } }
        let shared = filed ? 2 : 1
        let telling = counts.filter { $0.1 >= shared && $0.1 <= Self.commonKey }
            .sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }.prefix(complete ? Int.max : Self.keyCount).map(\.0)
        let ranges = Self.lookupRanges(day: day, windowDays: windowDays)
        // Every telling key's rows within the ranges, in one statement (of one range, the same twice).
        var stored: [Int64: [(day: Int64, packed: Data)]] = [:]
        let (first, second) = (ranges[0], ranges.count > 1 ? ranges[1] : ranges[0])
        let rows = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT key, day, articles FROM story_key
            WHERE key IN (SELECT value FROM json_each(?)) AND (day BETWEEN ? AND ? OR day BETWEEN ? AND ?)
            """), arguments: [Self.jsonArray(telling), first.lowerBound, first.upperBound, second.lowerBound, second.upperBound])
        while let row = try rows.next() { stored[row[0], default: []].append((row[1], row[2])) }
        var sharing: [Int64: Int] = [:]
        sharing.reserveCapacity(telling.count * Self.perKey)
        for key in telling {
            for range in ranges {
                // Stored and pending filings by day.
                var days = pending.days(of: key, in: range)
                for (day, packed) in stored[key] ?? [] where range.contains(day) {
                    // A packing that cannot be read loses its entries (candidates only).
                    let ids = PackedArticleIds.decode(packed) ?? []
                    days[day] = days[day].map { ids.mergedAscending(with: $0) } ?? ids
                }
                // The newest `perKey` entries: the latest day first, the highest id first.
                var read = 0
                for day in days.keys.sorted(by: >) where read < Self.perKey {
                    for other in days[day]!.reversed().prefix(Self.perKey - read) {
                        read += 1
                        if other != id { sharing[other, default: 0] += 1 }
                    }
                }
            }
        }
        return Self.mostShared(sharing, limit: complete ? Int.max : Self.candidateCount)
    }

    /// The `limit` ids that share the most keys (`sharing`: id → keys shared), most first, then
    /// the higher id first. Without a limit every id is sorted; with one, only the counts that
    /// reach the first `limit` are (a few of the hundreds an article shares a key with).
    static func mostShared(_ sharing: [Int64: Int], limit: Int) -> [Int64] {
        guard limit < sharing.count else {
            return sharing.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key > $1.key }.map(\.key)
        }
        var byCount: [Int: [Int64]] = [:]
        for (id, count) in sharing { byCount[count, default: []].append(id) }
        var best: [Int64] = []
        best.reserveCapacity(limit)
        for count in byCount.keys.sorted(by: >) {
            let ids = byCount[count]!.sorted(by: >)
            best += ids.prefix(limit - best.count)
            if best.count == limit { break }
        }
        return best
    }

    /// `candidates` outside a placement: nothing pending.
    func candidates(for fingerprint: ArticleFingerprint, excluding id: Int64, day: Int?, windowDays: Int,
                    filed: Bool = false, complete: Bool = false) throws -> [Int64] {
        var pending = PendingStoryKeys()
        return try candidates(for: fingerprint, excluding: id, day: day, windowDays: windowDays, filed: filed,
                              complete: complete, pending: &pending)
    }

    /// Reads the stored counts of those `keys` whose count `pending` does not hold yet.
    private func readCounts(of keys: [Int64], into pending: inout PendingStoryKeys) throws {
        let unread = keys.filter { pending.count($0) == nil }
        guard !unread.isEmpty else { return }
        var found: [Int64: Int] = [:]
        let rows = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT key, articles FROM story_key_count WHERE key IN (SELECT value FROM json_each(?))
            """), arguments: [Self.jsonArray(unread)])
        while let row = try rows.next() { found[row[0]] = row[1] }
        for key in unread { pending.remember(key, storedCount: found[key] ?? 0) }
    }

    /// Files a placed article under its keys, in `pending` (written by `write`). A key filed for
    /// more than `commonKey` articles is never looked up again, so its entries are dropped as it
    /// passes that count and none are filed after: its count stays where it passed, and the key
    /// stays common even if articles filed under it go. Returns the keys it was filed under.
    @discardableResult
    func file(_ fingerprint: ArticleFingerprint, articleId: Int64, day: Int?, into pending: inout PendingStoryKeys) throws -> [Int64] {
        let keys = fingerprint.storyKeys
        guard !keys.isEmpty else { return [] }
        try readCounts(of: keys, into: &pending)
        let filed = keys.filter { pending.count($0)! <= Self.commonKey }
        Self.file(articleId, under: filed, day: day, into: &pending)
        return filed
    }

    /// Files an article under `keys`, told already (by `file`, on the same counts) to be the
    /// ones it goes under: no count is read.
    static func file(_ articleId: Int64, under keys: [Int64], day: Int?, into pending: inout PendingStoryKeys) {
        let filingDay = filingDay(day)
        for key in keys { pending.add(key: key, day: filingDay, articleId: articleId) }
    }

    /// Writes the filings `pending` holds, each key's row once, and empties it. A key that
    /// passes `commonKey` loses its entries. An article found filed already (its earlier
    /// filing never taken out) is not counted again; returns false when there was one (the
    /// stored counts are then not the ones `pending` counted).
    @discardableResult
    func write(_ pending: inout PendingStoryKeys) throws -> Bool {
        defer { pending.removeAll() }
        guard !pending.isEmpty else { return true }
        var allNew = true
        let keys = pending.entries.keys.sorted()
        // The stored rows of every key filed under, in one statement (a telling key has few).
        var stored: [Int64: [Int64: Data]] = [:]
        let rows = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT key, day, articles FROM story_key WHERE key IN (SELECT value FROM json_each(?))
            """), arguments: [Self.jsonArray(keys)])
        while let row = try rows.next() { stored[row[0], default: [:]][row[1]] = row[2] }
        let write = try db.cachedStatement(sql: """
            INSERT INTO story_key(key, day, articles) VALUES (?, ?, ?) ON CONFLICT(key, day) DO UPDATE SET articles = excluded.articles
            """)
        var filed: [[Int64]] = []
        // In key order: neighbouring keys share B-tree pages.
        for key in keys {
            var count: Int64 = 0
            for (day, ids) in pending.entries[key]!.sorted(by: { $0.key < $1.key }) {
                // A packing that cannot be read loses its entries (candidates only) rather than the placement.
                let before = stored[key]?[day].flatMap(PackedArticleIds.decode) ?? []
                let merged = before.mergedAscending(with: ids)
                if merged.count - before.count != ids.count { allNew = false }
                guard merged.count > before.count else { continue }
                count += Int64(merged.count - before.count)
                try write.execute(arguments: [key, day, PackedArticleIds.encode(merged)])
            }
            if count > 0 { filed.append([key, count]) }
        }
        guard !filed.isEmpty else { return allNew }
        // Every key's count in one statement; those that pass `commonKey` lose their entries.
        let pairs = "[" + filed.map { "[\($0[0]),\($0[1])]" }.joined(separator: ",") + "]"
        let common = try Int64?.fetchAll(db.cachedStatement(sql: """
            INSERT INTO story_key_count(key, articles)
            SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?) WHERE true
            ON CONFLICT(key) DO UPDATE SET articles = articles + excluded.articles
            RETURNING CASE WHEN articles > ? THEN key END
            """), arguments: [pairs, Self.commonKey]).compactMap { $0 }
        let unfileAll = try db.cachedStatement(sql: "DELETE FROM story_key WHERE key = ?")
        for key in common { try unfileAll.execute(arguments: [key]) }
        return allNew
    }

    /// Takes an article out of its keys (whatever day it was filed under: a key that is not
    /// common lists at most `commonKey` articles over all its days). Common keys hold no
    /// entries, so their counts stay.
    func unfile(_ fingerprint: ArticleFingerprint, articleId: Int64) throws {
        let days = try db.cachedStatement(sql: "SELECT day, articles FROM story_key WHERE key = ?")
        let update = try db.cachedStatement(sql: "UPDATE story_key SET articles = ? WHERE key = ? AND day = ?")
        let delete = try db.cachedStatement(sql: "DELETE FROM story_key WHERE key = ? AND day = ?")
        for key in fingerprint.storyKeys {
            let filed = try Row.fetchAll(days, arguments: [key]).lazy.compactMap { row -> (day: Int64, ids: [Int64])? in
                PackedArticleIds.decode(row[1]).map { (row[0], $0) }
            }.first { $0.ids.contains(articleId) }
            guard let filed else { continue }
            let rest = filed.ids.filter { $0 != articleId }
            if rest.isEmpty {
                try delete.execute(arguments: [key, filed.day])
            } else {
                try update.execute(arguments: [PackedArticleIds.encode(rest), key, filed.day])
            }
            try db.cachedStatement(sql: "UPDATE story_key_count SET articles = articles - 1 WHERE key = ?").execute(arguments: [key])
            try db.cachedStatement(sql: "DELETE FROM story_key_count WHERE key = ? AND articles <= 0").execute(arguments: [key])
        }
    }

    /// Integers as a JSON array, for `json_each`.
    static func jsonArray(_ values: some Sequence<Int64>) -> String {
        "[" + values.map(String.init).joined(separator: ",") + "]"
    }
}
