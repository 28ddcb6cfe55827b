import Glibc
import NewsCore

/// The machine's clock read as a calendar day in its own time zone (what `date` shows): the
/// day relative dates in queries count from.
public enum LocalClock {
    /// Today in the system's time zone (UTC when the zone cannot be read).
    public static func today() -> CalendarDay {
        var now = time(nil)
        var parts = tm()
        guard localtime_r(&now, &parts) != nil,
              let day = CalendarDay(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday))
        else { return CalendarDay(unixSeconds: Int64(now)) }
        return day
    }
}
