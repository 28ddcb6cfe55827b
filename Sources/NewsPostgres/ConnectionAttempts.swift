import Logging
import Synchronization

/// What the connection pool's last failed attempt to connect said. The pool keeps retrying and
/// only logs why; this log handler keeps the reason, so that a call that got no connection can
/// tell "the server refused this role's password" from "nothing answers at that address".
///
/// It also writes the journal's record of an outage: one warning when connecting first fails
/// after a success (or at the first try); `succeeded` the notice when it works again.
final class ConnectionAttempts: Sendable {
    private let state = Mutex<(lastFailure: String?, failing: Bool)>((nil, false))
    /// Whose connections these are, for the log (`the database`, `the read replica`).
    let role: String
    /// The address, as logs show it.
    let display: String

    init(role: String = "the database", display: String = "") {
        self.role = role
        self.display = display
    }

    /// The reason of the last failed attempt since the last success, as postgres-nio described it.
    var lastFailureText: String? { state.withLock { $0.lastFailure } }

    /// Records a failed attempt; true when it starts an outage (the first failure since a success).
    func failed(_ text: String) -> Bool {
        state.withLock { state in
            defer { state = (text, true) }
            return !state.failing
        }
    }

    /// Records that a connection was handed out (the pool does not report its successes), and
    /// logs the end of an outage once.
    func succeeded(logger: Logger) {
        let ended = state.withLock { state in
            defer { state = (nil, false) }
            return state.failing
        }
        if ended { logger.notice("connected to \(role) again", metadata: ["event": "database-reachable", "database": "\(display)"]) }
    }

    /// A logger for the pool: it records connection attempts here and passes on only errors.
    func poolLogger(forwardingTo logger: Logger) -> Logger {
        var pool = Logger(label: logger.label) { _ in AttemptRecorder(attempts: self, forward: logger) }
        pool.logLevel = .debug
        return pool
    }

    /// The server's own message and SQLSTATE in postgres-nio's description of an error
    /// (`PSQLError(code: server, serverInfo: [… message: …, sqlState: 28P01 …])`), if it has them.
    static func serverMessage(in text: String) -> (message: String, sqlState: String?)? {
        guard text.contains("code: server"), let start = text.range(of: "message: ") else { return nil }
        let rest = text[start.upperBound...]
        let fieldEnd = rest.range(of: ", routine: ") ?? rest.range(of: ", severity") ?? rest.range(of: ", sqlState") ?? rest.range(of: "]")
        let message = String(rest[..<(fieldEnd?.lowerBound ?? rest.endIndex)])
        var state: String?
        if let stateStart = text.range(of: "sqlState: ") { state = String(text[stateStart.upperBound...].prefix(5)) }
        return (message, state)
    }
}

private struct AttemptRecorder: LogHandler {
    let attempts: ConnectionAttempts
    let forward: Logger
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .debug

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let text = event.message.description
        if text == "Connection creation failed", let error = event.metadata?["psql_error"] {
            if attempts.failed("\(error)") {
                let refusal = ConnectionAttempts.serverMessage(in: "\(error)")
                forward.warning("cannot connect to \(attempts.role); newsd keeps trying", metadata: [
                    "event": "database-unreachable", "database": "\(attempts.display)",
                    "error": "\(refusal?.message ?? "\(error)")",
                ])
            }
        }
        if event.level >= .error {
            forward.log(level: event.level, event.message, metadata: event.metadata, source: event.source, file: event.file,
                        function: event.function, line: event.line)
        }
    }
}
