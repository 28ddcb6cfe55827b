import Foundation
import Synchronization

/// A throwaway PostgreSQL cluster for tests: `initdb` into a temporary folder, the server on a
/// free port of 127.0.0.1 and a socket in that folder, stopped when the test process exits.
/// Debian's `postgresql-15` must be installed (`scripts/install-deps --test`); as root, the
/// server runs as the `postgres` user (PostgreSQL refuses to run as root).
public final class PostgresCluster: Sendable {
    /// The superuser the tests connect as (trusted on the socket, password on TCP).
    public static let adminUser = "newsd_admin"
    public static let adminPassword = "test-admin-secret"

    public let folder: String
    /// Its TCP port (chosen again if another process took the first choice before the server bound it).
    public var port: Int { chosenPort.withLock { $0 } }
    private let chosenPort = Mutex(0)
    public var socketDirectory: String { folder }
    let binaries: String

    /// One cluster for the whole test process, started on first use.
    public static func shared() throws -> PostgresCluster {
        try sharedCluster.withLock { cluster in
            if let cluster { return cluster }
            let started = try PostgresCluster()
            cluster = started
            return started
        }
    }

    private static let sharedCluster = Mutex<PostgresCluster?>(nil)

    /// Starts a new cluster (a few hundred milliseconds).
    public convenience init() throws {
        try self.init { cluster in
            try (Self.adminPassword + "\n").write(toFile: cluster.folder + "/pwfile", atomically: true, encoding: .utf8)
            if getuid() == 0 { try Self.run("/bin/chown", ["postgres:postgres", cluster.folder + "/pwfile"], asPostgres: false) }
            try Self.run(cluster.binaries + "/initdb", ["-D", cluster.folder + "/data", "-U", Self.adminUser, "--pwfile=\(cluster.folder)/pwfile",
                                                        "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])
        }
    }

    /// A streaming replica of `primary` (`pg_basebackup -R`), started, in recovery, following it.
    public convenience init(replicaOf primary: PostgresCluster) throws {
        try self.init { cluster in
            try Self.run(cluster.binaries + "/pg_basebackup", ["-h", primary.socketDirectory, "-p", "\(primary.port)", "-U", Self.adminUser,
                                                               "-D", cluster.folder + "/data", "-R", "-X", "stream", "-c", "fast", "--no-sync"])
        }
    }

    private init(create: (PostgresCluster) throws -> Void) throws {
        binaries = try Self.findBinaries()
        var template = Array("/tmp/newsd-pg.XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw ClusterError("mkdtemp failed: \(String(cString: strerror(errno)))")
        }
        folder = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
        chosenPort.withLock { $0 = Self.freePort() }
        if getuid() == 0 { try Self.run("/bin/chown", ["postgres:postgres", folder], asPostgres: false) }
        // The socket lives here: a newsd under test running as nobody must reach it.
        chmod(folder, 0o755)
        try create(self)
        // A port free when chosen may be taken before the server binds it (by another test's
        // cluster, or a client): then the server stops at once, and another port is tried.
        var attempts = 1
        while true {
            do {
                try start()
                break
            } catch {
                guard attempts < 5, serverLog.contains("could not create any TCP/IP sockets") else { throw error }
                attempts += 1
                try? FileManager.default.removeItem(atPath: folder + "/server.log")
                chosenPort.withLock { $0 = Self.freePort() }
            }
        }
        PostgresClusterRegistry.add(self)
    }

    /// Starts the server (again, after `stop()`), on the same port and folder. The suite runs
    /// dozens of newsd processes on it at once, each with a pool, a placer and a listener: more
    /// connections than the default 100.
    public func start() throws {
        try Self.run(binaries + "/pg_ctl", ["-D", folder + "/data", "-l", folder + "/server.log", "-w", "-t", "60", "-o",
                                            "-p \(port) -k \(folder) -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=400",
                                            "start"])
    }

    /// Stops the server at once (`immediate`: like a crash, which PostgreSQL recovers from).
    public func stop() throws {
        try Self.run(binaries + "/pg_ctl", ["-D", folder + "/data", "-m", "immediate", "-w", "stop"])
    }

    /// Pauses (or resumes) a replica's replay of its primary's changes.
    public func pauseReplay(_ paused: Bool) throws {
        try sql(paused ? "SELECT pg_wal_replay_pause()" : "SELECT pg_wal_replay_resume()")
    }

    /// Runs SQL as the superuser in `database`; returns what psql printed (unaligned, tuples only).
    @discardableResult
    public func sql(_ statement: String, database: String = "postgres") throws -> String {
        try Self.run(binaries + "/psql", ["-h", folder, "-p", "\(port)", "-U", Self.adminUser, "-d", database, "-v", "ON_ERROR_STOP=1",
                                          "-At", "-c", statement], asPostgres: false)
    }

    /// A new empty database (owned by `owner`, the superuser by default); returns its name.
    public func createDatabase(owner: String? = nil) throws -> String {
        let name = "newsd_test_\(UUID().uuidString.prefix(8).lowercased())"
        try sql("CREATE DATABASE \(name)" + (owner.map { " OWNER \($0)" } ?? ""))
        return name
    }

    /// `postgresql://` address of `database` over the socket as `user`.
    public func socketURL(database: String, user: String = PostgresCluster.adminUser) -> String {
        "postgresql://\(user)@/\(database)?host=\(folder)&port=\(port)&sslmode=disable"
    }

    static func findBinaries() throws -> String {
        for version in ["17", "16", "15"] {
            let path = "/usr/lib/postgresql/\(version)/bin"
            if FileManager.default.isExecutableFile(atPath: path + "/initdb") { return path }
        }
        throw ClusterError("PostgreSQL's server programs are not installed (no /usr/lib/postgresql/*/bin/initdb); run scripts/install-deps --test")
    }

    /// What the server has logged (why it did not start, say).
    var serverLog: String { (try? String(contentsOfFile: folder + "/server.log", encoding: .utf8)) ?? "" }

    /// A port of 127.0.0.1 that nothing listens on, below Linux's default range of ephemeral
    /// ports (32768 and up), which every outgoing connection (the tests' own to the server)
    /// takes its local port from.
    static func freePort() -> Int {
        for _ in 0..<1_000 {
            let port = Int.random(in: 20_000..<32_000)
            if canBind(port) { return port }
        }
        // Nothing free there: a port the server then cannot bind fails its start with the reason.
        return 20_000
    }

    private static func canBind(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// Runs a program to its end (as `postgres` when root and `asPostgres`); throws with its output when it fails.
    @discardableResult
    static func run(_ program: String, _ arguments: [String], asPostgres: Bool = true) throws -> String {
        let (executable, fullArguments) = asPostgres && getuid() == 0
            ? ("/usr/sbin/runuser", ["-u", "postgres", "--", program] + arguments)
            : (program, arguments)
        // Output goes to a file, not a pipe (the server pg_ctl starts would hold a pipe open), and the
        // child is reaped with waitpid (Foundation's Process deadlocked on the cooperative pool).
        let outputPath = NSTemporaryDirectory() + "newsd-pg-output-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let process = try ChildProcess(executable, fullArguments, environment: ChildProcess.environment([:]), outputPath: outputPath)
        process.waitUntilExit()
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else {
            throw ClusterError("\((program as NSString).lastPathComponent) \(arguments.joined(separator: " ")) failed (\(process.terminationStatus)): \(text)")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Clusters to stop when the test process exits.
enum PostgresClusterRegistry {
    private static let clusters = Mutex<[PostgresCluster]>([])

    static func add(_ cluster: PostgresCluster) {
        let first = clusters.withLock { list in
            list.append(cluster)
            return list.count == 1
        }
        if first { atexit { PostgresClusterRegistry.stopAll() } }
    }

    static func stopAll() {
        for cluster in clusters.withLock({ $0 }) {
            try? cluster.stop()
            try? FileManager.default.removeItem(atPath: cluster.folder)
        }
    }
}

public struct ClusterError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
