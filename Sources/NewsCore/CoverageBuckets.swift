/// The periods a coverage chart counts articles by.
public enum CoveragePeriod: String, Codable, Sendable, CaseIterable {
    case day, week, month

    /// The first day of the period holding `day` (weeks start on Monday).
    public func start(of day: CalendarDay) -> CalendarDay {
        switch self {
        case .day: day
        case .week: day.startOfWeek
        case .month: CalendarDay(year: day.year, month: day.month, day: 1) ?? day
        }
    }

    /// The first day of the period after the one starting on `start`.
    public func next(after start: CalendarDay) -> CalendarDay {
        switch self {
        case .day: start.adding(days: 1)
        case .week: start.adding(days: 7)
        case .month: start.adding(months: 1)
        }
    }
}

/// Counts per period, every period from the first to the last with a count, gaps as zeros: a
/// chart shows a quiet week as a quiet week. Pure.
public enum CoverageBuckets {
    /// The most periods a chart lists: past it, a period of a larger kind is taken.
    public static let maximumPeriods = 400

    /// Counts of `dayCounts` (`YYYY-MM-DD` → articles) per `period`, oldest first, as
    /// (first day of the period, count). Days that are not dates are left out.
    public static func buckets(_ dayCounts: [String: Int], by period: CoveragePeriod) -> [(start: String, count: Int)] {
        var counts: [CalendarDay: Int] = [:]
        for (iso, count) in dayCounts {
            guard let day = CalendarDay(iso: iso) else { continue }
            counts[period.start(of: day), default: 0] += count
        }
        guard let first = counts.keys.min(), let last = counts.keys.max() else { return [] }
        var out: [(start: String, count: Int)] = []
        var current = first
        while current <= last && out.count < maximumPeriods * 40 {
            out.append((current.iso, counts[current] ?? 0))
            let next = period.next(after: current)
            guard next > current else { break }
            current = next
        }
        return out
    }

    /// The smallest period, from `preferred` up, that lists the span of `dayCounts` in at most
    /// `maximumPeriods` rows.
    public static func fitting(_ dayCounts: [String: Int], preferred: CoveragePeriod) -> CoveragePeriod {
        let days = dayCounts.keys.compactMap(CalendarDay.init(iso:))
        guard let first = days.min(), let last = days.max() else { return preferred }
        let span = last.dayNumber - first.dayNumber + 1
        for period in CoveragePeriod.allCases.drop(while: { $0 != preferred }) {
            let perPeriod = period == .day ? 1 : period == .week ? 7 : 31
            if span / perPeriod <= maximumPeriods { return period }
        }
        return .month
    }
}
