/// Where a test's newsd keeps its archive: the embedded index, or a database of its own on the
/// shared test PostgreSQL cluster (`index_url`). Suites that run on both take it as an argument.
public enum ArchiveBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case embedded
    case postgres

    /// The host name a PostgreSQL-backed test newsd uses.
    public static let testHost = "test"

    public var description: String { rawValue }

    /// The newsd flags for this backend (a fresh database on the shared cluster for PostgreSQL).
    public func daemonArguments() throws -> [String] { try daemonSetup().arguments }

    /// The newsd flags, and the PostgreSQL database they name (nil for the embedded index).
    public func daemonSetup() throws -> (arguments: [String], database: String?) {
        switch self {
        case .embedded:
            return ([], nil)
        case .postgres:
            let cluster = try PostgresCluster.shared()
            let database = try cluster.createDatabase()
            return (["--index-url", cluster.socketURL(database: database), "--host-id", Self.testHost], database)
        }
    }

    /// A hit's path as the embedded index shows it (a shared archive prefixes the host: `test:a.txt`).
    public func local(_ path: String) -> String {
        switch self {
        case .embedded: path
        case .postgres: path.hasPrefix(Self.testHost + ":") ? String(path.dropFirst(Self.testHost.count + 1)) : path
        }
    }
}
