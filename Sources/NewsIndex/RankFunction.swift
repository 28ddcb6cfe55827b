import Foundation
import GRDB
import GRDBSQLite

/// `newsd_rank(article_fts, changes, lastId, recorder, weight…)`: the value FTS5's `bm25(article_fts,
/// weight…)` gives each match, computed the same way step by step (k1 1.2, b 0.75, the same IDF
/// floor, the same order of floating-point operations), but with each match's length taken from
/// `DocumentLengths` when its table is valid for the query's snapshot (`changes` and `lastId`,
/// from `SnapshotValues.read`), instead of from FTS5's per-row lookup in `article_fts_docsize`.
/// That lookup is most of what bm25 costs per match. A row the table does not hold is looked up
/// as bm25 does, so the result never depends on how fresh the table is. With a `recorder` (the
/// number of a `RankingRecorders` entry), every row scored is also counted in its `GroupTally`
/// and grouped by story in its `StoryTally`, and the best rows' body instances are kept in its
/// `MatchPositions`; when the entry has a `PhraseRowCount` and the query is one phrase, the
/// value leaves the IDF out and the caller applies it (`PhraseRowCount.score`) once every match
/// was counted. When the entry has a `DayChecks`, a match dated outside its window gets no value
/// (NULL) and is neither counted nor kept, and with its date order the best rows kept are the
/// first in that order (each still with its score).
enum RankFunction {
    static let name = "newsd_rank"

    /// Registers the function on `db`'s connection, reading lengths from `tables`.
    static func register(_ db: Database, tables: SearchTables) {
        let api = FTS5.api(db)
        let userData = Unmanaged.passRetained(tables).toOpaque()
        let code = api.pointee.xCreateFunction(UnsafeMutablePointer(mutating: api), name, userData, rankMatch) { pointer in
            guard let pointer else { return }
            Unmanaged<SearchTables>.fromOpaque(pointer).release()
        }
        precondition(code == SQLITE_OK, "FTS5 refused the ranking function (\(code))")
    }

    /// The call for `source`'s MATCH with `key`'s snapshot and the column weights; `recorder`: the
    /// number of the registered `RankingRecorders` entry that records what it scores (0: none).
    static func expression(key: SnapshotKey, weights: String, recorder: Int64 = 0) -> String {
        "\(name)(article_fts, \(key.changes), \(key.lastId), \(recorder), \(weights))"
    }

    /// `expression` with the snapshot's numbers and the recorder number as parameters, bound in
    /// that order before the statement's others: the same text for every snapshot, so one
    /// prepared statement serves every search (each new text is compiled again).
    static func boundExpression(weights: String) -> String {
        "\(name)(article_fts, ?, ?, ?, \(weights))"
    }

    /// Arguments before the column weights.
    static let leadingArguments = 3

    /// Why a ranking gives no score: the full-text totals say fewer rows than match.
    static let contradiction = "the full-text index's statistics contradict its rows (a damaged index); `newsctl reindex` rebuilds it from the inbox"
}

/// What one query's ranking needs besides each row: read at its first row, as bm25 does.
private final class QueryRanking {
    let idf: [Double]
    let averageLength: Double
    let weights: [Double]
    /// Row lengths by id (`DocumentLengths.unknown` where not held), empty without a valid table:
    /// a concrete array, since each read through the generic table cost a metadata lookup.
    let lengths: [UInt32]
    /// Where every scored row's copy group is counted, if anywhere.
    let tally: GroupTally?
    /// Where the best rows' body instances are kept, if anywhere.
    let positions: MatchPositions?
    /// Where the matches are counted when the IDF is applied after the statement (one phrase).
    let counter: PhraseRowCount?
    /// The rows scored at all (others get no value, NULL, and are neither counted nor kept),
    /// and the order the best rows are kept in, if not by score.
    let days: DayChecks?
    /// Where every scored row is grouped by story with its rank, if anywhere.
    let stories: StoryTally?
    /// Each phrase's weighted count in the current row (a buffer: an array property would be
    /// checked for exclusive access at every write).
    let frequencies: UnsafeMutableBufferPointer<Double>

    init(idf: [Double], averageLength: Double, weights: [Double], lengths: [UInt32], tally: GroupTally?, positions: MatchPositions?,
         counter: PhraseRowCount?, days: DayChecks?, stories: StoryTally?) {
        self.tally = tally
        self.stories = stories
        self.days = days
        self.positions = positions
        self.counter = counter
        self.idf = idf
        self.averageLength = averageLength
        self.weights = weights
        self.lengths = lengths
        frequencies = .allocate(capacity: idf.count)
        frequencies.initialize(repeating: 0)
    }

    deinit { frequencies.deallocate() }

    /// bm25's per-query data: the average row length and each phrase's IDF (rows matching it,
    /// counted through `xQueryPhrase` unless the search's `PhraseCounts` knew it for this state
    /// of the index, floored as FTS5 floors it) — or, for a one-phrase query
    /// whose statement counts its matches in a `PhraseRowCount`, an IDF of 1, applied later.
    static func make(_ api: UnsafePointer<Fts5ExtensionApi>, _ context: OpaquePointer?, _ values: [OpaquePointer?]) -> (QueryRanking?, Int32) {
        let phrases = Int(api.pointee.xPhraseCount(context))
        var rows: sqlite3_int64 = 0
        var tokens: sqlite3_int64 = 0
        var code = api.pointee.xRowCount(context, &rows)
        if code == SQLITE_OK { code = api.pointee.xColumnTotalSize(context, -1, &tokens) }
        guard code == SQLITE_OK else { return (nil, code) }
        let averageLength = Double(tokens) / Double(rows)
        let tables = api.pointee.xUserData(context).map { Unmanaged<SearchTables>.fromOpaque($0).takeUnretainedValue() }
        let recorder = sqlite3_value_int64(values[2])
        let counter = recorder == 0 ? nil : tables?.recorders.phraseRows(recorder)
        var idf: [Double] = []
        if let counter, phrases == 1 {
            counter.deferIDF(indexRows: rows)
            idf = [1.0]
        } else {
            // FTS5 numbers phrases as the expression writes them, and drops none the translator
            // wrote unless it drops some: the same count means the same phrases in that order.
            let state = PhraseHitCache.State(changes: sqlite3_value_int64(values[0]), lastId: sqlite3_value_int64(values[1]),
                                             rows: rows, tokens: tokens)
            let counts = recorder == 0 ? nil : tables?.recorders.phraseCounts(recorder)
                .flatMap { $0.names.count == phrases && $0.state == state ? $0 : nil }
            for phrase in 0..<phrases {
                // A count beyond the rows would make the IDF NaN: counted again instead.
                if let hits = counts?.known[phrase], hits <= rows {
                    idf.append(PhraseRowCount.idf(rows: rows, hits: hits))
                    continue
                }
                var hits: sqlite3_int64 = 0
                code = api.pointee.xQueryPhrase(context, Int32(phrase), &hits) { _, _, counter in
                    counter?.assumingMemoryBound(to: sqlite3_int64.self).pointee += 1
                    return SQLITE_OK
                }
                guard code == SQLITE_OK else { return (nil, code) }
                counts?.record(hits, phrase: phrase)
                idf.append(PhraseRowCount.idf(rows: rows, hits: hits))
            }
        }
        let key = SnapshotKey(changes: sqlite3_value_int64(values[0]), lastId: sqlite3_value_int64(values[1]))
        let weights = values.dropFirst(RankFunction.leadingArguments).map { sqlite3_value_double($0) }
        let positions = recorder == 0 ? nil : tables?.recorders.positions(recorder)
        if let positions, !positions.knowsPhrases {
            positions.notePhraseSizes((0..<Int32(phrases)).map { Int(api.pointee.xPhraseSize(context, $0)) })
        }
        return (QueryRanking(idf: idf, averageLength: averageLength, weights: weights, lengths: tables?.lengths.table(for: key)?.values ?? [],
                             tally: recorder == 0 ? nil : tables?.recorders.tally(recorder), positions: positions,
                             counter: counter?.deferred == true ? counter : nil,
                             days: recorder == 0 ? nil : tables?.recorders.days(recorder),
                             stories: recorder == 0 ? nil : tables?.recorders.stories(recorder)), SQLITE_OK)
    }
}

private func rankMatch(_ api: UnsafePointer<Fts5ExtensionApi>?, _ context: OpaquePointer?, _ result: OpaquePointer?,
                       _ count: Int32, _ arguments: UnsafeMutablePointer<OpaquePointer?>?) {
    guard let api, count >= Int32(RankFunction.leadingArguments), let arguments else {
        sqlite3_result_error(result, "\(RankFunction.name) needs the snapshot's change and last id, and a recorder number (0: none)", -1)
        return
    }
    if let stored = api.pointee.xGetAuxdata(context, 0) {
        // Borrowed from the auxiliary data, which holds it for the statement: no retain per match.
        Unmanaged<QueryRanking>.fromOpaque(stored)._withUnsafeGuaranteedRef { $0.rank(api, context, result) }
        return
    }
    let (made, code) = QueryRanking.make(api, context, Array(UnsafeBufferPointer(start: arguments, count: Int(count))))
    guard let made else { return sqlite3_result_error_code(result, code) }
    let code2 = api.pointee.xSetAuxdata(context, Unmanaged.passRetained(made).toOpaque()) { pointer in
        guard let pointer else { return }
        Unmanaged<QueryRanking>.fromOpaque(pointer).release()
    }
    guard code2 == SQLITE_OK else { return sqlite3_result_error_code(result, code2) }
    made.rank(api, context, result)
}

extension QueryRanking {
    /// Scores the current match (bm25 with the column weights) into `result`.
    fileprivate func rank(_ api: UnsafePointer<Fts5ExtensionApi>, _ context: OpaquePointer?, _ result: OpaquePointer?) {
        let k1 = 1.2
        let b = 0.75
        let id = api.pointee.xRowid(context)
        if let days, !days.admits(id) { return sqlite3_result_null(result) }
        let frequencies = self.frequencies
        let positions = self.positions
        positions?.beginRow()
        // Kept in another order than by score, a row that cannot enter the best needs no
        // score: it is only counted (its value, 0, is never read: such a statement counts rows).
        let orderKey = days?.order == nil ? nil : days?.orderKey(id)
        if let orderKey, let positions, stories == nil, counter == nil, !positions.wants(orderKey) {
            tally?.add(id)
            return sqlite3_result_double(result, 0)
        }
        // Each phrase's positions, read phrase by phrase: the same positions bm25 reads through
        // xInst, without FTS5 first merging every phrase's into one sorted list. The sums are of
        // weights alone, so their order does not change them.
        var code = SQLITE_OK
        for phrase in 0..<Int32(frequencies.count) {
            var iterator = Fts5PhraseIter()
            var column: Int32 = 0
            var offset: Int32 = 0
            code = api.pointee.xPhraseFirst(context, phrase, &iterator, &column, &offset)
            guard code == SQLITE_OK else { return sqlite3_result_error_code(result, code) }
            var sum = 0.0
            while column >= 0 {
                sum += Int(column) < weights.count ? weights[Int(column)] : 1.0
                if column == MatchPositions.bodyColumn { positions?.note(phrase: phrase, position: offset) }
                api.pointee.xPhraseNext(context, &iterator, &column, &offset)
            }
            frequencies[Int(phrase)] = sum
        }
        let length: Double
        tally?.add(id)
        counter?.count(id)
        if id >= 0, id < lengths.count, lengths[Int(id)] != DocumentLengths.unknown {
            length = Double(lengths[Int(id)])
        } else {
            var tokens: Int32 = 0
            code = api.pointee.xColumnSize(context, -1, &tokens)
            guard code == SQLITE_OK else { return sqlite3_result_error_code(result, code) }
            length = Double(tokens)
        }
        var score = 0.0
        for phrase in idf.indices {
            let frequency = frequencies[phrase]
            score += idf[phrase] * ((frequency * (k1 + 1.0)) / (frequency + k1 * (1 - b + b * length / averageLength)))
        }
        // Only totals that contradict the rows (a damaged index) give no number: an error, since
        // SQLite would store NaN as NULL and the page would be read as if it were a score.
        guard !score.isNaN else {
            return sqlite3_result_error(result, RankFunction.contradiction, -1)
        }
        stories?.add(id, rank: -1.0 * score)
        if let positions {
            let key = orderKey ?? -1.0 * score
            if positions.wants(key) { positions.keep(id: id, score: key, value: -1.0 * score) }
        }
        sqlite3_result_double(result, -1.0 * score)
    }
}
