import Foundation
import NewsClient
import Testing
import TestSupport

/// `newsctl watch` and alerts against the real binaries (#14).
@Suite("End to end: watch and alerts")
struct StandingQueryEndToEndTests {
    @Test("watch prints an article dropped after it started, not one dropped before, nor one that does not match", arguments: ArchiveBackend.allCases)
    func watchSeesOnlyNewMatches(backend: ArchiveBackend) async throws {
        let daemon = try await RunningDaemon(extraArguments: try backend.daemonArguments())
        try "Harbour pilots strike\n\nPilots at the harbour stopped work on Monday."
            .write(toFile: daemon.inbox + "/before.txt", atomically: false, encoding: .utf8)
        #expect(try await waitUntil { try daemon.client.search("pilots").total == 1 })

        let output = daemon.root.file("watch.out")
        let watch = try ChildProcess(BuiltProducts.newsctl, ["watch", "harbour", "pilots", "-tugboat"],
                                     environment: ChildProcess.environment(["NEWSD_SOCKET": daemon.socket, "NO_COLOR": "1"]), outputPath: output)
        defer { watch.terminate(); watch.waitUntilExit() }
        func printed() -> String { (try? String(contentsOfFile: output, encoding: .utf8)) ?? "" }
        #expect(try await waitUntil { printed().contains("watching for \u{201C}harbour pilots -tugboat\u{201D}") || !watch.isRunning },
                "\(printed())")

        try "Harbour pilots return\n\nThe harbour pilots ended their strike after a pay deal."
            .write(toFile: daemon.inbox + "/after.txt", atomically: false, encoding: .utf8)
        try "Harbour pilots and the tugboat\n\nA tugboat helped the harbour pilots."
            .write(toFile: daemon.inbox + "/excluded.txt", atomically: false, encoding: .utf8)
        try "Wheat harvest\n\nFarmers reported a record wheat harvest."
            .write(toFile: daemon.inbox + "/unrelated.txt", atomically: false, encoding: .utf8)
        #expect(try await waitUntil { printed().contains("Harbour pilots return") }, "\(printed())\n\(daemon.log)")
        #expect(try await waitUntil { try daemon.client.search("wheat OR tugboat").total == 2 })
        let text = printed()
        #expect(text.contains("after.txt · id "), "\(text)")  // `test:after.txt` on a shared archive
        #expect(!text.contains("Harbour pilots strike") && !text.contains("Harbour pilots and the tugboat") && !text.contains("Wheat"), "\(text)")
        #expect(watch.isRunning)
    }

    @Test("watch --json prints one hit per line; a bad query is refused at once", arguments: ArchiveBackend.allCases)
    func watchJSONAndBadQuery(backend: ArchiveBackend) async throws {
        let daemon = try await RunningDaemon(extraArguments: try backend.daemonArguments())
        let bad = try daemon.newsctl("watch", "title:(")
        #expect(bad.status == 2 && bad.stderr.contains("unclosed parenthesis"), "\(bad.stderr)")

        let output = daemon.root.file("watch.jsonl")
        let errors = daemon.root.file("watch.err")
        let outFD = open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        let errFD = open(errors, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        defer { close(outFD); close(errFD) }
        let watch = try ChildProcess(BuiltProducts.newsctl, ["watch", "--json", "ferry"],
                                     environment: ChildProcess.environment(["NEWSD_SOCKET": daemon.socket]), stdoutFD: outFD, stderrFD: errFD)
        defer { watch.terminate(); watch.waitUntilExit() }
        #expect(try await waitUntil { ((try? String(contentsOfFile: errors, encoding: .utf8)) ?? "").contains("watching for") })
        for n in 1...3 {
            try "Ferry \(n) sails\n\nThe ferry number \(n) left on time."
                .write(toFile: daemon.inbox + "/ferry\(n).txt", atomically: false, encoding: .utf8)
        }
        var lines: [String] = []
        // Generous: beside the whole suite, a debug build on 2 cores can take seconds per batch.
        #expect(try await waitUntil(timeout: .seconds(90)) {
            lines = ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
            return lines.count >= 3
        }, "\(lines)\n\(daemon.log)")
        let hits = try lines.map { try JSONDecoder().decode(SearchHit.self, from: Data($0.utf8)) }
        #expect(Set(hits.map { backend.local($0.path) }) == ["ferry1.txt", "ferry2.txt", "ferry3.txt"])
        #expect(hits.allSatisfy { !$0.highlights.isEmpty }, "the snippet marks where the query matched")
    }

    @Test("stopping newsd ends a running watch at once, and newsctl says why and exits 3", arguments: ArchiveBackend.allCases)
    func stopEndsWatch(backend: ArchiveBackend) async throws {
        let daemon = try await RunningDaemon(extraArguments: try backend.daemonArguments())
        let output = daemon.root.file("watch.out")
        let watch = try ChildProcess(BuiltProducts.newsctl, ["watch", "gale"],
                                     environment: ChildProcess.environment(["NEWSD_SOCKET": daemon.socket, "NO_COLOR": "1"]), outputPath: output)
        defer { if watch.isRunning { watch.terminate(); watch.waitUntilExit() } }
        func printed() -> String { (try? String(contentsOfFile: output, encoding: .utf8)) ?? "" }
        #expect(try await waitUntil { printed().contains("watching for") || !watch.isRunning }, "\(printed())")
        #expect(try await daemon.stop() == 0)
        #expect(try await waitUntil { !watch.isRunning })
        #expect(watch.terminationStatus == 3)
        #expect(printed().contains("newsd is stopping, which ends every watch"), "\(printed())")
        #expect(daemon.log.contains("event=stopped"))
    }

    /// An alert command that appends its input to a file per alert and article: a repeat shows
    /// as a second line.
    private static func recordingCommand(in root: TemporaryFolder) throws -> (command: String, folder: String) {
        let folder = root.folder("alerts-out")
        let script = root.file("record-alert.sh")
        try "#!/bin/sh\ncat >> '\(folder)'/\"$NEWSD_ALERT-$NEWSD_ARTICLE_ID.jsonl\"\n".write(toFile: script, atomically: true, encoding: .utf8)
        // Run through sh, not executed itself: a file written a moment ago may still be open
        // for writing in a child another test is spawning, and exec would fail with ETXTBSY.
        return ("sh '\(script)'", folder)
    }

    /// The complete lines recorded per file; a file the command has created but not yet
    /// written a whole line to is not there yet.
    private static func recorded(_ folder: String) -> [String: [String]] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return Dictionary(uniqueKeysWithValues: names.compactMap { name in
            let text = (try? String(contentsOfFile: folder + "/" + name, encoding: .utf8)) ?? ""
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
            return lines.isEmpty ? nil : (name, lines)
        })
    }

    @Test("an alert fires exactly once per matching article across a restart; files dropped while newsd was down fire it at start", arguments: ArchiveBackend.allCases)
    func alertsExactlyOnceAcrossRestart(backend: ArchiveBackend) async throws {
        let root = TemporaryFolder("newsd-alert-restart")
        let (command, folder) = try Self.recordingCommand(in: root)
        let daemon = RestartableDaemon("newsd-alert-restart-daemon", extraArguments: try backend.daemonArguments(), environment: ["NEWSD_ALERT_COMMAND": command])
        try await daemon.start()
        let added = try runProcess(BuiltProducts.newsctl, ["alert", "add", "port-strike", "port", "strike", "-rumour"],
                                   environment: ["NEWSD_SOCKET": daemon.socket])
        #expect(added.status == 0 && added.stdout.contains("added alert 'port-strike': port strike -rumour"), "\(added.stdout)\(added.stderr)")

        try "Port strike begins\n\nWorkers at the port began a strike at dawn."
            .write(toFile: daemon.inbox + "/one.txt", atomically: false, encoding: .utf8)
        try "Port strike rumour\n\nA rumour of a port strike spread."
            .write(toFile: daemon.inbox + "/rumour.txt", atomically: false, encoding: .utf8)
        let client = daemon.client
        #expect(try await waitUntil { Self.recorded(folder).count == 1 }, "\(daemon.log)")
        let oneId = try client.article(path: "one.txt").id
        let first = try #require(Self.recorded(folder)["port-strike-\(oneId).jsonl"])
        let event = try JSONDecoder().decode(AlertEvent.self, from: Data(first[0].utf8))
        #expect(event.alert == "port-strike" && event.query == "port strike -rumour" && backend.local(event.article.path) == "one.txt"
                && event.article.title == "Port strike begins")

        #expect(try await daemon.stop() == 0)
        try "Port strike widens\n\nThe port strike spread to the rail yard."
            .write(toFile: daemon.inbox + "/two.txt", atomically: false, encoding: .utf8)
        try await daemon.start()
        #expect(try await waitUntil { Self.recorded(folder).count == 2 }, "reconciliation at start fires the alert for two.txt")
        let twoId = try client.article(path: "two.txt").id

        // Edited, the article keeps its id and has fired already; a copy is no new article.
        try "Port strike begins\n\nWorkers at the port began a strike at dawn, and more joined at noon."
            .write(toFile: daemon.inbox + "/one.txt", atomically: false, encoding: .utf8)
        try FileManager.default.copyItem(atPath: daemon.inbox + "/two.txt", toPath: daemon.inbox + "/two-copy.txt")
        #expect(try await waitUntil { try client.search("noon").total == 1 })
        try "Port strike ends\n\nThe port strike ended with a deal."
            .write(toFile: daemon.inbox + "/three.txt", atomically: false, encoding: .utf8)
        #expect(try await waitUntil { Self.recorded(folder).count == 3 })
        let threeId = try client.article(path: "three.txt").id
        #expect(try await daemon.stop() == 0)

        let files = Self.recorded(folder)
        #expect(Set(files.keys) == ["port-strike-\(oneId).jsonl", "port-strike-\(twoId).jsonl", "port-strike-\(threeId).jsonl"])
        #expect(files.values.allSatisfy { $0.count == 1 }, "no match announced twice: \(files)")
        try await daemon.start()
        let list = try runProcess(BuiltProducts.newsctl, ["alert", "list"], environment: ["NEWSD_SOCKET": daemon.socket])
        #expect(list.stdout.hasPrefix("port-strike: port strike -rumour  (3 matches, last "), "\(list.stdout)")
        let shown = try client.alert(name: "port-strike")
        let shownPaths = shown.hits.map { backend.local($0.path) }
        #expect(shownPaths == ["three.txt", "two-copy.txt", "one.txt"] || shownPaths == ["three.txt", "two.txt", "one.txt"])
        #expect(Self.recorded(folder).values.allSatisfy { $0.count == 1 }, "a restart announced nothing again")
        _ = try await daemon.stop()
    }

    @Test("a failing or hanging alert command is logged and stopped; indexing goes on", arguments: ArchiveBackend.allCases)
    func failingAlertCommand(backend: ArchiveBackend) async throws {
        let daemon = try await RunningDaemon(extraArguments: try backend.daemonArguments(), environment: ["NEWSD_ALERT_COMMAND": "echo refusing >&2; sleep 30", "NEWSD_ALERT_TIMEOUT": "1"])
        #expect(try daemon.newsctl("alert", "add", "gale", "gale").status == 0)
        try "Gale warning\n\nA gale is expected tonight.".write(toFile: daemon.inbox + "/gale.txt", atomically: false, encoding: .utf8)
        #expect(try await waitUntil { daemon.log.contains("event=alert-command-failed") })
        #expect(daemon.log.contains("error_code=timed-out") && daemon.log.contains("refusing"), "\(daemon.log)")
        try "Calm returns\n\nThe wind dropped.".write(toFile: daemon.inbox + "/calm.txt", atomically: false, encoding: .utf8)
        #expect(try await waitUntil { try daemon.client.search("wind").total == 1 })

        let bad = try daemon.newsctl("alert", "add", "gale", "storm")
        #expect(bad.status == 2 && bad.stderr.contains("an alert named 'gale' exists already"), "\(bad.stderr)")
        let badName = try daemon.newsctl("alert", "add", "two words", "storm")
        #expect(badName.status == 2 && badName.stderr.contains("alert names use letters"), "\(badName.stderr)")
        let badQuery = try daemon.newsctl("alert", "add", "storm", "NEAR(")
        #expect(badQuery.status == 2, "\(badQuery.stderr)")
        let missing = try daemon.newsctl("alert", "remove", "nosuch")
        #expect(missing.status == 2 && missing.stderr.contains("no alert named 'nosuch'"), "\(missing.stderr)")
    }
}
