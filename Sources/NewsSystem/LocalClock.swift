import Glibc
import NewsCore

/// The machine's clock and time zone (what `date` shows): what relative dates and arrival
/// times in queries count from.
public enum LocalClock {
    /// Now, with the local time zone's offset (UTC when the zone cannot be read).
    public static func queryClock() -> QueryClock {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var seconds = spec.tv_sec
        var parts = tm()
        let offset = localtime_r(&seconds, &parts) != nil ? Int(parts.tm_gmtoff) : 0
        return QueryClock(now: Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9, utcOffset: offset)
    }
}
