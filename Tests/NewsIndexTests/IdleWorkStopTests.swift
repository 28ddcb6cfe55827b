import Foundation
@testable import NewsIndex
import Synchronization
import Testing
import TestSupport

/// A stop ends text compaction at once instead of waiting for its step (`stopIdleWork`): the
/// step is rolled back, none starts after it, and the next start does the work (real SQLite file).
@Suite("Text compaction ended by a stop (real SQLite file)")
struct IdleWorkStopTests {
    static func isStopping(_ error: any Error) -> Bool {
        if case .stopping? = error as? IndexError { true } else { false }
    }

    @Test("a step stopped while it runs keeps nothing it did and no later step starts; after a restart the work is done")
    func stoppedWhileRunning() throws {
        var (random, folder) = (SeededRandom.forTest("IdleWorkStopTests.stoppedWhileRunning"), TemporaryFolder("newsd-idle-stop"))
        let seed = random.seed
        var policy = TextDictionaryTests.policy
        policy.recompressBatch = 1_000
        var index = try ArticleIndex(path: folder.file("index.sqlite"))
        let bodies = try TextDictionaryTests.add(index, &random, from: 0, count: 300)
        guard case .trained = try index.trainTextDictionaryIfDue(policy: policy) else {
            Issue.record("a dictionary is due at 300 articles; seed \(seed)"); return
        }
        #expect(try TextDictionaryTests.formats(index) == [1: 300], "seed \(seed)")

        // The step's statements beat the writer's heartbeat: the first beat stops it, as a stop
        // from another thread would while the step runs.
        let beats = Mutex(0)
        index.onWriterProgress { [index] in
            if beats.withLock({ $0 += 1; return $0 }) == 1 { index.stopIdleWork() }
        }
        do {
            let step = try index.compactText(policy: policy)
            Issue.record("the step ran to its end (\(step)) although stopped while it ran; seed \(seed)")
        } catch {
            #expect(Self.isStopping(error), "\(error); seed \(seed)")
        }
        #expect(beats.withLock { $0 } >= 1)
        #expect(try TextDictionaryTests.formats(index) == [1: 300], "nothing the step did is kept; seed \(seed)")
        let dictionary = try index.pool.read { try Int64.fetchOne($0, sql: "SELECT recompressedThrough FROM text_dictionary") }
        #expect(dictionary == 0, "the pass has not moved; seed \(seed)")

        // Stopped for good: the next step does not start (it would beat again).
        let beatsSoFar = beats.withLock { $0 }
        #expect(throws: IndexError.self) { try index.compactText(policy: policy) }
        #expect(beats.withLock { $0 } == beatsSoFar)
        try TextDictionaryTests.expectAllRead(index, bodies, seed)

        // After a restart, the pass runs to its end.
        index = try ArticleIndex(path: folder.file("index.sqlite"))
        guard case .recompressed(let texts, 0, true) = try index.compactText(policy: policy) else {
            Issue.record("one step recompresses all 300 texts after a restart; seed \(seed)"); return
        }
        #expect(texts > 0)
        #expect(try TextDictionaryTests.formats(index) == [2: 300], "seed \(seed)")
        try TextDictionaryTests.expectAllRead(index, bodies, seed)
    }
}
