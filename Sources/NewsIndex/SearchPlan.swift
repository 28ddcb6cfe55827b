import NewsCore

/// How one search finds its page, chosen once from its order and grouping; both ways apply the
/// same `SearchFilter`.
enum SearchPlan {
    /// One hit per copy group, in relevance or date order: the first matches in that order are
    /// read, never all of them (see `WindowedSearch`).
    case windowed(WindowedSearch)
    /// One hit per story, or stories by coverage: every match is grouped first (see `GroupedSearch`).
    case grouped(GroupedSearch)

    /// `snapshot`: the tables in memory the search may read (without, it reads SQLite alone).
    init(_ translated: TranslatedQuery, sort: SearchSort, group: SearchGrouping, minOutlets: Int?, snapshot: SearchSnapshot? = nil) {
        let filter = SearchFilter(translated, minOutlets: minOutlets, lengths: snapshot?.lengths)
        if group == .copies, var windowed = WindowedSearch(filter, sort: sort) {
            windowed.groups = snapshot?.groups
            windowed.recorders = snapshot?.recorders
            windowed.phraseHits = snapshot?.phraseHits
            windowed.days = snapshot?.days
            windowed.arrivals = snapshot?.arrivals
            self = .windowed(windowed)
        } else {
            var grouped = GroupedSearch(filter, sort: sort, group: group)
            grouped.recorders = snapshot?.recorders
            grouped.phraseHits = snapshot?.phraseHits
            grouped.days = snapshot?.days
            grouped.stories = snapshot?.stories
            grouped.outlets = snapshot?.outlets
            grouped.copyGroups = snapshot?.groups
            grouped.arrivals = snapshot?.arrivals
            self = .grouped(grouped)
        }
    }
}
