import Foundation
import Logging
@testable import NewsDaemon
import NewsIndex
import Testing
import TestSupport

/// The inbox is made at start when missing, but it can still go before it is first watched
/// (moved away, unmounted): the ingest service then waits for it, as for one that goes later.
@Suite("An inbox gone before the first watch")
struct InboxGoneAtStartTests {
    @Test("is an error in status, not the end of newsd; once back it is watched and reconciled")
    func waitedFor() async throws {
        let root = TemporaryFolder("newsd-inbox-gone-at-start")
        let inbox = root.file("inbox")
        let config = try DaemonConfig.resolve(source: "test") { ["inbox": inbox, "state_dir": root.folder("state")][$0] }
        let index = try ArticleIndex(path: root.file("index.sqlite"))
        let settings = SettingsStore(config)
        let (status, queue) = (DaemonStatus(), IngestQueue())
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let ingest = IngestService(settings: settings, index: index, status: status, queue: queue, watches: WatchHub(),
                                   alerts: AlertService(index: index, settings: settings, logger: logger), logger: logger)
        let running = Task { try await ingest.run() }
        // A long deadline: under the whole suite on 2 cores, the service's task waited over a
        // minute for a cooperative thread before it first ran.
        let deadline = Duration.seconds(300)
        #expect(try await waitUntil(timeout: deadline) { status.problem?.contains("inbox gone") == true })
        status.markReady()

        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: false)
        try "Back again\n\nThe inbox came back after newsd started.\n".write(toFile: inbox + "/back.txt", atomically: false, encoding: .utf8)
        #expect(try await waitUntil(timeout: deadline) { try index.overview().articles == 1 && status.problem == nil })
        queue.close()
        try await running.value
    }
}
