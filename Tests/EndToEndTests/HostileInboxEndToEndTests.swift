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

    @Test("files dated 2300 and 1800 are indexed, at drop time and at every start")
    func oddTimestamps() async throws {
        let daemon = RestartableDaemon("newsd-mtime")
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
}
