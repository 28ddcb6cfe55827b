import GRDB
import Synchronization

/// What searches hold in memory about one open database (see `SnapshotValues`): a new database
/// gets new tables, so nothing read from another can be taken for its own. `RankFunction`
/// reads the lengths and fills the tallies of the connections' searches; they keep their phrases'
/// row counts. The days are read by the first search filtered or ordered by date, the stories by
/// the first grouped by story, their outlets by the first in coverage order, the arrivals by the
/// first in the order articles arrived, not before.
final class SearchTables: Sendable {
    let lengths = DocumentLengths.documentLengths()
    let groups = CopyGroups.copyGroups()
    let days = ArticleDays.articleDays()
    let stories = StoryMembership.storyMembership()
    let outlets = StoryOutlets.storyOutlets()
    let arrivals = ArrivalTimes.arrivalTimes()
    /// The order made from the newest arrivals table, with that table (see `ArrivalOrder`).
    private let arrivalOrder = Mutex<(table: ArrivalTimes.Table, order: ArrivalOrder)?>(nil)
    let recorders = RankingRecorders()
    let phraseHits = PhraseHitCache()

    /// For a search in `db`'s snapshot: the key ranking reads lengths by, and where its copy
    /// groups can be read (only if needed: counting them is the one use).
    func snapshot(_ db: Database, matching: Bool) throws -> SearchSnapshot {
        let (groups, days, stories, outlets) = (self.groups, self.days, self.stories, self.outlets)
        return SearchSnapshot(lengths: matching ? try lengths.read(db).key : nil, groups: { try groups.read($0).table },
                              days: { try days.read($0).table }, stories: { try stories.read($0).table },
                              outlets: { try outlets.read($0).table }, arrivals: { [self] in try arrivalOrder($0) },
                              recorders: recorders, phraseHits: phraseHits)
    }

    /// The added order of `db`'s snapshot: made once per arrivals table, outside the lock (a
    /// search that finds another's order for its table takes that).
    private func arrivalOrder(_ db: Database) throws -> ArrivalOrder {
        let table = try arrivals.read(db).table
        if let made = arrivalOrder.withLock({ $0?.table === table ? $0?.order : nil }) { return made }
        let order = ArrivalOrder(times: table.values)
        arrivalOrder.withLock { $0 = (table, order) }
        return order
    }
}

/// The in-memory tables one search reads, valid for its snapshot.
struct SearchSnapshot {
    /// The snapshot's key for `RankFunction`, nil without a MATCH.
    let lengths: SnapshotKey?
    /// The copy groups, read when first needed.
    let groups: (Database) throws -> CopyGroups.Table
    /// The articles' days, read when first needed (by a search filtered by dates alone, or in
    /// date order over a MATCH).
    let days: (Database) throws -> ArticleDays.Table
    /// Each article's story (0: none), read when first needed (by a search grouped by story).
    let stories: (Database) throws -> SnapshotValues<Int32>.Table
    /// Each story's outlet count, by story id, read when first needed (by a search in coverage order).
    let outlets: (Database) throws -> SnapshotValues<Int32>.Table
    /// The order articles arrived in, made when first needed (by a search in that order over a MATCH).
    let arrivals: (Database) throws -> ArrivalOrder
    /// Where a ranking statement's group tally is found.
    let recorders: RankingRecorders
    /// Where phrases' row counts are kept between searches.
    let phraseHits: PhraseHitCache
}
