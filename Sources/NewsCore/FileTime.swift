/// Conversions of file-system times, total over every value a `time_t` can hold.
///
/// A file system accepts any modification time (`touch -d 2300-01-01`, a restore from a broken
/// clock, a hostile writer), so nothing derived from one may trap: out-of-range values are clamped.
public enum FileTime {
    /// Nanoseconds since the epoch for `seconds` and `nanoseconds` (as in a `timespec`),
    /// saturating at `Int64`'s range (years 1677 to 2262).
    public static func nanoseconds(seconds: Int64, nanoseconds: Int64) -> Int64 {
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? Int64.min : Int64.max }
        let (sum, overflowSum) = whole.addingReportingOverflow(nanoseconds)
        if overflowSum { return nanoseconds < 0 ? Int64.min : Int64.max }
        return sum
    }

    /// Whole seconds of a time in nanoseconds (rounded down), for `CalendarDay(unixSeconds:)`.
    public static func seconds(nanoseconds: Int64) -> Int64 {
        let quotient = nanoseconds / 1_000_000_000
        return nanoseconds % 1_000_000_000 < 0 ? quotient - 1 : quotient
    }
}
