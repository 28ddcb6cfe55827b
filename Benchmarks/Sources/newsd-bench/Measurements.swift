import Foundation

/// Latency samples and the figures the harness reports from them.
struct Samples: Sendable {
    private(set) var values: [Double] = []

    mutating func add(_ value: Double) { values.append(value) }

    /// The q-th quantile (0…1) by nearest rank.
    func quantile(_ q: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let rank = min(sorted.count - 1, max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1))
        return sorted[rank]
    }

    var median: Double { quantile(0.5) }
    var spread: Double { (values.max() ?? .nan) - (values.min() ?? .nan) }
}

/// Seconds on the monotonic clock.
func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// Resident memory of a process, from /proc: current (VmRSS) and peak (VmHWM), in bytes.
func memory(of pid: pid_t) -> (rss: Int, peak: Int) {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return (0, 0) }
    func field(_ name: String) -> Int {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return 0 }
        return (Int(line.split(separator: " ").dropFirst().first { !$0.isEmpty }.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? "") ?? 0) * 1024
    }
    return (field("VmRSS"), field("VmHWM"))
}

/// `report` with every figure that could not be taken (NaN: a wait that timed out, no samples)
/// as JSON null, which the report prints as "-": JSON has no NaN, and one missing figure must
/// not lose a run's others. Each one is named on standard error.
func jsonReady(_ value: Any, path: String = "report") -> Any {
    switch value {
    case let number as Double where !number.isFinite:
        FileHandle.standardError.write(Data("newsd-bench: \(path) could not be measured (\(number))\n".utf8))
        return NSNull()
    case let dictionary as [String: Any]:
        return dictionary.reduce(into: [String: Any]()) { $0[$1.key] = jsonReady($1.value, path: path + "." + $1.key) }
    case let array as [Any]:
        return array.enumerated().map { jsonReady($0.element, path: path + "[\($0.offset)]") }
    default:
        return value
    }
}
