import Foundation
@testable import NewsDaemon
import NewsIndex
import NewsSystem
import Testing
import TestSupport

@Suite("Ingest queue")
struct IngestQueueTests {
    @Test("repeated events for one path collapse; everything queued is taken in one batch")
    func coalescing() async throws {
        let queue = IngestQueue()
        queue.push([.changed(path: "a.txt"), .changed(path: "b.txt"), .changed(path: "a.txt")])
        queue.push([.directoryAppeared(path: "sub"), .overflow])
        #expect(queue.pendingCount == 4)
        let batch = try #require(await queue.next(limit: 100))
        // The overflow's scan of the whole inbox reads a.txt and b.txt as they are then.
        #expect(batch.items == [.scan("sub", reread: false), .scan("", reread: false)])
        #expect(queue.pendingCount == 0)
    }

    @Test("a scan takes the place of the files waiting below its folder; others, and events after it is taken, stay")
    func scanCoversWaitingFiles() async throws {
        let queue = IngestQueue()
        queue.push([.changed(path: "world/a.txt"), .changed(path: "worldwide.txt"), .changed(path: "sports/b.txt")])
        queue.push([.directoryAppeared(path: "world")])
        // An entry at the folder's own path (a link put in its place) is not below it: it stays.
        queue.push((0..<5).map { .changed(path: "world/later-\($0).txt") } + [.changed(path: "world")])
        // The first batch holds the scan; the files below "world" that wait behind it go too.
        let first = try #require(await queue.next(limit: 4))
        #expect(first.items == [.path("worldwide.txt"), .path("sports/b.txt"), .scan("world", reread: false)])
        // Checked before waiting for it: a queue that dropped it would leave the wait hanging.
        try #require(queue.pendingCount == 1)
        #expect(try #require(await queue.next(limit: 10)).items == [.path("world")])
        // An event after the scan was taken may come after the scan read the file: it stays.
        queue.push([.changed(path: "world/a.txt")])
        #expect(try #require(await queue.next(limit: 10)).items == [.path("world/a.txt")])
        // The whole inbox covers every file, bad names aside (they carry their problem).
        queue.push([.changed(path: "x.txt"), .badName(path: "bad\\x.txt", problem: "not UTF-8", present: true), .overflow])
        #expect(try #require(await queue.next(limit: 10)).items == [.badName("bad\\x.txt"), .scan("", reread: false)])
    }

    @Test("a batch is at most `limit` items; the rest waits for the next one")
    func limit() async throws {
        let queue = IngestQueue()
        queue.push((0..<5).map { .changed(path: "\($0).txt") })
        #expect(try #require(await queue.next(limit: 3)).items.count == 3)
        #expect(try #require(await queue.next(limit: 3)).items.count == 2)
    }

    @Test("a long queue taken in batches between new events keeps arrival order, once each, across its compactions")
    func longQueue() async throws {
        var random = SeededRandom.forTest("IngestQueueTests.longQueue")
        let queue = IngestQueue()
        var expected: [IngestQueue.Item] = []
        var waiting = Set<String>()
        func push(_ names: [String]) {
            queue.push(names.map { .changed(path: $0) })
            for name in names where waiting.insert(name).inserted { expected.append(.path(name)) }
        }
        push((0..<5_000).map { "f\($0).txt" })
        var taken: [IngestQueue.Item] = []
        while queue.pendingCount > 0 {
            let batch = try #require(await queue.next(limit: Int.random(in: 1...900, using: &random)))
            for case .path(let name) in batch.items { waiting.remove(name) }
            taken += batch.items
            #expect(queue.pendingCount == waiting.count, "seed \(random.seed)")
            // New files, and again some already taken (they come back) or still waiting (they do not).
            if taken.count < 20_000 {
                push((0..<Int.random(in: 0...400, using: &random)).map { _ in "f\(Int.random(in: 0..<8_000, using: &random)).txt" })
            }
        }
        #expect(taken == expected, "seed \(random.seed)")
    }

    @Test("while paused, work accumulates; resume releases it")
    func pause() async throws {
        let queue = IngestQueue()
        queue.pause()
        queue.push([.changed(path: "a.txt")])
        let waiting = Task { await queue.next(limit: 10) }
        queue.push([.changed(path: "b.txt")])
        #expect(queue.pendingCount == 2)
        queue.resume()
        let batch = try #require(await waiting.value)
        #expect(Set(batch.items) == [.path("a.txt"), .path("b.txt")])
    }

    @Test("a failed batch goes back ahead of newer work")
    func requeue() async throws {
        let queue = IngestQueue()
        queue.push([.changed(path: "old.txt")])
        let batch = try #require(await queue.next(limit: 10))
        queue.push([.changed(path: "new.txt")])
        queue.requeue(batch)
        #expect(try #require(await queue.next(limit: 10)).items == [.path("old.txt"), .path("new.txt")])
    }

    @Test("waiting for work times out when none comes, and ends as soon as some arrives")
    func waitForWork() async throws {
        let queue = IngestQueue()
        #expect(await queue.waitForWork(timeout: .milliseconds(20)) == false)
        let started = ContinuousClock.now
        let waiting = Task { await queue.waitForWork(timeout: .seconds(60)) }
        queue.push([.changed(path: "a.txt")])
        #expect(await waiting.value == true)
        #expect(ContinuousClock.now - started < .seconds(30), "the new file must end the wait, not its timeout")
        queue.pause()
        #expect(await queue.waitForWork(timeout: .milliseconds(20)) == false, "paused work is not work to take")
    }

    @Test("closing ends the wait")
    func close() async {
        let queue = IngestQueue()
        let waiting = Task { await queue.next(limit: 10) }
        queue.close()
        #expect(await waiting.value == nil)
    }
}

@Suite("Change reader")
struct ChangeReaderTests {
    let folder = TemporaryFolder("newsd-reader")
    var reader: ChangeReader { ChangeReader(inbox: folder.path, policy: .init(), maxFileBytes: 1000) }
    let someStamp = FileStamp(inode: 1, size: 1, mtimeNs: 1)

    @Test("a file deleted between the event and the read is removed if it was indexed, else ignored")
    func deletedBeforeRead() {
        guard case .change(.remove(let path)) = reader.change(for: "gone.txt", known: someStamp) else {
            Issue.record("expected a removal"); return
        }
        #expect(path == "gone.txt")
        #expect(reader.change(for: "gone.txt", known: nil) == nil)
    }

    @Test("an unchanged stamp is skipped unless a reread is asked for")
    func stamps() throws {
        try folder.write("Head\n\nBody", to: "a.txt")
        guard case .change(.upsert(_, let stamp, _)) = reader.change(for: "a.txt", known: nil) else { Issue.record("expected an upsert"); return }
        #expect(reader.change(for: "a.txt", known: stamp) == nil)
        #expect(reader.change(for: "a.txt", known: stamp, reread: true) != nil)
    }

    @Test("files of other formats are recorded as ignored, with why; temporary names are left alone")
    func nonArticles() throws {
        try folder.write("x", to: "photo.jpg")
        try folder.write("x", to: "draft.txt.part")
        guard case .change(.failed(_, let stamp, let code, let reason)) = reader.change(for: "photo.jpg", known: nil) else {
            Issue.record("expected an ignored file"); return
        }
        #expect(code == "ignored" && reason.contains(".jpg is not a format newsd reads"))
        #expect(reader.change(for: "photo.jpg", known: stamp) == nil, "recorded once")
        #expect(reader.change(for: "draft.txt.part", known: nil) == nil)
        // An article renamed to such a name replaces its article with the ignored record.
        guard case .change(.failed(_, _, "ignored", _)) = reader.change(for: "photo.jpg", known: someStamp) else { Issue.record("expected ignored"); return }
    }

    @Test("a symbolic link is a failure of its own; nothing behind it is read")
    func links() throws {
        let outside = TemporaryFolder("newsd-outside")
        try outside.write("Secret\n\nbody", to: "secret.txt")
        try FileManager.default.createSymbolicLink(atPath: folder.file("link.txt"), withDestinationPath: outside.file("secret.txt"))
        try FileManager.default.createSymbolicLink(atPath: folder.file("dir"), withDestinationPath: outside.path)
        guard case .change(.failed(_, _, let code, _)) = reader.change(for: "link.txt", known: nil) else { Issue.record("expected a failure"); return }
        #expect(code == "symlink")
        guard case .change(.remove) = reader.change(for: "dir/secret.txt", known: someStamp) else { Issue.record("expected a removal"); return }
        #expect(reader.change(for: "dir/secret.txt", known: nil) == nil)
    }

    @Test("a missing inbox keeps what is indexed and asks for a retry")
    func missingInbox() {
        let gone = ChangeReader(inbox: folder.file("gone"), policy: .init(), maxFileBytes: 1000)
        guard case .retry(_, let error)? = gone.change(for: "a.txt", known: someStamp) else {
            Issue.record("expected a retry, not a removal"); return
        }
        #expect(error.code == "inbox-gone")
    }
}

@Suite("Daemon status: readiness")
struct ReadinessTests {
    @Test("waiting for READY ends when it is marked, and at once afterwards")
    func markReady() async {
        let status = DaemonStatus()
        let waiting = Task { await status.waitUntilReady() }
        status.markReady()
        await waiting.value
        await status.waitUntilReady()
    }

    @Test("a cancelled wait for READY ends without it")
    func cancelled() async {
        let status = DaemonStatus()
        let waiting = Task { await status.waitUntilReady() }
        waiting.cancel()
        await waiting.value
    }
}
