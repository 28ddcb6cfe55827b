import PostgresNIO

/// A failure of the PostgreSQL archive, with a message a user can act on and the database's own
/// words kept for the log.
public struct ArchiveError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// What PostgreSQL or the connection said, when that is not the message itself.
    public var cause: String?
    /// The SQLSTATE, when the server answered with an error.
    public var sqlState: String?

    public init(message: String, cause: String? = nil, sqlState: String? = nil) {
        self.message = message
        self.cause = cause
        self.sqlState = sqlState
    }

    public var description: String { cause.map { "\(message) (\($0))" } ?? message }

    /// Whether trying the same transaction again may succeed: a serialization failure, a
    /// deadlock, or an article removed by another host while this one linked a file to it.
    public var isRetryable: Bool { ["40001", "40P01", "23503", "23505"].contains(sqlState ?? "") }

    /// Whether the database could not be reached at all (as opposed to refusing a statement).
    public var isUnreachable: Bool { sqlState == nil && message.hasPrefix("database unreachable") }

    /// Describes any error thrown by postgres-nio while doing `what`.
    static func from(_ error: any Error, doing what: String) -> ArchiveError {
        if let archive = error as? ArchiveError { return archive }
        if let psql = error as? PSQLError {
            if let server = psql.serverInfo {
                let text = server[.message] ?? "error"
                let detail = server[.detail].map { ": \($0)" } ?? ""
                return ArchiveError(message: "PostgreSQL refused to \(what): \(text)\(detail)", cause: server[.sqlState].map { "SQLSTATE \($0)" },
                                    sqlState: server[.sqlState])
            }
            let underlying = psql.underlying.map { String(describing: $0) } ?? String(describing: psql.code)
            return ArchiveError(message: "database unreachable while trying to \(what)", cause: underlying)
        }
        return ArchiveError(message: "could not \(what): PostgreSQL's answer was not what newsd expected", cause: String(describing: error))
    }
}
