import Foundation
import GRDB

/// One ranking statement's row counts of its query's phrases (bm25's IDF inputs): those known
/// before it runs, from `PhraseHitCache`, and those its ranking makes with `xQueryPhrase`, kept
/// there afterwards for the searches that follow.
///
/// Made by one search before its statement, read and filled by `RankFunction` on the thread that
/// steps the statement, kept by the search after it (as `GroupTally` is used).
final class PhraseCounts: @unchecked Sendable {
    /// The phrases (`TranslatedQuery.phrases`), in FTS5's numbering.
    let names: [String]
    /// The state of the index the counts belong to; the ranking takes them only if FTS5's own
    /// totals, read at its first row, are this state's.
    let state: PhraseHitCache.State
    /// Each phrase's count when known before the statement (nil: the ranking counts it).
    let known: [Int64?]
    /// The counts the ranking made.
    @exclusivity(unchecked) private(set) var made: [Int: Int64] = [:]

    init(names: [String], state: PhraseHitCache.State, known: [Int64?]) {
        self.names = names
        self.state = state
        self.known = known
    }

    /// Notes that the ranking counted `hits` rows holding phrase number `phrase`.
    func record(_ hits: Int64, phrase: Int) { made[phrase] = hits }

    /// Keeps the counts the ranking made, and `oneCounted` (the matches of a one-phrase query,
    /// counted by `PhraseRowCount`: exactly the rows holding its phrase) when its ranking read
    /// this state.
    func keepMade(in cache: PhraseHitCache, oneCounted: PhraseRowCount? = nil) {
        for (phrase, hits) in made { cache.keep(names[phrase], hits: hits, in: state) }
        if let counter = oneCounted, counter.deferred, names.count == 1, counter.indexRows == state.rows {
            cache.keep(names[0], hits: counter.matches, in: state)
        }
    }

    /// The counts of `names` known for `db`'s snapshot (`key`, its `SnapshotValues` key): kept
    /// for this state, or kept for an earlier one that differs from it only by rows added after
    /// that state's highest id, brought up to date by counting the phrase among those rows alone
    /// (and kept for this state too). `lookUp` false: none is looked up (a one-phrase ranking
    /// needs no count, and makes one). nil when the full-text index's totals cannot be read.
    static func resolve(_ db: Database, names: [String], key: SnapshotKey, cache: PhraseHitCache, lookUp: Bool = true) throws -> PhraseCounts? {
        guard let (rows, tokens) = try totals(db) else { return nil }
        let state = PhraseHitCache.State(changes: key.changes, lastId: key.lastId, rows: rows, tokens: tokens)
        guard lookUp else { return PhraseCounts(names: names, state: state, known: names.map { _ in nil }) }
        var known: [Int64?] = []
        // Rows added since each earlier state (usually one, shared by the query's phrases).
        var addedSince: [PhraseHitCache.State: Int64] = [:]
        for name in names {
            if let hits = cache.hits(name, in: state) {
                known.append(hits)
                continue
            }
            guard let (earlier, hits) = cache.latest(name), PhraseHitCache.onlyAdded(from: earlier, to: state) else {
                known.append(nil)
                continue
            }
            // Every row added since must lie after the earlier highest id.
            let added: Int64
            if let counted = addedSince[earlier] {
                added = counted
            } else {
                added = try Int64.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM article_fts_docsize WHERE id > ? AND id <= ?"),
                                           arguments: [earlier.lastId, state.lastId]) ?? -1
                addedSince[earlier] = added
            }
            guard earlier.rows + added == state.rows else {
                known.append(nil)
                continue
            }
            let more = try Int64.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM article_fts WHERE article_fts MATCH ? AND rowid > ? AND rowid <= ?"),
                                          arguments: [name, earlier.lastId, state.lastId]) ?? 0
            cache.keep(name, hits: hits + more, in: state)
            known.append(hits + more)
        }
        return PhraseCounts(names: names, state: state, known: known)
    }

    /// The full-text index's row count and token total, as FTS5 keeps them (its averages record:
    /// the row count, then each column's total, as SQLite varints, the layout of a docsize
    /// record) and as `xRowCount` and `xColumnTotalSize` report them.
    static func totals(_ db: Database) throws -> (rows: Int64, tokens: Int64)? {
        guard let record = try Data.fetchOne(db.cachedStatement(sql: "SELECT block FROM article_fts_data WHERE id = 1")) else { return nil }
        var rows: Int64?
        var tokens: Int64 = 0
        DocsizeRecord.forEachLength(record) { field, value in
            if field == 0 { rows = Int64(clamping: value) } else { tokens &+= Int64(clamping: value) }
            return true
        }
        return rows.map { ($0, tokens) }
    }
}
