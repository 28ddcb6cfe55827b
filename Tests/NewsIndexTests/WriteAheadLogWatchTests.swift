import GRDB
@testable import NewsIndex
import Testing
import TestSupport

@Suite("Write-ahead log watch (real SQLite file)")
struct WriteAheadLogWatchTests {
    let folder = TemporaryFolder("newsd-wal-watch")

    @Test("counts the log's frames after each commit, and past its limit the committing writer checkpoints and the log starts over")
    func countsAndCheckpointsPastTheLimit() throws {
        let pool = try DatabasePool(path: folder.file("log.sqlite"))
        let watch = WriteAheadLogWatch(writerLimit: 40)
        pool.writeWithoutTransaction { watch.install(on: $0) }
        try pool.write { try $0.execute(sql: "CREATE TABLE t(x BLOB)") }
        var counts: [Int] = []
        for _ in 0..<40 {
            // Two pages of data per commit, so that the log passes the limit within the loop.
            try pool.write { try $0.execute(sql: "INSERT INTO t VALUES (randomblob(6000))") }
            counts.append(watch.frameCount)
        }
        #expect(counts.allSatisfy { $0 > 0 }, "every commit adds frames: \(counts)")
        let restarts = zip(counts, counts.dropFirst()).filter { $1 < $0 }.count
        #expect(restarts >= 2, "the log started over after the writer's checkpoints: \(counts)")
        #expect(counts.max()! < 40 + 10, "no commit leaves more than the limit and one commit's frames: \(counts)")
        #expect(try pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM t") } == 40)
    }
}
