import Foundation
import GRDB
import Synchronization

/// What a read snapshot holds, for tables of `SnapshotValues`: the last entry of the change log
/// (0 when empty) and the highest id.
struct SnapshotKey: Equatable, Sendable {
    let changes: Int64
    let lastId: Int64
}

/// One value per article id held in memory for searches, so that they do not look it up per
/// match: each full-text row's length (`DocumentLengths`) and each article's copy group
/// (`CopyGroups`).
///
/// The schema logs every article whose value changes once read (`IndexSchema.changeLog`). A
/// table read at one snapshot is valid for another whose log ends at the same entry, as long as
/// it holds every id the other does (rows only ever added keep it valid for later snapshots).
/// `read(_:)` brings the newest table up to date with a snapshot: rows added since and the
/// articles logged since are read again; a table further behind than the log reaches is read
/// whole.
final class SnapshotValues<Value: Sendable>: Sendable {
    /// One immutable table: `values[id]`, `absent` where the id had no row when it was read.
    final class Table: Sendable {
        let key: SnapshotKey
        let values: [Value]

        init(key: SnapshotKey, values: [Value]) {
            self.key = key
            self.values = values
        }
    }

    /// The newest table, and the one it replaced: a search whose snapshot began just before
    /// another search's (ingest commits in between) still finds a table for it.
    private let kept = Mutex<(newest: Table?, previous: Table?)>((nil, nil))
    private let log: String
    /// Selects id and value of the rows past an id (bound), in id order.
    private let rowsSQL: String
    /// Selects id and value of the rows whose ids are in a JSON array (bound).
    private let chosenRowsSQL: String
    /// Selects the highest id.
    private let lastIdSQL: String
    private let absent: Value
    private let value: @Sendable (Row) throws -> Value

    init(log: String, lastIdSQL: String, rowsSQL: String, chosenRowsSQL: String, absent: Value,
         value: @escaping @Sendable (Row) throws -> Value) {
        self.log = log
        self.lastIdSQL = lastIdSQL
        self.rowsSQL = rowsSQL
        self.chosenRowsSQL = chosenRowsSQL
        self.absent = absent
        self.value = value
    }

    /// The table valid for `key`'s snapshot, or nil.
    func table(for key: SnapshotKey) -> Table? {
        kept.withLock { kept in
            [kept.newest, kept.previous].lazy.compactMap { $0 }.first { Self.covers($0.key, key) }
        }
    }

    private static func covers(_ held: SnapshotKey, _ wanted: SnapshotKey) -> Bool {
        held.changes == wanted.changes && held.lastId >= wanted.lastId
    }

    private static func isNewer(_ one: SnapshotKey, than other: SnapshotKey) -> Bool {
        one.changes != other.changes ? one.changes > other.changes : one.lastId > other.lastId
    }

    /// `db`'s snapshot key and a table valid for it, after bringing the newest table up to date
    /// with that snapshot.
    func read(_ db: Database) throws -> (key: SnapshotKey, table: Table) {
        let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT (SELECT max(seq) FROM \(log)), (\(lastIdSQL)), (SELECT min(seq) FROM \(log))"))
        let key = SnapshotKey(changes: row?[0] ?? 0, lastId: row?[1] ?? 0)
        let oldestLogged: Int64 = row?[2] ?? 0
        if let held = table(for: key) { return (key, held) }
        let current = kept.withLock { $0.newest }
        // Read outside the lock: other searches keep the table they have meanwhile. A table
        // from an older snapshot, with every change since still logged, is brought forward;
        // anything else is read whole.
        var values: [Value] = []
        var from = Int64.min
        var changed: [Int64] = []
        if let current, current.key.changes <= key.changes, current.key.changes >= oldestLogged - 1 {
            values = current.values
            from = current.key.lastId
            if current.key.changes < key.changes {
                changed = try Int64.fetchAll(db.cachedStatement(sql: "SELECT DISTINCT id FROM \(log) WHERE seq > ? AND id <= ?"),
                                             arguments: [current.key.changes, from])
            }
        }
        values.reserveCapacity(Int(max(0, key.lastId)) + 1)
        try store(try Row.fetchCursor(db.cachedStatement(sql: rowsSQL), arguments: [from]), in: &values, upTo: key.lastId)
        if !changed.isEmpty {
            // Articles logged and gone have no row: absent again.
            for id in changed where id >= 0 && id < values.count { values[Int(id)] = absent }
            try store(try Row.fetchCursor(db.cachedStatement(sql: chosenRowsSQL), arguments: [StoryCandidates.jsonArray(changed)]),
                      in: &values, upTo: key.lastId)
        }
        let table = Table(key: key, values: values)
        kept.withLock { kept in
            // Another search may have published a newer table meanwhile: the newer stays newest.
            if let newest = kept.newest, !Self.isNewer(key, than: newest.key) {
                guard key != newest.key else { return }
                if kept.previous.map({ Self.isNewer(key, than: $0.key) }) ?? true { kept.previous = table }
                return
            }
            kept.previous = kept.newest
            kept.newest = table
        }
        return (key, table)
    }

    private func store(_ rows: RowCursor, in values: inout [Value], upTo lastId: Int64) throws {
        while let row = try rows.next() {
            let id: Int64 = row[0]
            guard id >= 0, id <= lastId else { continue }
            if values.count <= Int(id) { values.append(contentsOf: repeatElement(absent, count: Int(id) + 1 - values.count)) }
            values[Int(id)] = try value(row)
        }
    }
}

extension SnapshotValues {
    /// A table of one value per article: `expression` over its row, read through the covering
    /// index searches join by (which holds every column these tables read); changes logged in `log`.
    static func perArticle(_ expression: String, log: String, absent: Value,
                           value: @escaping @Sendable (Row) throws -> Value) -> SnapshotValues {
        SnapshotValues(
            log: log, lastIdSQL: "SELECT max(id) FROM article",
            rowsSQL: "SELECT id, \(expression) FROM article INDEXED BY \(IndexSchema.searchCoverIndex) WHERE id > ? ORDER BY id",
            chosenRowsSQL: "SELECT id, \(expression) FROM article WHERE id IN (SELECT value FROM json_each(?))",
            absent: absent, value: value)
    }
}

/// Each full-text row's length in tokens, all columns together, as FTS5 keeps it in
/// `article_fts_docsize`: ranking reads it here instead of per match (see `RankFunction`).
/// Logged: rows removed from the full-text index (an edit removes a row and adds it again under
/// the same id, with a new length), in `fulltext_removal`.
typealias DocumentLengths = SnapshotValues<UInt32>

extension SnapshotValues where Value == UInt32 {
    /// An id without a row.
    static let unknown = UInt32.max

    static func documentLengths() -> DocumentLengths {
        DocumentLengths(
            log: "fulltext_removal", lastIdSQL: "SELECT max(id) FROM article_fts_docsize",
            rowsSQL: "SELECT id, sz FROM article_fts_docsize WHERE id > ? ORDER BY id",
            chosenRowsSQL: "SELECT id, sz FROM article_fts_docsize WHERE id IN (SELECT value FROM json_each(?))",
            absent: unknown,
            value: { row in try row.withUnsafeData(atIndex: 1) { data in data.map(DocsizeRecord.total) } ?? unknown })
    }
}

/// Each article's copy group: the first copy's id, or 0 for an article that is no copy (its
/// group is its own id). Counting the copy groups among a query's matches reads it here instead
/// of the covering index per match. Logged: articles whose `copyOf` is set, altered or cleared,
/// and copies removed, in `copy_group_change`.
typealias CopyGroups = SnapshotValues<Int64>

extension SnapshotValues where Value == Int64 {
    static func copyGroups() -> CopyGroups {
        perArticle("coalesce(copyOf, 0)", log: "copy_group_change", absent: 0, value: { $0[1] })
    }
}

/// Each article's story (`storyId`), 0 for an article not placed in one, so that a search
/// grouped by story groups its matches as it ranks them (`StoryTally`); -1 for a story id
/// beyond 32 bits, which no archive reaches (the tally then leaves the search to SQL). Logged:
/// articles placed in another story or taken out of one, and every article removed, in
/// `story_membership_change`.
enum StoryMembership {
    static func storyMembership() -> SnapshotValues<Int32> {
        .perArticle("coalesce(storyId, 0)", log: "story_membership_change", absent: 0,
                    value: { row in Int32(exactly: row[1] as Int64) ?? -1 })
    }
}

/// Each story's outlet count (`story.outlets`), by story id (0 where no story has the id), so
/// that a search grouped by story orders its stories by coverage without looking each one up.
/// Logged: stories added, stories whose outlet count changes, and every story removed, in
/// `story_outlets_change`.
enum StoryOutlets {
    static func storyOutlets() -> SnapshotValues<Int32> {
        SnapshotValues<Int32>(
            log: "story_outlets_change", lastIdSQL: "SELECT max(id) FROM story",
            rowsSQL: "SELECT id, outlets FROM story WHERE id > ? ORDER BY id",
            chosenRowsSQL: "SELECT id, outlets FROM story WHERE id IN (SELECT value FROM json_each(?))",
            absent: 0,
            value: { row in Int32(clamping: row[1] as Int64) })
    }
}

/// Each article's day (`articleDay`) and whether it is dated only by its file (`dateKind` NULL),
/// as `day * 2 + undated`, for date filters and date orders kept by the ranking (`DayChecks`).
/// Logged: articles whose day or date kind changes, and every article removed (its id may be
/// given to the next article), in `article_day_change`.
typealias ArticleDays = SnapshotValues<Int32>

extension SnapshotValues where Value == Int32 {
    /// An id without an article.
    static let unknown = Int32.min

    /// The day number of a value.
    static func day(_ value: Int32) -> Int { Int(value >> 1) }

    /// Whether a value's article is dated only by its file.
    static func undated(_ value: Int32) -> Bool { value & 1 == 1 }

    static func articleDays() -> ArticleDays {
        perArticle("articleDay * 2 + (dateKind IS NULL)", log: "article_day_change", absent: unknown,
                   value: { row in Int32(clamping: row[1] as Int64) })
    }
}
