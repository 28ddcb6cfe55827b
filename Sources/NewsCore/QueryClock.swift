/// The moment a query is parsed in, for relative dates (`since:yesterday`) and arrival times
/// (`added:>2h`): pure parsing takes it as a value; newsd reads it from the system clock.
public struct QueryClock: Sendable, Equatable {
    /// Unix seconds.
    public var now: Double
    /// Seconds east of UTC of the local time zone (days begin at local midnight).
    public var utcOffset: Int

    public init(now: Double, utcOffset: Int) {
        self.now = now
        self.utcOffset = utcOffset
    }

    /// The local day.
    public var today: CalendarDay {
        CalendarDay(unixSeconds: Int64(max(-1e15, min(1e15, now))) + Int64(utcOffset))
    }

    /// Unix seconds of local midnight at the start of `day`.
    public func midnight(_ day: CalendarDay) -> Double {
        Double(day.dayNumber) * 86_400 - Double(utcOffset)
    }
}
