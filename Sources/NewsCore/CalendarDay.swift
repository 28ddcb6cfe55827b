/// A day of the proleptic Gregorian calendar, without time or zone: what a newspaper dateline means.
public struct CalendarDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    /// A valid day, or `nil` (February 30th, month 13, years outside 1000–9999).
    public init?(year: Int, month: Int, day: Int) {
        guard (1000...9999).contains(year), (1...12).contains(month),
              (1...CalendarDay.daysIn(month: month, year: year)).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`.
    public init?(iso text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The earliest and latest days a `CalendarDay` holds.
    public static let earliest = CalendarDay(unchecked: 1000, 1, 1)
    public static let latest = CalendarDay(unchecked: 9999, 12, 31)

    /// The UTC day of a Unix time in seconds, clamped to `earliest...latest`: a file system
    /// accepts any `time_t`, and a stray modification time must never stop the reading of a file.
    public init(unixSeconds: Int64) {
        // Whole days first, so no arithmetic below can overflow, whatever the input.
        var days = unixSeconds / 86_400
        if unixSeconds % 86_400 < 0 { days -= 1 }
        guard days >= Int64(Self.earliest.dayNumber) else { self = Self.earliest; return }
        guard days <= Int64(Self.latest.dayNumber) else { self = Self.latest; return }
        self.init(dayNumber: Int(days))
    }

    /// The day `dayNumber` days after 1970-01-01 (before it when negative), clamped to
    /// `earliest...latest`.
    public init(dayNumber days: Int) {
        self.init(civilDays: min(max(days, Self.earliest.dayNumber), Self.latest.dayNumber))
    }

    /// The day `dayNumber` days after 1970-01-01 (Howard Hinnant's civil-from-days algorithm).
    private init(civilDays days: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// Days since 1970-01-01 (negative before it), for distances between days.
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// `YYYY-MM-DD`, which sorts as the days do.
    public var iso: String {
        "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
    }

    public var description: String { iso }

    /// The day after this one.
    public var next: CalendarDay {
        if day < CalendarDay.daysIn(month: month, year: year) { return CalendarDay(unchecked: year, month, day + 1) }
        if month < 12 { return CalendarDay(unchecked: year, month + 1, 1) }
        return CalendarDay(unchecked: year + 1, 1, 1)
    }

    /// The day `days` days later (earlier when negative), clamped to `earliest...latest`.
    public func adding(days: Int) -> CalendarDay {
        let target = dayNumber + max(-10_000_000, min(10_000_000, days))
        guard target >= Self.earliest.dayNumber else { return Self.earliest }
        guard target <= Self.latest.dayNumber else { return Self.latest }
        return CalendarDay(dayNumber: target)
    }

    /// The same day of the month `months` months later (earlier when negative), or that month's
    /// last day when it is shorter; clamped to `earliest...latest`.
    public func adding(months: Int) -> CalendarDay {
        let index = year * 12 + (month - 1) + max(-200_000, min(200_000, months))
        let (newYear, newMonth) = (index / 12, index % 12 + 1)
        guard newYear >= Self.earliest.year else { return Self.earliest }
        guard newYear <= Self.latest.year else { return Self.latest }
        return CalendarDay(unchecked: newYear, newMonth, min(day, Self.daysIn(month: newMonth, year: newYear)))
    }

    /// Monday of this day's week (ISO 8601 weeks start on Monday).
    public var startOfWeek: CalendarDay {
        // 1970-01-01 was a Thursday: day number 0 is weekday 3 counting from Monday = 0.
        let weekday = ((dayNumber % 7) + 7 + 3) % 7
        return adding(days: -weekday)
    }

    public static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private init(unchecked year: Int, _ month: Int, _ day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }
}
