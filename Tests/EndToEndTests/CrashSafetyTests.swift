import Foundation
import Synchronization
import NewsClient
import Testing
import TestSupport

/// newsd killed with SIGKILL again and again while files arrive: after it settles, the index
/// holds every inbox file exactly once, none extra, none missing.
@Suite("End to end: crash safety")
struct CrashSafetyTests {
    @Test("5,000 files dropped while newsd is killed at random moments at least 10 times", arguments: ArchiveBackend.allCases)
    func killLoop(backend: ArchiveBackend) async throws {
        let root = TemporaryFolder("newsd-crash")
        let inbox = root.folder("inbox")
        let staging = root.folder("staging")
        let state = root.file("state")
        let socket = root.file("newsd.sock")
        let client = NewsClient(socketPath: socket, timeoutSeconds: 10)
        var logs: [String] = []
        // One archive for every restart.
        let (archiveArguments, database) = try backend.daemonSetup()
        func launch() throws -> ChildProcess {
            logs.append(root.file("newsd-\(logs.count).log"))
            // Small batches: more transactions, so more kills land in the middle of one.
            return try RunningDaemon.launch(arguments: ["--inbox", inbox, "--state-dir", state, "--socket", socket] + archiveArguments,
                                            logPath: logs.last!, environment: ["NEWSD_BATCH_SIZE": "200"])
        }
        func waitReady(_ process: ChildProcess) async throws {
            let ready = try await waitUntil(timeout: .seconds(30)) { (try? client.status()) != nil || !process.isRunning }
            #expect(ready && process.isRunning, "newsd did not come back after a kill")
        }

        let total = 5000
        var process = try launch()
        try await waitReady(process)
        let writerFinished = Flag()
        let writer = Task.detached {
            defer { writerFinished.set() }
            for n in 0..<total {
                let text = "Crash test article \(n)\n\nBody of article \(n) with token crash\(n).\n"
                let folder = n % 10 == 0 ? "sub\(n % 7)" : ""
                if !folder.isEmpty { try? FileManager.default.createDirectory(atPath: inbox + "/" + folder, withIntermediateDirectories: true) }
                let name = (folder.isEmpty ? "" : folder + "/") + "\(n).txt"
                if n % 2 == 0 {
                    try text.write(toFile: inbox + "/" + name, atomically: false, encoding: .utf8)
                } else {
                    try text.write(toFile: staging + "/\(n).txt", atomically: false, encoding: .utf8)
                    rename(staging + "/\(n).txt", inbox + "/" + name)
                }
                if n % 4 == 0 { usleep(1000) }  // spread the drops over a few seconds of kills
            }
        }
        var kills = 0
        var generator = SystemRandomNumberGenerator()
        while kills < 10 || !writerFinished.isSet {
            try await Task.sleep(for: .milliseconds(Int.random(in: 20...250, using: &generator)))
            process.signal(SIGKILL)
            process.waitUntilExit()
            kills += 1
            process = try launch()
            try await waitReady(process)
        }
        try await writer.value
        #expect(kills >= 10)

        let settled = try await waitUntil(timeout: .seconds(120)) {
            guard let status = try? client.status() else { return false }
            return status.files == total && status.pending == 0 && status.state == "idle"
        }
        #expect(settled, "status: \(String(describing: try? client.status()))")
        let status = try client.status()
        #expect(status.articles == total && status.failed == 0)
        process.signal(SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)

        // Every restart opened the database cleanly: nothing was found damaged.
        for log in logs {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            #expect(!text.contains("index-corrupt"), "\(log)")
        }
        // The index holds exactly the inbox's files.
        let listed = if let database {
            try PostgresCluster.shared().sql("SELECT path FROM newsd_file WHERE host_id = '\(ArchiveBackend.testHost)'", database: database)
        } else {
            try runProcess("/usr/bin/sqlite3", [state + "/index.sqlite", "SELECT path FROM file"]).stdout
        }
        let indexed = listed.split(separator: "\n").map(String.init).sorted()
        let onDisk = (FileManager.default.enumerator(atPath: inbox)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".txt") }.sorted()
        #expect(onDisk.count == total)
        #expect(indexed == onDisk)
    }
}

/// A flag one task sets and another reads.
final class Flag: Sendable {
    private let state = Mutex(false)
    func set() { state.withLock { $0 = true } }
    var isSet: Bool { state.withLock { $0 } }
}
