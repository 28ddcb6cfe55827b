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

/// An order the ranking can keep by itself: a date order (dated articles first, those dated
/// only by their file last, then the newer or older day, then the higher or lower id), or the
/// order articles arrived in, with each article's place in it.
enum DateOrder: Sendable {
    case newest, oldest
    case added(ArrivalOrder)

    /// Ids below this fit in an order key (see `DayChecks.orderKey`).
    static let idLimit: Int64 = 1 << 28
    /// Day numbers from -dayLimit up to dayLimit - 1 fit (every `CalendarDay` does).
    static let dayLimit = 1 << 23
}

/// What the ranking checks of each match's day (`RankFunction`), from the days of its
/// snapshot's articles (`ArticleDays`): a query's `DayWindow`, and a `DateOrder` to keep the
/// window by instead of the score.
final class DayChecks: Sendable {
    /// `ArticleDays` values by id: the snapshot's table, so every id the ranking meets is in it.
    /// Empty when neither the window nor the order needs them.
    let days: [Int32]
    let window: DayWindow?
    let order: DateOrder?

    init(days: [Int32], window: DayWindow?, order: DateOrder?) {
        self.days = days
        self.window = window
        self.order = order
    }

    /// Whether the article `id` is dated within the window (always, without one) and has a
    /// place in the order; an id the tables lack does not pass.
    func admits(_ id: Int64) -> Bool {
        if case .added(let arrivals)? = order {
            guard arrivals.holds(id) else { return false }
            if window == nil { return true }
        }
        guard id >= 0, id < days.count, days[Int(id)] != ArticleDays.unknown else { return false }
        return window?.admits(ArticleDays.day(days[Int(id)])) ?? true
    }

    /// The row `id`'s place in `order` as a number, smaller first, distinct for every id below
    /// `DateOrder.idLimit`: in a date order (undated, day, id) packed into the 53 bits a Double
    /// holds exactly; in the added order its place there. Call only for an id `admits` let through.
    func orderKey(_ id: Int64) -> Double {
        if case .added(let arrivals)? = order { return arrivals.keys[Int(id)] }
        let value = days[Int(id)]
        let undated = Int64(ArticleDays.undated(value) ? 1 : 0)
        let day = Int64(ArticleDays.day(value))
        var oldest = false
        if case .oldest? = order { oldest = true }
        let (dayPart, idPart) = oldest
            ? (day + Int64(DateOrder.dayLimit), id)
            : (Int64(DateOrder.dayLimit) - 1 - day, DateOrder.idLimit - 1 - id)
        return Double(undated << 52 | dayPart << 28 | idPart)
    }
}
