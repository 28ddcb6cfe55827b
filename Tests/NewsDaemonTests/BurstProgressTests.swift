import Testing
@testable import NewsDaemon

@Suite("Status progress during a burst of drops")
struct BurstProgressTests {
    @Test("done counts the burst's indexed files, total adds what waits; a reconciliation's own progress comes first; an empty queue ends the burst")
    func burst() {
        let status = DaemonStatus()
        #expect(status.progress(pending: 10) == nil, "nothing indexed yet: no rate to tell")
        status.countIndexed(40)
        status.countIndexed(60)
        let during = status.progress(pending: 900)
        #expect(during?.done == 100 && during?.total == 1000)
        #expect(status.progress(pending: 0) == nil, "nothing waits: no progress line")
        status.beginProgress(total: 5000)
        status.advanceProgress(by: 7)
        #expect(status.progress(pending: 900).map { ($0.done, $0.total) } ?? (0, 0) == (7, 5000))
        status.endProgress()
        status.endBurst()
        #expect(status.progress(pending: 3) == nil)
        status.countIndexed(1)
        #expect(status.progress(pending: 3).map { ($0.done, $0.total) } ?? (0, 0) == (1, 4), "a new burst starts from its first file")
    }
}
