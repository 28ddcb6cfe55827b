import GRDB

/// What searches hold in memory about one open database (see `SnapshotValues`): a new database
/// gets new tables, so nothing read from another can be taken for its own. `RankFunction`
/// reads the lengths and fills the tallies of the connections' searches; they keep their phrases' row counts.
final class SearchTables: Sendable {
    let lengths = DocumentLengths.documentLengths()
    let groups = CopyGroups.copyGroups()
    let recorders = RankingRecorders()
    let phraseHits = PhraseHitCache()

    /// For a search in `db`'s snapshot: the key ranking reads lengths by, and where its copy
    /// groups can be read (only if needed: counting them is the one use).
    func snapshot(_ db: Database, matching: Bool) throws -> SearchSnapshot {
        let groups = self.groups
        return SearchSnapshot(lengths: matching ? try lengths.read(db).key : nil, groups: { try groups.read($0).table }, recorders: recorders,
                              phraseHits: phraseHits)
    }
}

/// The in-memory tables one search reads, valid for its snapshot.
struct SearchSnapshot {
    /// The snapshot's key for `RankFunction`, nil without a MATCH.
    let lengths: SnapshotKey?
    /// The copy groups, read when first needed.
    let groups: (Database) throws -> CopyGroups.Table
    /// Where a ranking statement's group tally is found.
    let recorders: RankingRecorders
    /// Where phrases' row counts are kept between searches.
    let phraseHits: PhraseHitCache
}
