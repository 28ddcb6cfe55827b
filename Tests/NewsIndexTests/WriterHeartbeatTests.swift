import Foundation
@testable import NewsIndex
import Synchronization
import Testing

/// The writer's heartbeat goes on while the writer waits for one long computation.
@Suite("Writer heartbeat")
struct WriterHeartbeatTests {
    @Test("beating runs the work on another thread, beats until it is done, and returns its result")
    func beatsWhileWorkRuns() {
        let heartbeat = WriterHeartbeat()
        let beats = Mutex(0)
        let thirdBeat = DispatchSemaphore(value: 0)
        heartbeat.set {
            if beats.withLock({ count in count += 1; return count }) == 3 { thirdBeat.signal() }
        }
        let caller = pthread_self()
        // The work ends once it has heard three beats (or after 10 s, if none come).
        let result = heartbeat.beating(every: .milliseconds(20)) { () -> String in
            let heard = thirdBeat.wait(timeout: .now() + 10) == .success
            return heard && pthread_equal(pthread_self(), caller) == 0 ? "trained" : "no beats"
        }
        #expect(result == "trained")
        #expect(beats.withLock { $0 } >= 3)
    }
}
