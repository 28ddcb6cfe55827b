import Configuration
import Foundation
import Logging
import NewsCore
import SystemPackage

/// Everything newsd is told at start: read from flags, `NEWSD_*` environment variables and
/// the config file, in that order of precedence, then from the built-in defaults.
public struct DaemonConfig: Sendable, Equatable {
    public var inbox: String
    public var stateDirectory: String
    public var socketPath: String
    public var maxFileBytes: Int64
    public var logLevel: Logger.Level
    public var namePolicy: InboxNamePolicy
    /// Most files written in one transaction; bounds memory during a burst.
    public var batchSize: Int
    /// How often folders that inotify cannot watch are rescanned.
    public var rescanIntervalSeconds: Int
    /// The longest one search may run before it is stopped with `query-too-expensive`.
    public var queryTimeout: Duration
    /// A shell command run for each alert match, the match as JSON on its standard input; nil: none.
    public var alertCommand: String?
    /// The longest an alert command may run before it is stopped.
    public var alertTimeout: Duration
    /// Where the archive is: the embedded index in the state folder, or a shared PostgreSQL database.
    public var archive: ArchiveLocation = .embedded
    /// A streaming replica of the shared archive that answers searches (`index_read_url`).
    public var archiveReplica: PostgresAddress?
    /// This host's name in a shared archive (its files are `host:path`); the machine's name by default.
    public var hostId: String = ""
    /// Whether newsd watches and indexes its inbox; false serves only queries (`--no-inbox`).
    public var watchesInbox: Bool = true
    /// How many nice steps below newsd's own priority its background work runs (0–19).
    public var backgroundNiceness: Int32 = DaemonConfig.standardBackgroundNiceness

    /// `background_nice` by default: far enough below that answers come first under load.
    public static let standardBackgroundNiceness: Int32 = 10

    /// The database file inside the state folder.
    public var databasePath: String { stateDirectory + "/index.sqlite" }

    /// The documented keys and their defaults (`etc/newsd.conf` mirrors this table).
    public static let defaults: [String: String] = [
        "inbox": "/var/lib/newsd/inbox",
        "state_dir": "/var/lib/newsd",
        "socket": "/run/newsd/newsd.sock",
        "max_file_bytes": "10485760",
        "log_level": "info",
        "ignore_suffixes": ".tmp,.part,.swp,~",
        "batch_size": "1000",
        "rescan_interval": "60",
        "query_timeout_ms": "2000",
        "alert_command": "",
        "alert_timeout": "10",
        "index_url": "",
        "index_read_url": "",
        "host_id": "",
        "watch_inbox": "true",
        "background_nice": "10",
    ]

    /// The default config file, read when it exists and `--config` is not given.
    public static let defaultConfigFile = "/etc/newsd/newsd.conf"

    /// Builds the configuration from a lookup of raw string values (already layered).
    /// Pure, so that validation and its messages are tested without files.
    public static func resolve(source: String, _ lookup: (String) -> String?) throws(ConfigError) -> DaemonConfig {
        func value(_ key: String) -> String { lookup(key) ?? defaults[key]! }
        func path(_ key: String) throws(ConfigError) -> String {
            let raw = value(key).trimmingCharacters(in: .whitespaces)
            guard !raw.isEmpty else { throw ConfigError(key: key, source: source, message: "must not be empty") }
            return absolute(raw)
        }
        func positive(_ key: String) throws(ConfigError) -> Int64 {
            let raw = value(key).trimmingCharacters(in: .whitespaces)
            guard let number = Int64(raw), number > 0 else {
                throw ConfigError(key: key, source: source, message: "expected a whole number above 0, got '\(raw)'")
            }
            return number
        }
        let levelText = value("log_level").trimmingCharacters(in: .whitespaces).lowercased()
        guard let level = Logger.Level(rawValue: levelText) else {
            throw ConfigError(key: "log_level", source: source,
                              message: "expected one of trace, debug, info, notice, warning, error, critical; got '\(levelText)'")
        }
        let suffixes = value("ignore_suffixes").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let socket = try path("socket")
        guard socket.utf8.count < 108 else {
            throw ConfigError(key: "socket", source: source, message: "the path is \(socket.utf8.count) bytes; Unix socket paths must be under 108 bytes")
        }
        let archive: ArchiveLocation
        do {
            archive = try ArchiveLocation.parse(value("index_url"), defaultUser: ProcessInfo.processInfo.userName)
        } catch {
            throw ConfigError(key: "index_url", source: source, message: error.message)
        }
        var replica: PostgresAddress?
        do {
            if case .postgres(let address) = try ArchiveLocation.parse(value("index_read_url"), defaultUser: ProcessInfo.processInfo.userName) {
                replica = address
            }
        } catch {
            throw ConfigError(key: "index_read_url", source: source, message: error.message)
        }
        if replica != nil, archive == .embedded {
            throw ConfigError(key: "index_read_url", source: source, message: "a read replica needs index_url to name its primary PostgreSQL database")
        }
        let hostText = value("host_id").trimmingCharacters(in: .whitespaces)
        let hostId = hostText.isEmpty ? machineName() : hostText
        guard !hostId.contains(":"), !hostId.contains("/"), hostId.utf8.count <= 64 else {
            throw ConfigError(key: "host_id", source: source, message: "must be a name of up to 64 bytes without ':' or '/' (files are shown as host:path), got '\(hostId)'")
        }
        let watchText = value("watch_inbox").trimmingCharacters(in: .whitespaces).lowercased()
        guard ["true", "false", "yes", "no", "1", "0"].contains(watchText) else {
            throw ConfigError(key: "watch_inbox", source: source, message: "expected true or false, got '\(watchText)'")
        }
        let niceText = value("background_nice").trimmingCharacters(in: .whitespaces)
        guard let niceness = Int32(niceText), (0...19).contains(niceness) else {
            throw ConfigError(key: "background_nice", source: source,
                              message: "expected a whole number from 0 (indexing as urgent as answers) to 19, got '\(niceText)'")
        }
        var config = DaemonConfig(
            inbox: try path("inbox"),
            stateDirectory: try path("state_dir"),
            socketPath: socket,
            maxFileBytes: try positive("max_file_bytes"),
            logLevel: level,
            namePolicy: InboxNamePolicy(ignoredSuffixes: suffixes),
            batchSize: Int(min(try positive("batch_size"), 100_000)),
            rescanIntervalSeconds: Int(min(try positive("rescan_interval"), 86_400)),
            queryTimeout: .milliseconds(min(try positive("query_timeout_ms"), 600_000)),
            alertCommand: Optional(value("alert_command").trimmingCharacters(in: .whitespaces)).flatMap { $0.isEmpty ? nil : $0 },
            alertTimeout: .seconds(min(try positive("alert_timeout"), 3600))
        )
        config.archive = archive
        config.archiveReplica = replica
        config.hostId = hostId
        config.watchesInbox = ["true", "yes", "1"].contains(watchText)
        config.backgroundNiceness = niceness
        return config
    }

    /// Loads the configuration: `flags` (non-nil values win), then `NEWSD_*` environment
    /// variables, then the config file, then defaults. A missing file is an error only when
    /// it was named explicitly; an unreadable or malformed file always is.
    public static func load(configFile: String?, flags: [String: String],
                            environment: [String: String] = ProcessInfo.processInfo.environment) async throws(ConfigError) -> DaemonConfig {
        let file = configFile ?? defaultConfigFile
        var providers: [any ConfigProvider] = [
            InMemoryProvider(name: "flags", values: Dictionary(uniqueKeysWithValues: flags.map { (AbsoluteConfigKey([$0.key]), ConfigValue(.string($0.value), isSecret: false)) })),
            EnvironmentVariablesProvider(environmentVariables: environment).prefixKeys(with: "newsd"),
        ]
        do {
            providers.append(try await FileProvider<YAMLSnapshot>(filePath: FilePath(file), allowMissing: configFile == nil))
        } catch {
            throw ConfigError(key: nil, source: file, message: "cannot read the config file: \(error); fix it or start with --config pointing at a valid file")
        }
        let reader = ConfigReader(providers: providers)
        return try resolve(source: configFile ?? "the configuration") { reader.string(forKey: ConfigKey([$0])) }
    }

    /// The machine's name up to its first dot (`gethostname`, no name service lookup: under
    /// systemd newsd has no network).
    static func machineName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(cString: buffer).split(separator: ".").first.map(String.init) ?? ""
        return name.isEmpty ? "localhost" : name
    }

    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return normalised(path) }
        return normalised(FileManager.default.currentDirectoryPath + "/" + path)
    }

    /// Removes `.` components, duplicate and trailing slashes, so paths compare and print cleanly.
    static func normalised(_ path: String) -> String {
        let parts = path.split(separator: "/").filter { $0 != "." }
        return "/" + parts.joined(separator: "/")
    }
}

/// A configuration value that cannot be used, with where it came from.
public struct ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    public var key: String?
    public var source: String
    public var message: String

    public var description: String {
        if let key { return "invalid configuration: \(key) (from \(source)): \(message)" }
        return "invalid configuration in \(source): \(message)"
    }
}
