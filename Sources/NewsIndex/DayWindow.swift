import NewsCore

/// The days a query's date filters let through (`date:`, `since:`, `until:` joined by AND):
/// day numbers (`IndexSchema` v28) from `from` on and before `before`, either end open. Checked
/// against each match's day held in memory (`ArticleDays`) inside the ranking, instead of
/// through the covering index per match.
struct DayWindow: Equatable, Sendable {
    var from: Int?
    var before: Int?

    /// The window every range of `ranges` lets through (their intersection).
    init(_ ranges: [HalfOpenRange<Int>]) {
        from = ranges.compactMap(\.from).max()
        before = ranges.compactMap(\.before).min()
    }

    /// Whether an article dated on the day numbered `day` passes.
    func admits(_ day: Int) -> Bool {
        (from.map { day >= $0 } ?? true) && (before.map { day < $0 } ?? true)
    }
}

/// A query's `DayWindow` with the days of its snapshot's articles, for `RankFunction`.
final class DayFilter: Sendable {
    let window: DayWindow
    /// `ArticleDays` values by id: the snapshot's table, so every id the ranking meets is in it.
    let days: [Int32]

    init(window: DayWindow, days: [Int32]) {
        self.window = window
        self.days = days
    }

    /// Whether the article `id` is dated within the window; an id the table lacks is not.
    func admits(_ id: Int64) -> Bool {
        guard id >= 0, id < days.count, days[Int(id)] != ArticleDays.unknown else { return false }
        return window.admits(Int(days[Int(id)]))
    }
}
