import NewsCore

extension SearchQuery {
    /// The day tests parse relative dates from: fixed, so that no test depends on the clock.
    public static let testToday = CalendarDay(year: 2026, month: 12, day: 2)!

    /// `parse(_:today:)` with `testToday`.
    public static func parse(_ input: String) throws(QuerySyntaxError) -> SearchQuery {
        try parse(input, today: testToday)
    }
}
