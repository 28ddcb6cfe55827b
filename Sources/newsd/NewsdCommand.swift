import ArgumentParser
import NewsCore
// Linked for its malloc, which replaces glibc's in the whole process (see HeapTrimmer).
import CJemalloc
import Glibc
import Logging
import NewsDaemon
import NewsSystem

/// `newsd`: the news-article indexing daemon.
@main
struct NewsdCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "newsd",
        abstract: "Watch an inbox of news articles, index them, and answer queries over a Unix socket.",
        discussion: """
            Settings come from these flags, then NEWSD_* environment variables (NEWSD_INBOX, \
            NEWSD_STATE_DIR, NEWSD_SOCKET, NEWSD_MAX_FILE_BYTES, NEWSD_LOG_LEVEL, ...), then the \
            config file, then built-in defaults. etc/newsd.conf documents every key.
            """,
        version: NewsdVersion.current
    )

    @Option(name: .long, help: ArgumentHelp("Config file (YAML: key: value).", valueName: "file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Folder to watch for article files. [default: /var/lib/newsd/inbox]", valueName: "dir"))
    var inbox: String?

    @Option(name: .long, help: ArgumentHelp("Folder for the index database. [default: /var/lib/newsd]", valueName: "dir"))
    var stateDir: String?

    @Option(name: .long, help: ArgumentHelp("Control socket path. [default: /run/newsd/newsd.sock]", valueName: "path"))
    var socket: String?

    @Option(name: .long, help: ArgumentHelp("trace, debug, info, notice, warning, error or critical. [default: info]", valueName: "level"))
    var logLevel: String?

    @Option(name: .long, help: ArgumentHelp("Largest article file read, in bytes. [default: 10485760]", valueName: "bytes"))
    var maxFileBytes: String?

    @Option(name: .long, help: ArgumentHelp("A PostgreSQL archive shared with other hosts (postgresql://user@host/db?sslmode=…); none: the embedded index in the state folder.", valueName: "url"))
    var indexUrl: String?

    @Option(name: .long, help: ArgumentHelp("A streaming replica of that archive to answer searches (postgresql://…).", valueName: "url"))
    var indexReadUrl: String?

    @Option(name: .long, help: ArgumentHelp("This host's name in a shared archive. [default: the machine's name]", valueName: "name"))
    var hostId: String?

    @Flag(name: .long, help: "Watch no inbox: only answer queries (of a shared archive, or of the index as it is).")
    var noInbox = false

    @Option(name: .long, help: ArgumentHelp("Where logs go: journal, stderr, or auto (the journal when stderr is connected to it).", valueName: "target"))
    var log: LogTarget = .auto

    enum LogTarget: String, ExpressibleByArgument, CaseIterable {
        case auto, journal, stderr
    }

    func run() async throws {
        var flags: [String: String] = [:]
        flags["inbox"] = inbox
        flags["state_dir"] = stateDir
        flags["socket"] = socket
        flags["log_level"] = logLevel
        flags["max_file_bytes"] = maxFileBytes
        flags["index_url"] = indexUrl
        flags["index_read_url"] = indexReadUrl
        flags["host_id"] = hostId
        if noInbox { flags["watch_inbox"] = "false" }
        let configFile = config
        let load: @Sendable () async throws(ConfigError) -> DaemonConfig = { [flags] () async throws(ConfigError) -> DaemonConfig in
            try await DaemonConfig.load(configFile: configFile, flags: flags)
        }
        let settings: DaemonConfig
        do {
            settings = try await load()
        } catch {
            printError("newsd: \(error)")
            throw ExitCode(78)  // EX_CONFIG
        }
        let level = LogLevelSetting(settings.logLevel)
        let toJournal = log == .journal || (log == .auto && JournalLogHandler.stderrIsJournal())
        LoggingSystem.bootstrap { _ in
            toJournal ? JournalLogHandler(level: level) as any LogHandler : KeyValueLogHandler(level: level)
        }
        let logger = Logger(label: "newsd")
        do {
            try await Daemon.run(config: settings, reload: load, logLevel: level, logger: logger)
        } catch let error as DaemonError {
            logger.critical("newsd cannot run", metadata: ["event": "fatal", "error": "\(error.message)"])
            throw ExitCode.failure
        } catch {
            logger.critical("newsd cannot run", metadata: ["event": "fatal", "error": "\(error)"])
            throw ExitCode.failure
        }
    }

    private func printError(_ message: String) {
        var standardError = StandardError()
        print(message, to: &standardError)
    }
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        var bytes = Array(string.utf8)
        _ = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    }
}
