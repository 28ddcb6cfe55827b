import Foundation
import Synchronization
import NewsClient
import Testing
import TestSupport

/// The real newsd binary: ingest through inotify, the socket's rules, and clean shutdown.
@Suite("End to end: daemon behaviour")
struct DaemonEndToEndTests {
    func hits(_ daemon: RunningDaemon, _ query: String, on backend: ArchiveBackend = .embedded) throws -> [String] {
        try daemon.client.search(query).hits.map { backend.local($0.path) }
    }

    @Test("written, moved-in, changed, moved-out and ignored files", arguments: ArchiveBackend.allCases)
    func inboxEvents(backend: ArchiveBackend) async throws {
        let daemon = try await RunningDaemon(extraArguments: try backend.daemonArguments())
        let hits = { (query: String) throws -> [String] in try self.hits(daemon, query, on: backend) }
        let drop = TemporaryFolder("newsd-drop")
        try "Harbour reopens\n\nShips return to the harbour after the storm.".write(toFile: daemon.inbox + "/a.txt", atomically: false, encoding: .utf8)
        #expect(try await waitUntil { try hits("harbour") == ["a.txt"] })

        try drop.write("Election night\n\nVotes were counted until dawn.", to: "b.txt")
        try FileManager.default.moveItem(atPath: drop.file("b.txt"), toPath: daemon.inbox + "/b.txt")
        #expect(try await waitUntil { try hits("votes") == ["b.txt"] })

        try "Harbour closes\n\nA second storm shuts the port.".write(toFile: daemon.inbox + "/a.txt", atomically: false, encoding: .utf8)
        #expect(try await waitUntil { try hits("port") == ["a.txt"] })
        #expect(try hits("ships").isEmpty)

        try FileManager.default.moveItem(atPath: daemon.inbox + "/b.txt", toPath: drop.file("b-out.txt"))
        #expect(try await waitUntil { try hits("votes").isEmpty })

        // Temporary names are never read; the final rename is.
        try "Draft story\n\nStill being written.".write(toFile: daemon.inbox + "/c.txt.part", atomically: false, encoding: .utf8)
        try "Draft story\n\nStill being written.".write(toFile: daemon.inbox + "/.hidden.txt", atomically: false, encoding: .utf8)
        try FileManager.default.moveItem(atPath: daemon.inbox + "/c.txt.part", toPath: daemon.inbox + "/c.txt")
        #expect(try await waitUntil { try hits("draft") == ["c.txt"] })
        let status = try daemon.client.status()
        #expect(status.articles == 2 && status.files == 2 && status.failed == 0)
    }

    @Test("bad files are counted as failures and do not stop ingest", arguments: ArchiveBackend.allCases)
    func badFiles(backend: ArchiveBackend) async throws {
        let daemon = try await RunningDaemon(extraArguments: ["--max-file-bytes", "1000"] + backend.daemonArguments())
        try Data().write(to: URL(fileURLWithPath: daemon.inbox + "/empty.txt"))
        try Data([0x48, 0x00, 0x49]).write(to: URL(fileURLWithPath: daemon.inbox + "/binary.txt"))
        try String(repeating: "big ", count: 500).write(toFile: daemon.inbox + "/huge.txt", atomically: false, encoding: .utf8)
        try "Good one\n\nStill indexed.".write(toFile: daemon.inbox + "/good.txt", atomically: false, encoding: .utf8)
        #expect(try await daemon.waitForStatus { $0.failed == 3 && $0.articles == 1 }, "log:\n\(daemon.log)")
        // The log line follows the commit that the status call already sees: wait for it.
        #expect(try await waitUntil { daemon.log.contains("event=failed") && daemon.log.contains("huge.txt") })
    }

    @Test("a stale socket is replaced; a live one is never taken over")
    func socketOwnership() async throws {
        let first = try await RunningDaemon()
        // A second daemon on the same socket (own state folder) must refuse and exit non-zero.
        let other = TemporaryFolder("newsd-second")
        let log = other.file("log")
        let second = try RunningDaemon.launch(arguments: ["--inbox", other.folder("inbox"), "--state-dir", other.file("state"), "--socket", first.socket], logPath: log)
        second.waitUntilExit()
        #expect(second.terminationStatus != 0)
        #expect(try String(contentsOfFile: log, encoding: .utf8).contains("another process is already serving the socket \(first.socket)"))
        #expect((try? first.client.status()) != nil, "the first daemon keeps its socket")

        // SIGKILL leaves the socket file behind; the next start replaces it.
        #expect(try await first.stop(signal: SIGKILL) != 0)
        #expect(FileManager.default.fileExists(atPath: first.socket))
        let restarted = try RunningDaemon.launch(arguments: ["--inbox", first.inbox, "--state-dir", first.stateDir, "--socket", first.socket], logPath: log)
        defer { restarted.signal(SIGTERM); restarted.waitUntilExit() }
        let client = first.client
        #expect(try await waitUntil { (try? client.status()) != nil })
        #expect(try String(contentsOfFile: log, encoding: .utf8).contains("stale-socket"))
    }

    @Test("the memory searches took goes back once none has run for a while, once per quiet spell; searches work after it")
    func memoryGoesBackAfterSearches() async throws {
        let daemon = try await RunningDaemon { inbox in
            for (name, text) in [("quay.txt", "Quay closed\n\nThe harbour quay closed for repairs."),
                                 ("tide.txt", "Spring tide\n\nThe harbour expects a spring tide tonight.")] {
                try text.write(toFile: inbox + "/" + name, atomically: false, encoding: .utf8)
            }
        }
        #expect(try await daemon.waitForStatus(timeout: .seconds(60)) { $0.articles == 2 && $0.state == "idle" })
        let releases = { daemon.log.components(separatedBy: "event=search-memory-released").count - 1 }
        #expect(releases() == 0, "nothing to hand back before a search")
        #expect(try daemon.client.search("harbour").total == 2)
        #expect(try await daemon.waitUntil { releases() == 1 })
        // The readers closed with their memory open again for the next search.
        #expect(try daemon.client.search("harbour tide").total == 1)
        #expect(try await daemon.waitUntil { releases() == 2 })
        #expect(try daemon.client.status().articles == 2)
    }

    @Test("SIGTERM and SIGINT stop cleanly and remove the socket", arguments: [SIGTERM, SIGINT])
    func cleanShutdown(signal: Int32) async throws {
        let daemon = try await RunningDaemon()
        var info = stat()
        #expect(stat(daemon.socket, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o660)
        #expect(try await daemon.stop(signal: signal) == 0)
        #expect(!FileManager.default.fileExists(atPath: daemon.socket))
        #expect(daemon.log.contains("event=stopped"))
    }

    @Test("malformed and oversized requests get a 4xx JSON error; the server keeps serving")
    func badRequests() async throws {
        let daemon = try await RunningDaemon()
        let http = daemon.client.http
        func errorBody(_ reply: HTTPReply) throws -> APIErrorResponse {
            try JSONDecoder().decode(APIErrorResponse.self, from: Data(reply.body))
        }
        let missing = try http.get("/v1/search")
        #expect(try missing.status == 400 && (errorBody(missing).error.code) == "missing-query")
        let badLimit = try http.get("/v1/search?q=x&limit=-3")
        #expect(try badLimit.status == 400 && (errorBody(badLimit).error.message).contains("limit must be"))
        let syntax = try http.get("/v1/search?q=%22open")
        #expect(try syntax.status == 400 && (errorBody(syntax).error.column) == 1)
        let unknown = try http.get("/v1/nothing-here")
        #expect(try unknown.status == 404 && (errorBody(unknown).error.code) == "not-found")
        let long = try http.get("/v1/search?q=" + String(repeating: "a", count: 5000))
        #expect(try long.status == 414 && (errorBody(long).error.code) == "query-too-long")
        let garbage = try http.send("\u{1}\u{2} NOT HTTP\r\n\r\n")
        #expect(try garbage.status == 400 && errorBody(garbage).error.code == "bad-request")
        let hugeHeader = try http.send("GET /v1/status HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "b", count: 200_000))\r\n\r\n")
        #expect(try hugeHeader.status == 400 && errorBody(hugeHeader).error.message.contains("too large"))
        #expect(try daemon.client.status().state == "idle", "still serving after bad requests")
    }

    @Test("newsctl reports an unreachable daemon in one line with exit status 3")
    func unreachable() throws {
        let folder = TemporaryFolder("newsd-nodaemon")
        // No retry loop: one connection attempt, one line, exit 3 (timing is the benchmarks' business).
        let result = try runProcess(BuiltProducts.newsctl, ["--socket", folder.file("none.sock"), "status"])
        #expect(result.status == 3)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.contains(folder.file("none.sock")))
    }

    @Test("a bad config file stops newsd with a message naming it")
    func badConfig() throws {
        let folder = TemporaryFolder("newsd-badconf")
        try folder.write("max_file_bytes: lots\n", to: "newsd.conf")
        let result = try runProcess(BuiltProducts.newsd, ["--config", folder.file("newsd.conf")])
        #expect(result.status == 78)
        #expect(result.stderr.contains("max_file_bytes") && result.stderr.contains(folder.file("newsd.conf")))
    }

    @Test("newsctl usage and syntax errors exit 2")
    func usageErrors() async throws {
        let daemon = try await RunningDaemon()
        let syntax = try daemon.newsctl("find", "\"unclosed")
        #expect(syntax.status == 2)
        #expect(syntax.stderr.contains("unclosed quote at column 1"))
        #expect(try daemon.newsctl("find", "--limit", "0", "x").status == 2)
        #expect(try daemon.newsctl("frobnicate").status == 2)
    }

    @Test("the socket is created owner-and-group only, whatever the caller's umask: never wider, not even for a moment")
    func socketModeFromTheStart() async throws {
        let root = TemporaryFolder("newsd-umask")
        let socket = root.file("newsd.sock")
        // A watcher on its own thread looks at the socket the moment it appears.
        let firstMode = Mutex<mode_t?>(nil)
        let watcher = Thread {
            let deadline = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < deadline {
                var info = stat()
                if lstat(socket, &info) == 0 { firstMode.withLock { $0 = info.st_mode & 0o777 }; return }
            }
        }
        watcher.start()
        let process = try RunningDaemon.launchCommand(
            "/bin/sh", ["-c", "umask 000; exec \"$0\" \"$@\"", BuiltProducts.newsd, "--inbox", root.folder("inbox"),
                        "--state-dir", root.file("state"), "--socket", socket],
            logPath: root.file("newsd.log"))
        defer { process.terminate(); process.waitUntilExit() }
        #expect(try await waitUntil(timeout: .seconds(20)) { firstMode.withLock { $0 } != nil })
        #expect(firstMode.withLock { $0 } == 0o660)
        #expect(try await waitUntil { (try? NewsClient(socketPath: socket).status()) != nil })
    }
}
