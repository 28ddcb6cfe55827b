import Synchronization

/// bm25's row count of each phrase, kept between searches of one index.
///
/// bm25 gives each phrase of a query an IDF from the number of rows that hold it, which FTS5 (and
/// `RankFunction` after it) counts by stepping through every such row before the first match is
/// scored: for `bank rate`, every row holding `bank` and every row holding `rate`, however few
/// hold both. Lucene and Xapian keep that count in their term dictionaries; FTS5 keeps none. So
/// each count a ranking makes is kept here (`PhraseCounts`), under the phrase as a MATCH of its
/// own (`TranslatedQuery.phrases`: the words, the prefix star and the columns, all that decides
/// which rows hold it) and the state of the index it was made in, and a later search that names
/// the same phrase, in any query, takes it instead of the pass.
///
/// The state is the snapshot's key (the last change logged and the highest id: see
/// `SnapshotValues`) together with FTS5's own row count and token total: any article added,
/// removed or edited moves one of them. A count is taken as it is only in the same state; one
/// from an earlier state that differs only by rows added after its highest id (a daemon whose
/// inbox keeps receiving) is brought up to date by counting the phrase among those rows alone
/// (`PhraseCounts.resolve`). Either way it is the count the pass would make.
final class PhraseHitCache: Sendable {
    /// The state of the full-text index a count was made in.
    struct State: Hashable, Sendable {
        let changes: Int64
        let lastId: Int64
        let rows: Int64
        let tokens: Int64
    }

    /// Counts kept at most; past it, those of other states go first, then all.
    static let capacity = 4096

    private let kept = Mutex<[String: (state: State, hits: Int64)]>([:])

    /// The rows holding `phrase` in `state`, if counted there.
    func hits(_ phrase: String, in state: State) -> Int64? {
        kept.withLock { kept in kept[phrase].flatMap { $0.state == state ? $0.hits : nil } }
    }

    /// The count kept for `phrase`, in whatever state it was made.
    func latest(_ phrase: String) -> (state: State, hits: Int64)? {
        kept.withLock { $0[phrase] }
    }

    /// Whether a count made in `earlier` may be brought to `later` by counting the rows after
    /// `earlier.lastId`: nothing was removed or edited between them (the change log ends at the
    /// same entry) and rows were added. The caller must still check that every row added lies
    /// after `earlier.lastId` (the rows there number `later.rows - earlier.rows`).
    static func onlyAdded(from earlier: State, to later: State) -> Bool {
        earlier.changes == later.changes && earlier.lastId < later.lastId && earlier.rows < later.rows
    }

    /// Keeps `hits`, the rows holding `phrase` in `state`.
    func keep(_ phrase: String, hits: Int64, in state: State) {
        kept.withLock { kept in
            if kept.count >= Self.capacity, kept[phrase] == nil {
                kept = kept.filter { $0.value.state == state }
                if kept.count >= Self.capacity { kept.removeAll(keepingCapacity: true) }
            }
            kept[phrase] = (state, hits)
        }
    }
}
