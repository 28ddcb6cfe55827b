import Foundation
import NewsClient
import Testing
import TestSupport

/// Structured logging into a real systemd-journald, read back with `journalctl -o json`.
@Suite("End to end: journald", .enabled(if: Journald.isAvailable, Journald.unavailableReason))
struct JournalEndToEndTests {
    @Test("events become structured journal fields: NEWSD_EVENT, ARTICLE_PATH, ARTICLE_ID, ERROR, PRIORITY")
    func structuredFields() async throws {
        try await Journald.ensureRunning()
        let started = Date()
        let daemon = try await RunningDaemon(extraArguments: ["--log", "journal"])
        // After the start-up reconciliation: a file it finds is logged at debug level, one
        // inotify reports at info.
        #expect(try await daemon.waitForStatus { $0.state == "idle" })
        try "Journal test\n\nIndexed and logged.".write(toFile: daemon.inbox + "/good.txt", atomically: false, encoding: .utf8)
        try Data().write(to: URL(fileURLWithPath: daemon.inbox + "/empty.txt"))
        #expect(try await daemon.waitForStatus { $0.articles == 1 && $0.failed == 1 })
        let pid = daemon.process.processIdentifier

        var indexed: [[String: String]] = []
        #expect(try await waitUntil { indexed = try Journald.entries(pid: pid, since: started, matching: ["NEWSD_EVENT=indexed"]); return !indexed.isEmpty })
        let entry = try #require(indexed.first)
        #expect(entry["ARTICLE_PATH"] == "good.txt")
        #expect(entry["ARTICLE_ID"].flatMap(Int.init) != nil)
        #expect(entry["SYSLOG_IDENTIFIER"] == "newsd")
        #expect(entry["PRIORITY"] == "6")
        #expect(entry["MESSAGE"] == "indexed")

        var failed: [[String: String]] = []
        #expect(try await waitUntil { failed = try Journald.entries(pid: pid, since: started, matching: ["NEWSD_EVENT=failed"]); return !failed.isEmpty })
        #expect(failed.first?["ARTICLE_PATH"] == "empty.txt")
        #expect(failed.first?["ERROR"]?.contains("empty") == true)
        #expect(failed.first?["PRIORITY"] == "4")
        #expect(!daemon.log.contains("event=indexed"), "with --log journal nothing goes to stderr")
    }

    @Test("an alert match is a journal entry: NEWSD_EVENT=alert, ALERT=NAME, the article's id and path")
    func alertEntries() async throws {
        try await Journald.ensureRunning()
        let started = Date()
        let daemon = try await RunningDaemon(extraArguments: ["--log", "journal"])
        #expect(try daemon.newsctl("alert", "add", "dock-strike", "dock", "strike").status == 0)
        try "Dock strike spreads\n\nDock workers walked out at three ports.".write(toFile: daemon.inbox + "/strike.txt", atomically: false, encoding: .utf8)
        let pid = daemon.process.processIdentifier
        var alerts: [[String: String]] = []
        #expect(try await waitUntil { alerts = try Journald.entries(pid: pid, since: started, matching: ["NEWSD_EVENT=alert", "ALERT=dock-strike"]); return !alerts.isEmpty })
        #expect(alerts.count == 1)
        #expect(alerts.first?["ARTICLE_PATH"] == "strike.txt")
        #expect(alerts.first?["HEADLINE"] == "Dock strike spreads")
        #expect(alerts.first?["ARTICLE_ID"].flatMap(Int.init) != nil)
        #expect(alerts.first?["PRIORITY"] == "5")
    }

    @Test("with --log auto, newsd writes to the journal when JOURNAL_STREAM names its stderr")
    func journalStreamDetection() async throws {
        try await Journald.ensureRunning()
        let root = TemporaryFolder("newsd-journal-stream")
        let logPath = root.file("stderr.log")
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        var info = stat()
        #expect(stat(logPath, &info) == 0)
        let socket = root.file("newsd.sock")
        let started = Date()
        let process = try RunningDaemon.launch(
            arguments: ["--inbox", root.folder("inbox"), "--state-dir", root.file("state"), "--socket", socket],
            logPath: logPath, environment: ["JOURNAL_STREAM": "\(info.st_dev):\(info.st_ino)"])
        defer { process.terminate(); process.waitUntilExit() }
        #expect(try await waitUntil { (try? NewsClient(socketPath: socket).status()) != nil })
        var ready: [[String: String]] = []
        #expect(try await waitUntil {
            ready = try Journald.entries(pid: process.processIdentifier, since: started, matching: ["NEWSD_EVENT=ready"])
            return !ready.isEmpty
        })
        // The binary runs on jemalloc, linked in (glibc's malloc would leave it "glibc").
        #expect(ready.first?["ALLOCATOR"]?.hasPrefix("jemalloc ") == true, "\(ready.first?["ALLOCATOR"] ?? "no ALLOCATOR field")")
        #expect(try String(contentsOfFile: logPath, encoding: .utf8).isEmpty, "nothing on stderr")
    }
}
