/// Reads the value of `added:` — when an article arrived in the index — into a range of moments:
/// `>2h` (within the last two hours), `<3d` (more than three days ago), or a day or period as in
/// `date:` (`today`, `yesterday`, `7d`, `2026-11`, `2026-11-01..2026-11-15`), in local days.
enum AddedFilterParser {
    static func range(_ value: String, column: Int, clock: QueryClock) throws(QuerySyntaxError) -> TimeRange {
        if let first = value.first, first == ">" || first == "<" {
            guard let seconds = duration(String(value.dropFirst())) else {
                throw QuerySyntaxError(message: "added: '\(value)' needs a duration after '\(first)': a number and min, h, d or w (added:>2h, added:<30min)",
                                       column: column)
            }
            let moment = clock.now - seconds
            return first == ">" ? TimeRange(from: moment, before: nil) : TimeRange(from: nil, before: moment)
        }
        let days: DateRange
        do {
            days = try DateFilterParser.range(field: "date", value: value, column: column, today: clock.today)
        } catch {
            throw QuerySyntaxError(message: "added: '\(value)' is not a time: use >2h or <30min (within, or more than, that long ago), or a day or period as for date: (today, yesterday, 7d, 2026-11)",
                                   column: column)
        }
        func moment(_ iso: String?) -> Double? { iso.flatMap(CalendarDay.init(iso:)).map(clock.midnight) }
        return TimeRange(from: moment(days.from), before: moment(days.before))
    }

    /// Seconds in `30min`, `2h`, `3d` or `1w`; nil for anything else (`3m` is ambiguous between
    /// minutes and months, so it is refused).
    static func duration(_ text: String) -> Double? {
        let units: [(suffix: String, seconds: Double)] = [("min", 60), ("h", 3600), ("d", 86_400), ("w", 604_800)]
        let lower = text.lowercased()
        for unit in units where lower.hasSuffix(unit.suffix) {
            let digits = lower.dropLast(unit.suffix.count)
            guard !digits.isEmpty, digits.count <= 7, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let count = Double(digits) else { return nil }
            return count * unit.seconds
        }
        return nil
    }
}
