import Foundation
import NewsClient
import NewsCore
import Testing
import TestSupport

/// What a user who may drop files could do to take newsd down or make it read outside the inbox.
@Suite("End to end: hostile inbox")
struct HostileInboxEndToEndTests {
    /// Sets a file's modification time to `seconds` since the epoch, without following a symlink.
    static func setModificationTime(_ path: String, seconds: Int) -> Bool {
        var times = [timespec(tv_sec: seconds, tv_nsec: 0), timespec(tv_sec: seconds, tv_nsec: 0)]
        return utimensat(AT_FDCWD, path, &times, AT_SYMLINK_NOFOLLOW) == 0
    }

    @Test("files dated 2300 and 1800 are indexed, at drop time and at every start", arguments: ArchiveBackend.allCases)
    func oddTimestamps(backend: ArchiveBackend) async throws {
        let daemon = RestartableDaemon("newsd-mtime", extraArguments: try backend.daemonArguments())
        let inbox = daemon.inbox
        try await daemon.start()
        let future = inbox + "/future.txt", ancient = inbox + "/ancient.txt"
        try "Future file\n\nLONDON, April 3 - A file from the far future, written in 2019.\n".write(toFile: future, atomically: false, encoding: .utf8)
        try "Ancient file\n\nLONDON, April 3 - A file from before the railway.\n".write(toFile: ancient, atomically: false, encoding: .utf8)
        #expect(try await daemon.waitForStatus { $0.articles == 2 }, "log:\n\(daemon.log)")
        // ext4 keeps these; a file system that cannot clamps them, which is fine too.
        #expect(Self.setModificationTime(future, seconds: 10_413_792_000))          // 2300-01-01
        #expect(Self.setModificationTime(ancient, seconds: -5_364_662_400))         // 1800-01-01
        // The attribute change makes newsd look at both files again (same text: "unchanged").
        #expect(try await waitUntil { ["future", "ancient"].allSatisfy { daemon.log.contains("article_path=\($0).txt event=unchanged") } },
                "log:\n\(daemon.log)")
        #expect(daemon.isRunning, "log:\n\(daemon.log)")
        #expect(try daemon.client.search("railway").total == 1)
        // A restart meets both files again in reconciliation.
        try await daemon.stop()
        try await daemon.start()
        #expect(try await daemon.waitForStatus { $0.articles == 2 && $0.state == "idle" }, "log:\n\(daemon.allLogs)")
        #expect(try daemon.client.search("future").total == 1)
        #expect(try daemon.client.status().failed == 0)
        #expect(try await daemon.stop() == 0)
    }

    @Test("a folder swapped for a symbolic link while paused: nothing outside is read, walked or shown")
    func swappedFolder() async throws {
        let outside = TemporaryFolder("newsd-outside")
        try "Outside secret\n\nThe bytes of a file outside the inbox.\n".write(toFile: outside.file("a.txt"), atomically: false, encoding: .utf8)
        outside.folder("deeper")
        try "Deeper secret\n\nAlso outside.\n".write(toFile: outside.file("deeper/b.txt"), atomically: false, encoding: .utf8)
        let daemon = try await RunningDaemon()
        let inbox = daemon.inbox
        try FileManager.default.createDirectory(atPath: inbox + "/a", withIntermediateDirectories: true)
        try "Inside article\n\nThe real text, kept in the inbox.\n".write(toFile: inbox + "/a/a.txt", atomically: false, encoding: .utf8)
        #expect(try await daemon.waitForStatus { $0.articles == 1 && $0.state == "idle" })
        let id = try daemon.client.search("inside").hits[0].id

        _ = try daemon.client.control(.pause)
        try FileManager.default.moveItem(atPath: inbox + "/a", toPath: inbox + "/a.old")
        try FileManager.default.createSymbolicLink(atPath: inbox + "/a", withDestinationPath: outside.path)
        // While paused the index still names a/a.txt: show --raw must not read through the link.
        do {
            let bytes = try daemon.client.rawArticle(id: id)
            Issue.record("show --raw answered \(bytes.count) bytes through a symbolic link")
        } catch {
            #expect("\(error)".contains("none of its files can be read"), "\(error)")
        }
        _ = try daemon.client.control(.resume)
        #expect(try await daemon.waitForStatus { $0.failed == 1 && $0.articles == 1 && $0.state == "idle" }, "log:\n\(daemon.log)")
        _ = try daemon.client.control(.reconcile)
        #expect(try await daemon.waitForStatus { $0.state == "idle" && $0.pending == 0 })
        #expect(try daemon.client.search("secret").total == 0, "nothing from outside is indexed")
        #expect(try daemon.client.search("inside").hits.first?.paths == ["a.old/a.txt"])
        #expect(try daemon.client.failures().failures.map { "\($0.path) \($0.code)" } == ["a symlink"])
        #expect(try daemon.client.rawArticle(id: id) == Array("Inside article\n\nThe real text, kept in the inbox.\n".utf8))
        try await daemon.stop()
    }

    @Test("a vanished inbox is an error, not an empty inbox; newsd watches it again when it is back")
    func vanishedInbox() async throws {
        let daemon = try await RunningDaemon()
        let inbox = daemon.inbox
        try "First article\n\nAbout harbours.\n".write(toFile: inbox + "/one.txt", atomically: false, encoding: .utf8)
        try "Second article\n\nAbout lighthouses.\n".write(toFile: inbox + "/two.txt", atomically: false, encoding: .utf8)
        #expect(try await daemon.waitForStatus { $0.articles == 2 && $0.state == "idle" })
        let away = daemon.root.file("inbox.away")

        // Moved away: the index is kept, status says why, a reconcile changes nothing.
        try FileManager.default.moveItem(atPath: inbox, toPath: away)
        #expect(try await daemon.waitForStatus { $0.state == "error" && ($0.error ?? "").contains("inbox gone") }, "log:\n\(daemon.log)")
        _ = try daemon.client.control(.reconcile)
        #expect(try await daemon.waitForStatus { $0.pending == 0 })
        #expect(try daemon.client.status().articles == 2)
        #expect(try daemon.client.search("lighthouses").total == 1)
        #expect(daemon.log.contains("event=inbox-gone"))

        // Back: watched again and reconciled; files dropped now are seen at once.
        try FileManager.default.moveItem(atPath: away, toPath: inbox)
        #expect(try await daemon.waitForStatus(timeout: .seconds(10)) { $0.state == "idle" && $0.error == nil }, "log:\n\(daemon.log)")
        try "Third article\n\nAbout ferries.\n".write(toFile: inbox + "/three.txt", atomically: false, encoding: .utf8)
        #expect(try await daemon.waitForStatus { $0.articles == 3 }, "log:\n\(daemon.log)")

        // Deleted (its files first, each leaving the index) and created anew: watched again.
        try FileManager.default.removeItem(atPath: inbox)
        #expect(try await daemon.waitForStatus { $0.state == "error" })
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: false)
        try "Fourth article\n\nAbout tides.\n".write(toFile: inbox + "/four.txt", atomically: false, encoding: .utf8)
        #expect(try await daemon.waitForStatus(timeout: .seconds(10)) { $0.state == "idle" && $0.articles == 1 }, "log:\n\(daemon.log)")
        #expect(try daemon.client.search("tides").total == 1)
        #expect(try await daemon.stop() == 0)
    }

    @Test("an unreadable folder keeps its articles and is a permission-denied failure until it is readable again")
    func unreadableFolder() async throws {
        guard getuid() == 0 else { Issue.record("needs root, to run newsd as another user"); return }
        // Root reads everything, so run newsd as `nobody`, as the systemd unit runs it as `newsd`.
        let daemon = RestartableDaemon("newsd-unreadable-folder", asNobody: true)
        let inbox = daemon.inbox
        try FileManager.default.createDirectory(atPath: inbox + "/world", withIntermediateDirectories: false)
        chmod(inbox + "/world", 0o755)
        try "World news\n\nA report on glaciers.\n".write(toFile: inbox + "/world/a.txt", atomically: false, encoding: .utf8)
        try await daemon.start()
        let client = daemon.client
        #expect(try await waitUntil { (try? client.status()).map { $0.articles == 1 && $0.state == "idle" } ?? false })
        chmod(inbox + "/world", 0o000)
        #expect(try await waitUntil { (try? client.status())?.failed == 1 })
        #expect(try client.failures().failures.map { "\($0.path) \($0.code)" } == ["world permission-denied"])
        _ = try client.control(.reconcile)
        #expect(try await waitUntil { (try? client.status()).map { $0.pending == 0 && $0.state == "idle" } ?? false })
        #expect(try client.status().articles == 1, "the folder's articles stay")
        #expect(try client.search("glaciers").total == 1)
        chmod(inbox + "/world", 0o755)
        #expect(try await waitUntil { (try? client.status())?.failed == 0 })
        #expect(try client.status().articles == 1)
        try await daemon.stop()
    }

    /// Connects to `socket` and returns the descriptor (-1 on failure).
    static func connectUnix(_ socket: String) -> Int32 {
        let fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (offset, byte) in socket.utf8.enumerated() { buffer[offset] = byte }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if connected != 0 { close(fd); return -1 }
        return fd
    }

    /// Reads what arrives on `fd` until the peer closes it or `timeout` passes.
    static func readAll(_ fd: Int32, timeout: Int32 = 5000) -> String {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, timeout)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { break }
            let got = read(fd, &buffer, buffer.count)
            if got < 0 && errno == EINTR { continue }
            if got <= 0 { break }
            bytes += buffer[0..<got]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test("idle connections cannot take newsd's descriptors: those over the cap get 503 at once, and ingest goes on")
    func connectionFlood() async throws {
        // 300 descriptors: newsd keeps 256 in reserve and serves at most 44 connections.
        let root = TemporaryFolder("newsd-flood")
        let inbox = root.folder("inbox")
        let socket = root.file("newsd.sock")
        let logPath = root.file("newsd.log")
        let process = try RunningDaemon.launchCommand(
            "/usr/bin/prlimit", ["--nofile=300:300", BuiltProducts.newsd, "--inbox", inbox, "--state-dir", root.file("state"), "--socket", socket],
            logPath: logPath)
        defer { process.terminate(); process.waitUntilExit() }
        let client = NewsClient(socketPath: socket)
        #expect(try await waitUntil { (try? client.status()) != nil })
        let connections = (0..<400).map { _ in Self.connectUnix(socket) }
        // Closed exactly once: a second close would hit whatever descriptor the number names by
        // then (another suite's socket in this process).
        var stillOpen = connections.filter { $0 >= 0 }
        defer { stillOpen.forEach { close($0) } }
        #expect(connections.allSatisfy { $0 >= 0 })
        // The last one is certainly over the cap: answered without a request, then closed.
        let refused = Self.readAll(connections.last!)
        #expect(refused.contains("503") && refused.contains("too-many-connections"), "\(refused)")
        try "Flood article\n\nWritten while 400 clients hold connections.\n".write(toFile: inbox + "/flood.txt", atomically: false, encoding: .utf8)
        let log = { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
        #expect(try await waitUntil { log().contains("article_path=flood.txt") }, "log:\n\(log().suffix(3000))")
        #expect(!log().contains("Too many open files"), "log:\n\(log().suffix(3000))")
        stillOpen.forEach { close($0) }
        stillOpen = []
        // newsd sees the 400 closes (and accepts and refuses whatever was still queued) before
        // the count is low again. (These sockets are close-on-exec: daemons that other tests
        // start meanwhile would otherwise hold copies, and the connections, open.)
        #expect(try await waitUntil(timeout: .seconds(90)) { (try? client.status())?.articles == 1 })
        #expect(try client.status().failed == 0)
    }

    /// Creates the folders of `relative` below `root` one at a time (the whole path may be longer than PATH_MAX).
    static func makeDeepFolders(_ relative: String, in root: String) -> Bool {
        var fd = open(root, O_RDONLY | O_DIRECTORY)
        for component in relative.split(separator: "/") {
            _ = mkdirat(fd, String(component), 0o755)
            let next = openat(fd, String(component), O_RDONLY | O_DIRECTORY)
            close(fd)
            guard next >= 0 else { return false }
            fd = next
        }
        close(fd)
        return true
    }

    /// Writes `text` to `name` inside the folder `relative` below `root`, opening one folder at a time.
    static func writeDeep(_ text: String, to name: String, in relative: String, below root: String) -> Bool {
        var fd = open(root, O_RDONLY | O_DIRECTORY)
        for component in relative.split(separator: "/") {
            let next = openat(fd, String(component), O_RDONLY | O_DIRECTORY)
            close(fd)
            guard next >= 0 else { return false }
            fd = next
        }
        let file = openat(fd, name, O_CREAT | O_WRONLY | O_TRUNC, 0o644)
        close(fd)
        guard file >= 0 else { return false }
        _ = text.withCString { write(file, $0, strlen($0)) }
        close(file)
        return true
    }

    @Test("files deeper than PATH_MAX are indexed at start and when dropped, never skipped without a trace")
    func deepPaths() async throws {
        let deep = (0..<24).map { _ in String(repeating: "d", count: 200) }.joined(separator: "/")
        let daemon = try await RunningDaemon { inbox in
            #expect(Self.makeDeepFolders(deep, in: inbox))
            #expect(Self.writeDeep("Deep article\n\nAbout abyssal plains.\n", to: "first.txt", in: deep, below: inbox))
        }
        // GNU rm walks deep trees one folder at a time; FileManager cannot remove them.
        defer { _ = try? runProcess("/bin/rm", ["-rf", daemon.inbox + "/" + String(deep.prefix(200))]) }
        #expect((daemon.inbox + "/" + deep).utf8.count > Int(PATH_MAX))
        #expect(try await daemon.waitForStatus { $0.articles == 1 && $0.state == "idle" }, "log:\n\(daemon.log.suffix(2000))")
        #expect(Self.writeDeep("Deeper article\n\nAbout hadal trenches.\n", to: "second.txt", in: deep, below: daemon.inbox))
        #expect(try await daemon.waitForStatus { $0.articles == 2 }, "log:\n\(daemon.log.suffix(2000))")
        #expect(try daemon.client.search("trenches").hits.first?.path == deep + "/second.txt")
        #expect(try daemon.client.status().failed == 0)
        try await daemon.stop()
    }

    @Test("a client that stops sending in the middle of a request is closed at once, not after the idle timeout")
    func cutShortRequest() async throws {
        let daemon = try await RunningDaemon()
        for partial in ["GET /v1/status HTTP/1.1\r\nHost: ne", "GET /v1/sea", "", "POST /v1/pause HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc"] {
            let fd = Self.connectUnix(daemon.socket)
            try #require(fd >= 0)
            _ = partial.withCString { write(fd, $0, strlen($0)) }
            shutdown(fd, Int32(SHUT_WR))
            let started = ContinuousClock.now
            _ = Self.readAll(fd, timeout: 20_000)
            close(fd)
            #expect(ContinuousClock.now - started < .seconds(5), "\(partial.debugDescription) held its connection")
        }
        // A whole request whose client half-closes still gets its answer.
        let fd = Self.connectUnix(daemon.socket)
        _ = "GET /v1/status HTTP/1.1\r\nHost: newsd\r\n\r\n".withCString { write(fd, $0, strlen($0)) }
        shutdown(fd, Int32(SHUT_WR))
        #expect(Self.readAll(fd).hasPrefix("HTTP/1.1 200"))
        close(fd)
        try await daemon.stop()
    }
}
