import Foundation
import Synchronization
import Logging
import NewsCore
import NewsIndex
import PostgresNIO

/// The archive in a PostgreSQL database that several newsd hosts share. Each host writes the
/// files of its own inbox (keyed by its `host` name); articles are shared, keyed by content.
///
/// The connection pool runs in `run()`, which must be running (as a service, or in a task) for
/// any other call to get a connection.
public final class PostgresArchive: Sendable {
    /// This host's name: its files are keyed by it, and reconciliation touches only them.
    public let host: String
    public let address: PostgresAddress
    /// A streaming replica that answers searches (`index_read_url`); nil: the primary does.
    public let replicaAddress: PostgresAddress?
    let client: PostgresClient
    let logger: Logger
    let attempts: ConnectionAttempts
    let replica: (client: PostgresClient, attempts: ConnectionAttempts)?
    /// Whether the last search on the replica failed to connect (logged once per outage).
    let replicaDown = Mutex(false)

    /// A client for `address`; nothing connects until `run()` and a first call.
    public init(address: PostgresAddress, replica replicaAddress: PostgresAddress? = nil, host: String,
                environment: [String: String] = ProcessInfo.processInfo.environment, logger: Logger) throws(ArchiveError) {
        guard !host.isEmpty, !host.contains(":") else {
            throw ArchiveError(message: "host_id must be a non-empty name without ':' (it is shown as host:path), got '\(host)'")
        }
        self.host = host
        self.address = address
        self.replicaAddress = replicaAddress
        self.logger = logger
        // The pool retries a lost server every few seconds and logs each try; newsd logs the loss
        // and the recovery once, and keeps the last attempt's reason for its error messages.
        attempts = ConnectionAttempts(role: "the database", display: address.display)
        client = PostgresClient(configuration: try PostgresClientSettings.configuration(for: address, environment: environment),
                                backgroundLogger: attempts.poolLogger(forwardingTo: logger))
        if let replicaAddress {
            let replicaAttempts = ConnectionAttempts(role: "the read replica", display: replicaAddress.display)
            replica = (PostgresClient(configuration: try PostgresClientSettings.configuration(for: replicaAddress, environment: environment),
                                      backgroundLogger: replicaAttempts.poolLogger(forwardingTo: logger)), replicaAttempts)
        } else {
            replica = nil
        }
    }

    /// Runs the connection pools (the primary's, and the replica's) until the task is cancelled.
    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.client.run() }
            if let replica = self.replica { group.addTask { await replica.client.run() } }
        }
    }

    /// Brings the schema to this build's version (creating it in an empty database), checks that
    /// this role may read and write every table, and records this host. Hosts starting together
    /// take turns (an advisory lock), so a migration runs once.
    public func prepare(now: Double) async throws(ArchiveError) {
        let host = self.host, address = self.address, logger = self.logger
        try await transaction(doing: "prepare the archive in \(address.display)", retrying: false) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(Self.schemaLock))", logger: logger)
                let current = try await Self.schemaVersion(connection, logger: logger)
                if current > PostgresSchema.version {
                    throw ArchiveError(message: "the database holds schema version \(current) of a newer newsd; this newsd knows up to \(PostgresSchema.version): upgrade it")
                }
                if current < PostgresSchema.version {
                    try await Self.checkMayCreate(connection, logger: logger)
                    if current == 0 {
                        try await connection.query("CREATE TABLE IF NOT EXISTS newsd_schema (version integer NOT NULL)", logger: logger)
                        try await connection.query("INSERT INTO newsd_schema (version) VALUES (0)", logger: logger)
                    }
                    for step in current..<PostgresSchema.version {
                        for statement in PostgresSchema.migrations[step] {
                            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                        }
                        try await connection.query("UPDATE newsd_schema SET version = \(step + 1)", logger: logger)
                        logger.notice("migrated the PostgreSQL archive", metadata: ["event": "archive-migrated", "version": "\(step + 1)"])
                    }
                }
                try await Self.checkMayWrite(connection, logger: logger)
                try await connection.query("""
                    INSERT INTO newsd_host (host_id, first_seen, last_seen, analysis) VALUES (\(host), \(now), \(now), \(ArticleAnalyzer.version))
                    ON CONFLICT (host_id) DO UPDATE SET last_seen = EXCLUDED.last_seen
                    """, logger: logger)
        }
    }

    /// The advisory lock that serialises migrations across hosts.
    static let schemaLock: Int64 = 0x6E65_7773_6400_0001

    static func schemaVersion(_ connection: PostgresConnection, logger: Logger) async throws -> Int {
        let exists = try await connection.query("SELECT to_regclass('newsd_schema') IS NOT NULL", logger: logger)
            .collect().first?.decode(Bool.self) ?? false
        guard exists else { return 0 }
        return try await connection.query("SELECT version FROM newsd_schema", logger: logger).collect().first?.decode(Int.self) ?? 0
    }

    /// Creating the schema needs CREATE on the current schema (and on the database, for the
    /// `unaccent` extension when it is not there yet): say which is missing, and how to grant it.
    static func checkMayCreate(_ connection: PostgresConnection, logger: Logger) async throws {
        let row = try await connection.query("""
            SELECT current_user, current_database(), current_schema(),
                   coalesce(has_schema_privilege(current_schema(), 'CREATE'), false),
                   has_database_privilege(current_database(), 'CREATE'),
                   EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'unaccent')
            """, logger: logger).collect().first
        guard let (role, database, schema, maySchema, mayDatabase, hasUnaccent) = try row?.decode((String, String, String?, Bool, Bool, Bool).self) else { return }
        guard let schema else {
            throw ArchiveError(message: "the role \(role) has no schema to create newsd's tables in (search_path names none that exists); create one or set search_path")
        }
        if !maySchema {
            throw ArchiveError(message: "the role \(role) lacks the CREATE privilege on schema \(schema) of database \(database), needed once to create newsd's tables; run newsd once as the database owner, or GRANT CREATE ON SCHEMA \(schema) TO \(role)")
        }
        if !hasUnaccent, !mayDatabase {
            throw ArchiveError(message: "the role \(role) lacks the CREATE privilege on database \(database), needed once to add the unaccent extension; run CREATE EXTENSION unaccent as its owner, or GRANT CREATE ON DATABASE \(database) TO \(role)")
        }
    }

    /// Every table must be readable and writable by this role.
    static func checkMayWrite(_ connection: PostgresConnection, logger: Logger) async throws {
        let rows = try await connection.query("""
            SELECT current_user, t.name, p.privilege
            FROM unnest(\(unescaped: PostgresSchema.tableArray)) AS t(name),
                 unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']) AS p(privilege)
            WHERE NOT has_table_privilege(t.name, p.privilege)
            """, logger: logger).collect()
        guard let first = rows.first else { return }
        let (role, table, privilege) = try first.decode((String, String, String).self)
        throw ArchiveError(message: "the role \(role) lacks the \(privilege) privilege on table \(table); GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO \(role), and USAGE ON ALL SEQUENCES")
    }

    /// An `ArchiveError` out of whatever a transaction threw (postgres-nio wraps what its closure threw).
    static func unwrap(_ error: any Error, doing what: String) -> ArchiveError {
        if let transaction = error as? PostgresTransactionError {
            if let own = transaction.closureError { return unwrap(own, doing: what) }
            if let begin = transaction.beginError { return ArchiveError.from(begin, doing: what) }
            if let commit = transaction.commitError { return ArchiveError.from(commit, doing: what) }
        }
        return ArchiveError.from(error, doing: what)
    }

    /// Runs `body` in one transaction, again (up to three times) when another host's concurrent
    /// transaction made it fail in a way that a second try resolves.
    func transaction<Result: Sendable>(doing what: String, retrying: Bool = true, onReplica: Bool = false, untilAFailedAttempt: Bool = false,
                                       _ body: @escaping @Sendable (PostgresConnection) async throws -> Result) async throws(ArchiveError) -> Result {
        let logger = self.logger
        return try await Self.retryingConflicts(times: retrying ? 3 : 1, logger: logger) { () async throws(ArchiveError) -> Result in
            try await connected(doing: what, onReplica: onReplica, untilAFailedAttempt: untilAFailedAttempt) { connection in
                try await connection.withTransaction(logger: logger) { connection in try await body(connection) }
            }
        }
    }

    /// Runs `attempt` up to `times` times, again when another host's concurrent transaction made
    /// it fail in a way that a second try resolves (a deadlock, a serialization failure).
    static func retryingConflicts<Result: Sendable>(times: Int = 3, logger: Logger,
                                                    _ attempt: () async throws(ArchiveError) -> Result) async throws(ArchiveError) -> Result {
        var tries = 0
        while true {
            tries += 1
            do {
                return try await attempt()
            } catch {
                guard error.isRetryable, tries < times else { throw error }
                logger.info("a transaction met another host's and is tried again", metadata: [
                    "event": "archive-retry", "sqlstate": "\(error.sqlState ?? "")", "attempt": "\(tries)",
                ])
            }
        }
    }

    /// Runs `body` on a connection of the pool. The pool waits for a lost server indefinitely;
    /// newsd does not: with no connection within the address's `connect_timeout`, the call fails
    /// as `database unreachable` (the caller keeps its work and tries again later).
    /// `within`: a shorter wait for calls that must answer quickly whatever the database does (status).
    /// `untilAFailedAttempt`: fail as soon as the pool's latest attempt to connect has failed, for
    /// calls that have somewhere else to go (a search the primary can answer instead of the replica).
    func connected<Result: Sendable>(doing what: String, onReplica: Bool = false, within: Duration? = nil, untilAFailedAttempt: Bool = false,
                                     _ body: @escaping @Sendable (PostgresConnection) async throws -> Result) async throws(ArchiveError) -> Result {
        let leased = LeaseFlag()
        let useReplica = onReplica && replica != nil
        let client = useReplica ? replica!.client : self.client
        let target = useReplica ? replicaAddress! : address
        let limit = min(Duration.seconds(target.connectTimeoutSeconds), within ?? .seconds(3600)), display = target.display
        let attempts = useReplica ? replica!.attempts : self.attempts
        let logger = self.logger
        do {
            return try await withThrowingTaskGroup(of: Result?.self) { group in
                group.addTask {
                    try await client.withConnection { connection in
                        leased.set()
                        attempts.succeeded(logger: logger)
                        return try await ConnectionLoss.racing(connection, display: display) { try await body(connection) }
                    }
                }
                group.addTask {
                    // A server that refuses (a wrong password, an unknown database) will refuse again:
                    // say so at once; a server that does not answer gets the whole connect timeout.
                    let deadline = ContinuousClock.now + limit
                    while !leased.isSet {
                        if let last = attempts.lastFailureText, let refusal = ConnectionAttempts.serverMessage(in: last) {
                            throw ArchiveError(message: "PostgreSQL at \(display) refused the connection: \(refusal.message)",
                                               cause: refusal.sqlState.map { "SQLSTATE \($0)" }, sqlState: refusal.sqlState)
                        }
                        if untilAFailedAttempt, let last = attempts.lastFailureText {
                            throw ArchiveError(message: "database unreachable: the last attempt to connect to \(display) failed", cause: last)
                        }
                        if ContinuousClock.now >= deadline {
                            throw ArchiveError(message: "database unreachable: no connection to \(display) within \(limit.formattedSeconds) s",
                                               cause: attempts.lastFailureText)
                        }
                        try await Task.sleep(for: .milliseconds(50))
                    }
                    return nil
                }
                while let result = try await group.next() {
                    if let result {
                        group.cancelAll()
                        return result
                    }
                }
                throw CancellationError()
            }
        } catch let error as ArchiveError {
            throw error
        } catch {
            throw Self.unwrap(error, doing: what)
        }
    }
}

/// Whether a connection was handed out yet (set by the pool's task, read by the deadline's).
final class LeaseFlag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}

