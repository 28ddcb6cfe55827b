import Synchronization

/// The copy groups among the rows one ranking scores: `RankFunction` adds every row it scores,
/// so the statement that ranks every match for a page's window counts the page's total in the
/// same pass over the matches, instead of a second one.
///
/// One search uses a tally, on the thread that steps its statement: made before the
/// statement, filled while it steps, read after it. So no two accesses ever overlap, and
/// `add`, called for every match, skips Swift's run-time exclusivity checks.
final class GroupTally: @unchecked Sendable {
    private let firsts: [Int64]
    /// One bit per article id, set once its group was counted: a buffer of the tally's own,
    /// written in place for every match without the copy-on-write check an array makes.
    private let seen: UnsafeMutableBufferPointer<UInt64>
    /// Copy groups seen so far.
    @exclusivity(unchecked) private(set) var count = 0
    /// False once a row was not in the groups table: then the count is not to be used.
    @exclusivity(unchecked) private(set) var complete = true

    init(groups: CopyGroups.Table) {
        firsts = groups.values
        seen = .allocate(capacity: groups.values.count / 64 + 1)
        seen.initialize(repeating: 0)
    }

    deinit { seen.deallocate() }

    /// Counts `id`'s copy group, if not seen yet.
    func add(_ id: Int64) {
        guard complete, id >= 0, id < firsts.count else {
            complete = false
            return
        }
        let group = firsts[Int(id)] == 0 ? id : firsts[Int(id)]
        guard group >= 0, group < firsts.count else {
            complete = false
            return
        }
        let (word, bit) = (Int(group) >> 6, UInt64(1) << UInt64(group & 63))
        if seen[word] & bit == 0 {
            seen[word] |= bit
            count += 1
        }
    }
}

/// What the searches running now record as they rank — a `GroupTally`, a `MatchPositions`, a
/// `PhraseRowCount`, their phrases' `PhraseCounts`, a `StoryTally`, or some of them — by the
/// number their ranking call names them with (0: none).
final class RankingRecorders: Sendable {
    /// One search's recorders.
    private struct Entry {
        let tally: GroupTally?
        let positions: MatchPositions?
        let phraseRows: PhraseRowCount?
        let phraseCounts: PhraseCounts?
        let days: DayChecks?
        let stories: StoryTally?
    }

    private let open = Mutex<(next: Int64, recorders: [Int64: Entry])>((1, [:]))

    /// Makes `tally`, `positions`, `phraseRows`, `phraseCounts`, `days` (the rows the ranking
    /// scores at all) and `stories` findable by the number returned, until `close`.
    func register(_ tally: GroupTally?, positions: MatchPositions? = nil, phraseRows: PhraseRowCount? = nil,
                  phraseCounts: PhraseCounts? = nil, days: DayChecks? = nil, stories: StoryTally? = nil) -> Int64 {
        open.withLock { state in
            let number = state.next
            state.next += 1
            state.recorders[number] = Entry(tally: tally, positions: positions, phraseRows: phraseRows, phraseCounts: phraseCounts,
                                            days: days, stories: stories)
            return number
        }
    }

    func close(_ number: Int64) {
        _ = open.withLock { $0.recorders.removeValue(forKey: number) }
    }

    func tally(_ number: Int64) -> GroupTally? {
        open.withLock { $0.recorders[number]?.tally }
    }

    func positions(_ number: Int64) -> MatchPositions? {
        open.withLock { $0.recorders[number]?.positions }
    }

    func phraseRows(_ number: Int64) -> PhraseRowCount? {
        open.withLock { $0.recorders[number]?.phraseRows }
    }

    func phraseCounts(_ number: Int64) -> PhraseCounts? {
        open.withLock { $0.recorders[number]?.phraseCounts }
    }

    func days(_ number: Int64) -> DayChecks? {
        open.withLock { $0.recorders[number]?.days }
    }

    func stories(_ number: Int64) -> StoryTally? {
        open.withLock { $0.recorders[number]?.stories }
    }
}
