@testable import NewsDaemon
import Testing

@Suite("Search gate")
struct AsyncGateTests {
    @Test("says since when no caller has been inside: nil before the first leaves and while any is in or waits")
    func quietSince() async throws {
        let gate = AsyncGate(width: 2)
        #expect(gate.quietSince == nil, "no search yet: nothing to hand back")
        #expect(await gate.enter(until: .now + .seconds(5)))
        #expect(await gate.enter(until: .now + .seconds(5)))
        #expect(gate.quietSince == nil)
        // A third caller takes the first one's place (waiting for it, or after it): two inside again.
        let third = Task { await gate.enter(until: .now + .seconds(30)) }
        gate.leave()
        #expect(await third.value)
        #expect(gate.quietSince == nil)
        gate.leave()
        #expect(gate.quietSince == nil, "one caller is still inside")
        let before = ContinuousClock.now
        gate.leave()
        let quiet = try #require(gate.quietSince)
        #expect(quiet >= before && quiet <= .now)
        // A new caller makes it busy again; leaving gives a later instant.
        #expect(await gate.enter(until: .now + .seconds(5)))
        #expect(gate.quietSince == nil)
        gate.leave()
        #expect(try #require(gate.quietSince) > quiet)
    }
}
