import Foundation
import NewsDaemon
import Testing
import TestSupport

@Suite("Daemon configuration")
struct DaemonConfigTests {
    let folder = TemporaryFolder("newsd-config")

    @Test("defaults")
    func defaults() throws {
        let config = try DaemonConfig.resolve(source: "test") { _ in nil }
        #expect(config.inbox == "/var/lib/newsd/inbox")
        #expect(config.stateDirectory == "/var/lib/newsd")
        #expect(config.socketPath == "/run/newsd/newsd.sock")
        #expect(config.maxFileBytes == 10 * 1024 * 1024)
        #expect(config.logLevel == .info)
        #expect(config.namePolicy.isIgnored("a.part"))
        #expect(config.archive == .embedded)
        #expect(!config.hostId.isEmpty)
        #expect(config.watchesInbox)
        #expect(config.backgroundNiceness == 10)
    }

    @Test("background work can run at newsd's own priority, or up to 19 steps below it")
    func backgroundNiceness() throws {
        for (text, niceness) in [("0", 0), (" 19 ", 19), ("5", 5)] as [(String, Int32)] {
            #expect(try DaemonConfig.resolve(source: "test") { $0 == "background_nice" ? text : nil }.backgroundNiceness == niceness)
        }
    }

    @Test("a shared archive, a host name and no inbox")
    func sharedArchive() throws {
        let values = ["index_url": "postgresql://newsd@db.example.org/news?sslmode=verify-full", "host_id": "scraper-1", "watch_inbox": "false"]
        let config = try DaemonConfig.resolve(source: "test") { values[$0] }
        guard case .postgres(let address) = config.archive else { Issue.record("not a shared archive"); return }
        #expect(address.display == "postgresql://newsd@db.example.org:5432/news")
        #expect(address.tls == .verifyFull)
        #expect(config.hostId == "scraper-1")
        #expect(!config.watchesInbox)
    }

    @Test("bad values are refused with the key and the reason", arguments: [
        ("max_file_bytes", "ten", "invalid configuration: max_file_bytes (from test): expected a whole number above 0, got 'ten'"),
        ("max_file_bytes", "-5", "invalid configuration: max_file_bytes (from test): expected a whole number above 0, got '-5'"),
        ("log_level", "loud", "invalid configuration: log_level (from test): expected one of trace, debug, info, notice, warning, error, critical; got 'loud'"),
        ("inbox", "  ", "invalid configuration: inbox (from test): must not be empty"),
        ("index_url", "postgresql://newsd:secret@db/news",
         "invalid configuration: index_url (from test): holds a password; put it in a password file (passfile=… or PGPASSFILE, mode 0600) so that it never appears in a config or unit file"),
        ("index_url", "mysql://db/news",
         "invalid configuration: index_url (from test): must start with postgresql:// (for example postgresql://newsd@db.example.org/news), got 'mysql://db/news'"),
        ("host_id", "alpha:1", "invalid configuration: host_id (from test): must be a name of up to 64 bytes without ':' or '/' (files are shown as host:path), got 'alpha:1'"),
        ("index_read_url", "postgresql://db-replica/news", "invalid configuration: index_read_url (from test): a read replica needs index_url to name its primary PostgreSQL database"),
        ("watch_inbox", "sometimes", "invalid configuration: watch_inbox (from test): expected true or false, got 'sometimes'"),
        ("background_nice", "20", "invalid configuration: background_nice (from test): expected a whole number from 0 (indexing as urgent as answers) to 19, got '20'"),
        ("background_nice", "-1", "invalid configuration: background_nice (from test): expected a whole number from 0 (indexing as urgent as answers) to 19, got '-1'"),
        ("background_nice", "low", "invalid configuration: background_nice (from test): expected a whole number from 0 (indexing as urgent as answers) to 19, got 'low'"),
    ])
    func badValues(key: String, value: String, message: String) {
        #expect {
            try DaemonConfig.resolve(source: "test") { $0 == key ? value : nil }
        } throws: { error in
            "\(error)" == message
        }
    }

    @Test("flags win over the environment, which wins over the file")
    func precedence() async throws {
        try folder.write("""
            # a comment
            inbox: /from/file/inbox
            state_dir: /from/file/state
            socket: /from/file/newsd.sock
            max_file_bytes: 2048
            """, to: "newsd.conf")
        let config = try await DaemonConfig.load(
            configFile: folder.file("newsd.conf"),
            flags: ["inbox": "/from/flag/inbox"],
            environment: ["NEWSD_STATE_DIR": "/from/env/state"])
        #expect(config.inbox == "/from/flag/inbox")
        #expect(config.stateDirectory == "/from/env/state")
        #expect(config.socketPath == "/from/file/newsd.sock")
        #expect(config.maxFileBytes == 2048)
    }

    @Test("a malformed, missing or wrongly typed config file is an error naming the file")
    func badFiles() async throws {
        try folder.write("inbox: [unclosed\n  - : :", to: "broken.conf")
        await #expect { try await DaemonConfig.load(configFile: folder.file("broken.conf"), flags: [:], environment: [:]) }
            throws: { "\($0)".contains(folder.file("broken.conf")) }
        await #expect { try await DaemonConfig.load(configFile: folder.file("missing.conf"), flags: [:], environment: [:]) }
            throws: { "\($0)".contains(folder.file("missing.conf")) }
        try folder.write("max_file_bytes: lots\n", to: "typed.conf")
        await #expect { try await DaemonConfig.load(configFile: folder.file("typed.conf"), flags: [:], environment: [:]) }
            throws: { "\($0)".contains("max_file_bytes") && "\($0)".contains("'lots'") }
    }

    @Test("the shipped etc/newsd.conf loads and matches the built-in defaults")
    func shippedConfig() async throws {
        let shipped = SeedCorpus.projectRoot + "/etc/newsd.conf"
        let fromFile = try await DaemonConfig.load(configFile: shipped, flags: [:], environment: [:])
        let builtIn = try DaemonConfig.resolve(source: "defaults") { _ in nil }
        #expect(fromFile == builtIn)
    }
}
