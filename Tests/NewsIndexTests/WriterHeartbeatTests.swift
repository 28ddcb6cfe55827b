import Foundation
import GRDB
@testable import NewsIndex
import Synchronization
import Testing
import TestSupport

/// The writer's heartbeat goes on while the writer waits for one long computation, and through a
/// write's commit.
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

    @Test("a write beats through its commit, where FTS5 writes out the terms the transaction added")
    func beatsThroughCommit() throws {
        let folder = TemporaryFolder("newsd-heartbeat")
        let pool = try DatabasePool(path: folder.file("index.sqlite"))
        try pool.write { try $0.execute(sql: "CREATE VIRTUAL TABLE t USING fts5(body)") }
        let heartbeat = WriterHeartbeat()
        let state = Mutex((bodyDone: false, beatsAfter: 0))
        heartbeat.set { state.withLock { if $0.bodyDone { $0.beatsAfter += 1 } } }
        // Distinct terms in every row: FTS5 keeps them in memory until the commit, then writes
        // segment pages, each through a statement of its own.
        try heartbeat.write(pool) { db in
            let insert = try db.makeStatement(sql: "INSERT INTO t(body) VALUES (?)")
            for row in 0..<4_000 {
                try insert.execute(arguments: [(0..<40).map { "w\(row)x\($0)" }.joined(separator: " ")])
            }
            state.withLock { $0.bodyDone = true }
        }
        let after = state.withLock { $0.beatsAfter }
        #expect(after > 0, "no beat between the end of the body and the end of the commit")
        #expect(try pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM t") } == 4_000)
    }

    @Test("a write keeps its statement journals in memory when asked, for its own transaction only")
    func journalsInMemoryForOneTransaction() throws {
        let folder = TemporaryFolder("newsd-heartbeat")
        let pool = try DatabasePool(path: folder.file("index.sqlite"))
        let heartbeat = WriterHeartbeat()
        let setting = "PRAGMA temp_store"
        // 2: in memory (SQLite reads it as the transaction begins); 0: SQLite's default, files.
        #expect(try heartbeat.write(pool, journalsInMemory: true) { try Int.fetchOne($0, sql: setting) } == 2)
        #expect(try pool.writeWithoutTransaction { try Int.fetchOne($0, sql: setting) } == 0)
        #expect(try heartbeat.write(pool) { try Int.fetchOne($0, sql: setting) } == 0)
        struct Failed: Error {}
        #expect(throws: Failed.self) { try heartbeat.write(pool, journalsInMemory: true) { _ in throw Failed() } }
        #expect(try pool.writeWithoutTransaction { try Int.fetchOne($0, sql: setting) } == 0)
    }
}
