import NewsCore

/// How one search finds its page, chosen once from its order and grouping; both ways apply the
/// same `SearchFilter`.
enum SearchPlan {
    /// One hit per copy group, in relevance or date order: the first matches in that order are
    /// read, never all of them (see `WindowedSearch`).
    case windowed(WindowedSearch)
    /// One hit per story, or stories by coverage: every match is grouped first (see `GroupedSearch`).
    case grouped(GroupedSearch)

    init(_ translated: TranslatedQuery, sort: SearchSort, group: SearchGrouping, minOutlets: Int?, lengths: DocumentLengths.Key? = nil) {
        let filter = SearchFilter(translated, minOutlets: minOutlets, lengths: lengths)
        if group == .copies, let windowed = WindowedSearch(filter, sort: sort) {
            self = .windowed(windowed)
        } else {
            self = .grouped(GroupedSearch(filter, sort: sort, group: group))
        }
    }
}
