import Foundation
import NewsClient
import Testing
import TestSupport

/// Every kind of bad input the inbox can hold: recorded as a failure with its reason,
/// logged once, counted, listed by `newsctl failures`, retried when the file changes,
/// and never costing what was already indexed.
@Suite("End to end: bad input")
struct BadInputEndToEndTests {
    func failures(_ daemon: RunningDaemon) throws -> [String: FailureInfo] {
        Dictionary(uniqueKeysWithValues: try daemon.client.failures().failures.map { ($0.path, $0) })
    }

    @Test("each bad file is a failure with path and reason; good files are unaffected", arguments: ArchiveBackend.allCases)
    func badFiles(backend: ArchiveBackend) async throws {
        let daemon = try await RunningDaemon(extraArguments: ["--max-file-bytes", "4000000"] + backend.daemonArguments())
        let inbox = daemon.inbox
        try "Good article\n\nIt stays searchable.".write(toFile: inbox + "/good.txt", atomically: false, encoding: .utf8)
        #expect(try await daemon.waitForStatus { $0.articles == 1 }, "log:\n\(daemon.log)")

        try Data().write(to: URL(fileURLWithPath: inbox + "/empty.txt"))
        try " \n\t\n  ".write(toFile: inbox + "/blank.txt", atomically: false, encoding: .utf8)
        try Data([0x48, 0x65, 0x00, 0x01, 0xFF]).write(to: URL(fileURLWithPath: inbox + "/binary.txt"))
        try Data(repeating: 0x61, count: 4_000_001).write(to: URL(fileURLWithPath: inbox + "/huge.txt"))
        #expect(mkfifo(inbox + "/fifo.txt", 0o644) == 0)
        try FileManager.default.createSymbolicLink(atPath: inbox + "/link.txt", withDestinationPath: "/etc/hostname")
        let socketFD = bindUnixSocket(at: inbox + "/socket.txt")
        defer { if socketFD >= 0 { close(socketFD) } }
        let device = mknod(inbox + "/device.txt", S_IFCHR | 0o644, dev_t((1 << 8) | 3)) == 0  // makedev(1, 3): /dev/null's numbers
        try Data("A name with a\nline break\n\nbody".utf8).write(to: URL(fileURLWithPath: inbox + "/two\nlines.txt"))
        let rawName = Array((inbox + "/caf").utf8) + [0xE9] + Array(".txt".utf8) + [0]
        let fd = rawName.withUnsafeBufferPointer { open(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), O_CREAT | O_WRONLY, 0o644) }
        #expect(fd >= 0)
        _ = "Latin name\n\nbody".withCString { write(fd, $0, strlen($0)) }
        close(fd)

        var expected: [String: String] = [
            "empty.txt": "empty", "blank.txt": "whitespace-only", "binary.txt": "binary", "huge.txt": "too-large",
            "fifo.txt": "not-regular", "link.txt": "symlink", "socket.txt": "not-regular",
            #"two\nlines.txt"#: "bad-name", #"caf\xE9.txt"#: "bad-name",
        ]
        if device { expected["device.txt"] = "not-regular" }
        #expect(try await daemon.waitForStatus { $0.failed == expected.count }, "log:\n\(daemon.log)")
        let recorded = try failures(daemon)
        for (path, code) in expected {
            #expect(recorded[path]?.code == code, "\(path)")
            #expect((recorded[path]?.reason.count ?? 0) > 10, "\(path) has a reason")
        }
        #expect(recorded["huge.txt"]?.reason.contains("4000001 bytes") == true)
        #expect(try daemon.client.search("searchable").total == 1, "what was indexed stays")
        #expect(try daemon.client.status().articles == 1)

        // Logged once each (the log lines follow the commit the status call already sees).
        let failureLines = { daemon.log.split(separator: "\n").filter { $0.contains("event=failed") }.count }
        #expect(try await waitUntil { failureLines() >= expected.count }, "log:\n\(daemon.log)")
        for path in ["empty.txt", "binary.txt", "fifo.txt"] {
            #expect(daemon.log.components(separatedBy: "event=failed").filter { $0.contains("article_path=\(path)") }.count == 1, "\(path)")
        }

        // newsctl failures lists them and exits 1.
        let listed = try daemon.newsctl("failures")
        #expect(listed.status == 1)
        #expect(listed.stdout.contains("binary.txt: the file is binary"))

        // Retried when the file changes: fixed files are indexed and leave the failure list.
        try "Fixed now\n\nThe empty file got words.".write(toFile: inbox + "/empty.txt", atomically: false, encoding: .utf8)
        try FileManager.default.removeItem(atPath: inbox + "/binary.txt")
        try FileManager.default.moveItem(atPath: inbox + "/two\nlines.txt", toPath: inbox + "/two-lines.txt")
        #expect(try await daemon.waitForStatus { $0.failed == expected.count - 3 && $0.articles == 3 }, "log:\n\(daemon.log)")
        #expect(try daemon.client.search("words").hits.map { backend.local($0.path) } == ["empty.txt"])
        #expect(try daemon.client.search("break").hits.map { backend.local($0.path) } == ["two-lines.txt"])
    }

    @Test("invalid UTF-8 is indexed as Windows-1252 and says so in the log")
    func windows1252() async throws {
        let daemon = try await RunningDaemon()
        // "Café owners" / "Prices rose – again" in Windows-1252.
        let bytes: [UInt8] = Array("Caf".utf8) + [0xE9] + Array(" owners\n\nPrices rose ".utf8) + [0x96] + Array(" again.".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: daemon.inbox + "/legacy.txt"))
        #expect(try await waitUntil { try daemon.client.search("café").total == 1 })
        #expect(try await waitUntil { daemon.log.contains("encoding=windows-1252") })
    }

    @Test("a single line of several megabytes is indexed without trouble")
    func longLine() async throws {
        let daemon = try await RunningDaemon()
        var text = "Headline\n\n"
        for n in 0..<400_000 { text += "word\(n % 1000) " }
        text += "needleattheend"
        try text.write(toFile: daemon.inbox + "/long.txt", atomically: false, encoding: .utf8)
        #expect(text.utf8.count > 3_000_000)
        // The point is that such a line is indexed at all, not how fast: newsd reads files at a
        // lower priority than everything else the whole suite runs beside it (3 s alone, over a
        // minute on a fresh machine with every other test running).
        #expect(try await waitUntil(timeout: .seconds(300)) { try daemon.client.search("needleattheend").total == 1 }, "log:\n\(daemon.log)")
    }

    @Test("a file newsd may not read is a failure, and is indexed once it is made readable")
    func unreadable() async throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
            Issue.record("needs root and setpriv to run newsd as an unprivileged user"); return
        }
        // Root reads everything, so run newsd as `nobody`, as the systemd unit runs it as `newsd`.
        let root = TemporaryFolder("newsd-unreadable")
        chmod(root.path, 0o777)
        let inbox = root.folder("inbox")
        chmod(inbox, 0o777)
        try "Secret\n\nNot for newsd.".write(toFile: inbox + "/secret.txt", atomically: false, encoding: .utf8)
        chmod(inbox + "/secret.txt", 0o600)
        let socket = root.file("newsd.sock")
        let process = try RunningDaemon.launchCommand(
            "/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", BuiltProducts.newsd,
                                 "--inbox", inbox, "--state-dir", root.file("state"), "--socket", socket],
            logPath: "/dev/null")
        defer { process.terminate(); process.waitUntilExit() }
        let client = NewsClient(socketPath: socket)
        #expect(try await waitUntil { (try? client.status())?.failed == 1 })
        #expect(try client.failures().failures.first?.code == "permission-denied")
        chmod(inbox + "/secret.txt", 0o644)  // IN_ATTRIB: retried
        #expect(try await waitUntil { (try? client.status()).map { $0.failed == 0 && $0.articles == 1 } ?? false })
    }
}
