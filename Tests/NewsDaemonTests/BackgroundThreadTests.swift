import Dispatch
import Foundation
@testable import NewsDaemon
import Synchronization
import Testing
import TestSupport

/// The writer's and the parsers' threads: jobs in order, and memory handed back once idle.
@Suite("Background thread")
struct BackgroundThreadTests {
    /// What happened on the thread, in order: "job0", "job1"… for the jobs, "back" for a hand-back.
    private final class Events: Sendable {
        let list = Mutex<[String]>([])
        func add(_ event: String) { list.withLock { $0.append(event) } }
        var all: [String] { list.withLock { $0 } }
    }

    @Test("a thread hands its memory back once per spell without jobs, after its jobs ran in order")
    func handsBackOncePerIdleSpell() async throws {
        let events = Events()
        let thread = BackgroundThread(name: "test-handback") { events.add("back") }
        #expect(try await waitUntil { events.all == ["back"] }, "a new thread with nothing to do hands back once")
        // An absence has no event to wait on: four times the delay (`handBackAfter`) passes
        // without a second one.
        try await Task.sleep(for: .milliseconds(4 * 250))
        #expect(events.all == ["back"], "not again while the spell lasts")
        // The first job holds the thread until all three are queued: no spell between them.
        let queued = DispatchSemaphore(value: 0)
        thread.submit { queued.wait(); events.add("job0") }
        for n in 1..<3 { thread.submit { events.add("job\(n)") } }
        queued.signal()
        #expect(try await waitUntil { events.all.count == 5 })
        #expect(events.all == ["back", "job0", "job1", "job2", "back"], "jobs in order, then one hand-back for the next spell")
    }
}
