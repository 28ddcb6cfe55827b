import Foundation

/// What a test daemon said of connections it closed without answering (`event=request-unanswered`
/// with `closed_by=newsd`), with the end of its log: the client's error alone ("closed the
/// connection without answering") tells nothing, and the log goes with the daemon's folder.
enum UnansweredRequestReport {
    /// The report for `log` of the daemon at `socket`; nil when newsd closed none.
    static func report(log: String, socket: String, tailLines: Int = 80) -> String? {
        let lines = log.split(separator: "\n", omittingEmptySubsequences: false)
        let unanswered = lines.filter { $0.contains("event=request-unanswered") && $0.contains("closed_by=newsd") }
        guard !unanswered.isEmpty else { return nil }
        return "newsd at \(socket) closed connections without answering:\n\(unanswered.joined(separator: "\n"))\n"
            + "the end of its log:\n\(lines.suffix(tailLines).joined(separator: "\n"))\n"
    }
}
