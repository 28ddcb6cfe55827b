/// Reads the values of `since:`, `until:` and `date:` into day ranges.
enum DateFilterParser {
    /// `since:P` starts at P's first day; `until:P` ends after P's last day (so `until:2020-07`
    /// includes all of July); `date:P` is all of P, and `date:A..B` runs from A to the end of B.
    /// `today` anchors relative periods (`yesterday`, `7d`, `last week`: `RelativePeriod`).
    static func range(field: String, value: String, column: Int, today: CalendarDay) throws(QuerySyntaxError) -> DateRange {
        func period(_ text: String, column: Int) throws(QuerySyntaxError) -> (first: CalendarDay, end: CalendarDay) {
            if let relative = RelativePeriod.period(text, today: today) { return relative }
            return try Self.period(text, column: column)
        }
        switch field {
        case "since":
            return DateRange(from: try period(value, column: column).first.iso, before: nil)
        case "until":
            return DateRange(from: nil, before: try period(value, column: column).end.iso)
        default:
            if let dots = value.firstRange(of: "..") {
                let lower = String(value[..<dots.lowerBound]), upper = String(value[dots.upperBound...])
                guard !(lower.isEmpty && upper.isEmpty) else { throw invalid(value, column: column) }
                let upperColumn = column + lower.unicodeScalars.count + 2
                let range = DateRange(from: lower.isEmpty ? nil : try period(lower, column: column).first.iso,
                                      before: upper.isEmpty ? nil : try period(upper, column: upperColumn).end.iso)
                if let from = range.from, let before = range.before, from >= before {
                    throw QuerySyntaxError(message: "date range '\(value)' ends before it starts", column: column)
                }
                return range
            }
            let span = try period(value, column: column)
            // `date:7d` is the last week, not the one day a week ago.
            let end = RelativePeriod.isDistance(value) ? today.adding(days: 1) : span.end
            return DateRange(from: span.first.iso, before: end.iso)
        }
    }

    /// The first day of `since:`'s value, for options that take one (`newsctl stories --since 7d`).
    static func firstDay(_ value: String, today: CalendarDay) throws(QuerySyntaxError) -> String {
        guard let from = try range(field: "since", value: value, column: 1, today: today).from else { throw invalid(value, column: 1) }
        return from
    }

    /// A year, month or day: its first day and the first day after it.
    static func period(_ text: String, column: Int) throws(QuerySyntaxError) -> (first: CalendarDay, end: CalendarDay) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        let lengths = parts.map(\.count)
        guard (1...3).contains(parts.count), lengths == Array([4, 2, 2].prefix(parts.count)),
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) }) else { throw invalid(text, column: column) }
        let numbers = parts.compactMap { Int($0) }
        guard numbers.count == parts.count,
              let first = CalendarDay(year: numbers[0], month: numbers.count > 1 ? numbers[1] : 1, day: numbers.count > 2 ? numbers[2] : 1)
        else { throw invalid(text, column: column) }
        switch numbers.count {
        case 1: return (first, CalendarDay(year: first.year + 1, month: 1, day: 1) ?? first.next)
        case 2:
            var end = first
            while end.month == first.month { end = end.next }
            return (first, end)
        default: return (first, first.next)
        }
    }

    private static func invalid(_ text: String, column: Int) -> QuerySyntaxError {
        QuerySyntaxError(message: "invalid date '\(text)': use YYYY, YYYY-MM or YYYY-MM-DD, or today, yesterday, 7d, 2w, 3m, 1y, \"last week\" (quoted)",
                         column: column)
    }
}
