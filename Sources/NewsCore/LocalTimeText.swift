import Glibc

/// Moments as newsctl prints them, in this machine's local time.
public enum LocalTimeText {
    /// Unix seconds as `YYYY-MM-DD HH:MM`.
    public static func minute(_ seconds: Double) -> String {
        guard let parts = parts(seconds) else { return "" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) \(two(parts.tm_hour)):\(two(parts.tm_min))"
    }

    /// The time now as `HH:MM:SS`.
    public static func clock() -> String {
        guard let parts = parts(Double(time(nil))) else { return "" }
        return "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
    }

    private static func parts(_ seconds: Double) -> tm? {
        var moment = time_t(max(-1e15, min(1e15, seconds)))
        var parts = tm()
        return localtime_r(&moment, &parts) != nil ? parts : nil
    }

    private static func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
