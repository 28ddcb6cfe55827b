import NewsCore

extension SearchQuery {
    /// The moment tests parse relative dates from: noon UTC on Wednesday 2026-12-02, in UTC,
    /// fixed so that no test depends on the clock.
    public static let testClock = QueryClock(now: 1_796_212_800, utcOffset: 0)

    /// `parse(_:clock:)` with `testClock`.
    public static func parse(_ input: String) throws(QuerySyntaxError) -> SearchQuery {
        try parse(input, clock: testClock)
    }
}
