import Foundation
import NewsClient
import Testing
import TestSupport

/// Tests that change machine-wide settings (inotify sysctls, a tmpfs mount). They would
/// disturb other tests running at the same time, so `scripts/test` runs them alone, in a
/// second pass with NEWSD_EXCLUSIVE_TESTS=1; they need root.
@Suite("End to end: system limits (run alone)", .serialized,
       .enabled(if: ProcessInfo.processInfo.environment["NEWSD_EXCLUSIVE_TESTS"] == "1",
                "changes machine-wide inotify limits and mounts; scripts/test runs it alone with NEWSD_EXCLUSIVE_TESTS=1"))
struct ExclusiveSystemTests {
    /// Sets a sysctl under /proc/sys for the duration of `body`, restoring it afterwards.
    func withSysctl<T>(_ name: String, _ value: String, _ body: () async throws -> T) async throws -> T {
        let path = "/proc/sys/" + name.replacingOccurrences(of: ".", with: "/")
        let old = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        try value.write(toFile: path, atomically: false, encoding: .utf8)
        defer { try? old.write(toFile: path, atomically: false, encoding: .utf8) }
        return try await body()
    }

    @Test("an inotify queue overflow triggers a full rescan and no file is lost")
    func overflow() async throws {
        // The queue length is fixed when newsd creates its inotify instance, so lower it for the start only.
        let daemon = try await withSysctl("fs.inotify.max_queued_events", "32") { try await RunningDaemon() }
        let count = 3000
        // Freeze newsd so its reader cannot drain the kernel queue, drop the files, thaw it.
        daemon.process.signal(SIGSTOP)
        for n in 0..<count {
            try "Overflow \(n)\n\nArticle overflow\(n).".write(toFile: daemon.inbox + "/\(n).txt", atomically: false, encoding: .utf8)
        }
        daemon.process.signal(SIGCONT)
        #expect(try await daemon.waitForStatus(timeout: .seconds(60)) { $0.articles == count && $0.pending == 0 }, "log:\n\(daemon.log.suffix(2000))")
        #expect(daemon.log.contains("event=overflow"))
        #expect(try daemon.client.search("overflow2999").total == 1)
    }

    @Test("at the inotify watch limit, newsd says which folder and which sysctl, and rescans instead")
    func watchLimit() async throws {
        guard getuid() == 0 else { Issue.record("needs root"); return }
        // Run newsd as `nobody`, whose watch count starts at zero, so the limit bites newsd alone.
        let root = TemporaryFolder("newsd-watchlimit")
        chmod(root.path, 0o777)
        let inbox = root.folder("inbox")
        for folder in ["a", "b", "c", "d", "e"] {
            let sub = root.folder("inbox/\(folder)")
            try "Folder \(folder)\n\nStarting article in \(folder).".write(toFile: sub + "/start.txt", atomically: false, encoding: .utf8)
        }
        _ = try runProcess("/bin/chmod", ["-R", "a+rwX", root.path])
        let socket = root.file("newsd.sock")
        let logPath = root.file("newsd.log")
        let process = try await withSysctl("fs.inotify.max_user_watches", "3") { () async throws -> ChildProcess in
            let process = try RunningDaemon.launchCommand(
                "/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", BuiltProducts.newsd,
                                     "--inbox", inbox, "--state-dir", root.file("state"), "--socket", socket],
                logPath: logPath, environment: ["NEWSD_RESCAN_INTERVAL": "1"])
            let client = NewsClient(socketPath: socket)
            _ = try await waitUntil { (try? client.status()) != nil || !process.isRunning }
            return process
        }
        defer { process.terminate(); process.waitUntilExit() }
        let client = NewsClient(socketPath: socket)
        #expect(try await waitUntil { (try? client.status())?.articles == 5 })
        let status = try client.status()
        #expect(status.unwatched.count == 3, "root + 2 folders fit under a limit of 3")
        #expect(status.unwatched.allSatisfy { $0.reason.contains("fs.inotify.max_user_watches") })
        let log = try String(contentsOfFile: logPath, encoding: .utf8)
        #expect(log.contains("event=unwatched"))

        // A file dropped into an unwatched folder is still indexed, by the periodic rescan.
        let unwatched = try #require(status.unwatched.first).path
        try "Late\n\nFound by a rescan.".write(toFile: inbox + "/" + unwatched + "/late.txt", atomically: false, encoding: .utf8)
        #expect(try await waitUntil { (try? client.search("rescan").total) == 1 })
    }

    @Test("disk full: the batch rolls back, status says so, queries go on, and ingest resumes when space returns")
    func diskFull() async throws {
        guard getuid() == 0 else { Issue.record("needs root"); return }
        let root = TemporaryFolder("newsd-diskfull")
        let state = root.folder("state")
        let mounted = try runProcess("/bin/mount", ["-t", "tmpfs", "-o", "size=400k", "tmpfs", state])
        try #require(mounted.status == 0, "cannot mount a tmpfs: \(mounted.stderr)")
        defer { _ = try? runProcess("/bin/umount", ["-l", state]) }
        let inbox = root.folder("inbox")
        try "Early article\n\nIndexed before the disk filled.".write(toFile: inbox + "/early.txt", atomically: false, encoding: .utf8)
        let socket = root.file("newsd.sock")
        let process = try RunningDaemon.launch(arguments: ["--inbox", inbox, "--state-dir", state, "--socket", socket], logPath: root.file("newsd.log"))
        defer { process.terminate(); process.waitUntilExit() }
        let client = NewsClient(socketPath: socket)
        #expect(try await waitUntil { (try? client.status())?.articles == 1 })

        var words = ""
        for n in 0..<3000 { words += "filler\(n) " }
        for n in 0..<40 {
            try "Big \(n)\n\n\(words) marker\(n)".write(toFile: inbox + "/big\(n).txt", atomically: false, encoding: .utf8)
        }
        #expect(try await waitUntil(timeout: .seconds(30)) { (try? client.status())?.state == "error" })
        let failing = try client.status()
        #expect(failing.error?.contains("disk full") == true, "\(failing)")
        #expect(try client.search("early").total == 1, "queries keep working")

        _ = try runProcess("/bin/mount", ["-o", "remount,size=64m", state])
        #expect(try await waitUntil(timeout: .seconds(90)) { (try? client.status()).map { $0.articles == 41 && $0.state == "idle" } ?? false })
        #expect(try client.search("marker39").total == 1)
        #expect(try client.status().error == nil)
    }

    @Test("a stop while the disk is full ends within seconds, not after the retry pause")
    func stopWhileDiskFull() async throws {
        guard getuid() == 0 else { Issue.record("needs root"); return }
        let daemon = RestartableDaemon("newsd-diskfull-stop")
        let mounted = try runProcess("/bin/mount", ["-t", "tmpfs", "-o", "size=400k", "tmpfs", daemon.root.folder("state")])
        try #require(mounted.status == 0, "cannot mount a tmpfs: \(mounted.stderr)")
        defer { _ = try? runProcess("/bin/umount", ["-l", daemon.stateDir]) }
        try await daemon.start()
        var words = ""
        for n in 0..<3000 { words += "filler\(n) " }
        for n in 0..<40 {
            try "Big \(n)\n\n\(words) marker\(n)".write(toFile: daemon.inbox + "/big\(n).txt", atomically: false, encoding: .utf8)
        }
        // The pauses grow 1, 2, 4, 8 s: stop during the 8-second one.
        #expect(try await waitUntil(timeout: .seconds(60)) { daemon.log.contains("retry_in_seconds=8") }, "log:\n\(daemon.log.suffix(3000))")
        let stopped = ContinuousClock.now
        let status = try await daemon.stop(timeout: .seconds(30))
        #expect(ContinuousClock.now - stopped < .seconds(5), "took \(ContinuousClock.now - stopped)")
        #expect(status == 0)
    }

    @Test("an unmounted inbox is an error that keeps the index; mounted again, it is watched and reconciled")
    func unmountedInbox() async throws {
        guard getuid() == 0 else { Issue.record("needs root"); return }
        let daemon = RestartableDaemon("newsd-unmount")
        let mounted = try runProcess("/bin/mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", daemon.inbox])
        try #require(mounted.status == 0, "cannot mount a tmpfs: \(mounted.stderr)")
        var unmounted = false
        defer { if !unmounted { _ = try? runProcess("/bin/umount", ["-l", daemon.inbox]) } }
        try "Mounted article\n\nAbout estuaries.\n".write(toFile: daemon.inbox + "/one.txt", atomically: false, encoding: .utf8)
        try await daemon.start()
        #expect(try await daemon.waitForStatus { $0.articles == 1 && $0.state == "idle" })
        let unmount = try runProcess("/bin/umount", [daemon.inbox])
        try #require(unmount.status == 0, "cannot unmount: \(unmount.stderr)")
        unmounted = true
        #expect(try await daemon.waitForStatus { $0.state == "error" && ($0.error ?? "").contains("inbox gone") }, "log:\n\(daemon.log)")
        // The empty mount point left behind is not the inbox: nothing is removed.
        _ = try daemon.client.control(.reconcile)
        #expect(try await daemon.waitForStatus { $0.pending == 0 })
        #expect(try daemon.client.status().articles == 1)
        // Mounted again (a new, empty tmpfs with one new file): watched again and reconciled.
        let again = try runProcess("/bin/mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", daemon.inbox])
        try #require(again.status == 0, "cannot mount again: \(again.stderr)")
        unmounted = false
        try "Remounted article\n\nAbout deltas.\n".write(toFile: daemon.inbox + "/two.txt", atomically: false, encoding: .utf8)
        #expect(try await daemon.waitForStatus(timeout: .seconds(10)) { $0.state == "idle" && $0.articles == 1 && $0.error == nil },
                "log:\n\(daemon.log)")
        #expect(try daemon.client.search("deltas").total == 1)
        #expect(try await daemon.stop() == 0)
    }
}
