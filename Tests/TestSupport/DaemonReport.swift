import Foundation

/// What a test's daemon leaves in the test's output when it goes. Its log goes with its folder,
/// and a test that fails on the client's error alone ("closed the connection without
/// answering") would leave nothing to tell why. Every line starts with `newsd-report <socket>`,
/// then `:` for a report's headline or `|` for the lines that follow it, so that `scripts/test`
/// can repeat, after a failed run, what the daemons its failures name said, headlines last: a
/// CI log keeps only the run's end.
enum DaemonReport {
    static let marker = "newsd-report"

    /// Writes `headline` and then `lines` to standard error in one write, each line marked with `socket`.
    static func write(socket: String, _ headline: String, _ lines: [Substring] = []) {
        let text = (["\(marker) \(socket) : \(headline)"] + lines.map { "\(marker) \(socket) | \($0)" }).joined(separator: "\n") + "\n"
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// The last `count` lines of `log`.
    static func tail(of log: String, _ count: Int) -> [Substring] {
        Array(lines(of: log).suffix(count))
    }

    /// Reports the connections newsd itself closed without answering (`event=request-unanswered`
    /// with `closed_by=newsd`), with the end of its log; nothing when there were none.
    static func reportUnanswered(socket: String, log: String) {
        let closedByNewsd = lines(of: log).filter { $0.contains("event=request-unanswered") && $0.contains("closed_by=newsd") }
        guard !closedByNewsd.isEmpty else { return }
        write(socket: socket, "newsd closed connections without answering:", closedByNewsd + ["the end of its log:"] + tail(of: log, 60))
    }

    /// The lines that tell a stall or a dropped connection from a healthy end: its warnings and
    /// errors, every connection that ended unanswered, searches cancelled as if their client had
    /// gone, and signals, services ending and stops.
    static func troubles(in log: String) -> [Substring] {
        let events = ["event=request-unanswered", "event=query-cancelled", "event=stopped", "Signal caught", "Service finished", "Service threw"]
        return lines(of: log).filter { line in
            events.contains { line.contains($0) } || [" warning ", " error ", " critical "].contains { line.contains($0) }
        }.suffix(12).map { $0 }
    }

    private static func lines(of log: String) -> [Substring] {
        log.split(separator: "\n", omittingEmptySubsequences: false)
    }
}
