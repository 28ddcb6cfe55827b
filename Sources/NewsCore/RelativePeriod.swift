/// Dates written relative to today in a date field: `today`, `yesterday`, `this week`,
/// `last week`, `this month`, `last month`, `this year`, `last year` (calendar periods; weeks
/// start on Monday), and `7d` / `2w` / `3m` / `1y`: the day that long ago (`since:7d` starts
/// on it, `until:7d` ends on it, and `date:7d` runs from it up to today).
enum RelativePeriod {
    /// The period's first day and the day after its last (for `7d`: the day a week ago, and
    /// the day after it); nil when `text` is not relative.
    static func period(_ text: String, today: CalendarDay) -> (first: CalendarDay, end: CalendarDay)? {
        let words = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "_" || $0 == "-" }).joined(separator: " ")
        let tomorrow = today.adding(days: 1)
        switch words {
        case "today": return (today, tomorrow)
        case "yesterday": return (today.adding(days: -1), today)
        case "this week": return (today.startOfWeek, tomorrow)
        case "last week": return (today.startOfWeek.adding(days: -7), today.startOfWeek)
        case "this month": return (firstOfMonth(today), tomorrow)
        case "last month": return (firstOfMonth(today).adding(months: -1), firstOfMonth(today))
        case "this year": return (CalendarDay(year: today.year, month: 1, day: 1) ?? today, tomorrow)
        case "last year":
            let first = CalendarDay(year: today.year, month: 1, day: 1) ?? today
            return (first.adding(months: -12), first)
        default: break
        }
        guard let unit = words.last, "dwmy".contains(unit) else { return nil }
        let digits = words.dropLast().filter { $0 != " " }
        guard !digits.isEmpty, digits.count <= 6, digits.allSatisfy(\.isASCII), let count = Int(digits) else { return nil }
        let first: CalendarDay
        switch unit {
        case "d": first = today.adding(days: -count)
        case "w": first = today.adding(days: -7 * count)
        case "m": first = today.adding(months: -count)
        default: first = today.adding(months: -12 * count)
        }
        return (first, first.adding(days: 1))
    }

    /// Whether `text` is a distance back from today (`7d`, `3m`): `date:` on one runs up to today.
    static func isDistance(_ text: String) -> Bool {
        guard let unit = text.last, "dwmyDWMY".contains(unit) else { return false }
        return !text.dropLast().isEmpty && text.dropLast().allSatisfy { $0.isASCII && $0.isNumber }
    }

    private static func firstOfMonth(_ day: CalendarDay) -> CalendarDay {
        CalendarDay(year: day.year, month: day.month, day: 1) ?? day
    }
}
