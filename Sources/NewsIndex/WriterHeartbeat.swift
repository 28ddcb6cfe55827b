import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// Says that the index's writer is alive while one long statement runs: a progress handler on
/// the writer's connection calls `beat` every few thousand virtual-machine steps. A batch of a
/// thousand articles into a large archive is one transaction that can outlast half a short
/// watchdog interval (the daemon's stall limit) while working; a writer that is stuck (a lock,
/// a stalled disk) runs no steps and stays silent.
final class WriterHeartbeat: Sendable {
    private final class Box: Sendable {
        let beat: @Sendable () -> Void
        init(_ beat: @escaping @Sendable () -> Void) { self.beat = beat }
    }

    private let box = Mutex<Box?>(nil)

    /// Sets what is called while the writer works (nil: nothing).
    func set(_ beat: (@Sendable () -> Void)?) { box.withLock { $0 = beat.map(Box.init) } }

    /// Runs `work` on a thread of its own and beats every `interval` until it is done: for
    /// one long computation in a single C call (training a dictionary), which no progress
    /// handler sees. Its result is returned on the calling thread (the writer's). The new thread
    /// starts with the writer's CPU priority (Linux gives a thread its creator's nice value), so
    /// training runs at background priority as the writer does. Nil once `abandonedWhen` says
    /// so (asked at each beat): the work then ends unseen on its thread.
    func beating<T: Sendable>(every interval: Duration = .milliseconds(100), _ work: @escaping @Sendable () -> T,
                              abandonedWhen abandoned: () -> Bool = { false }) -> T? {
        let result = Mutex<T?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            let value = work()
            result.withLock { $0 = value }
            done.signal()
        }
        let wait = DispatchTimeInterval.nanoseconds(Int(interval.components.seconds * 1_000_000_000 + interval.components.attoseconds / 1_000_000_000))
        while done.wait(timeout: .now() + wait) == .timedOut {
            if abandoned() { return nil }
            box.withLock { $0 }?.beat()
        }
        return result.withLock { $0 }
    }

    /// Runs `body` in a write transaction on `pool` with the heartbeat watching every statement,
    /// the commit included: the commit is where FTS5 writes out the terms a batch added (and
    /// merges segments when a level fills), C work between few statements that can outlast a
    /// stall limit at background priority. `pool.write` with `watching` inside it commits after
    /// the handler is gone.
    ///
    /// `journalsInMemory`: the transaction keeps its statement journals (each statement's
    /// changed pages as they were, to undo that statement alone) in memory, however large they
    /// grow. SQLite keeps one in memory up to 64 KiB only, and once one statement passes that,
    /// every page a later statement of the transaction changes is first written to a temporary
    /// file: for a transaction of thousands of small statements (placement, a batch of
    /// ingest). The memory is that of its largest statement's changed pages, about a page per
    /// article moved when a story is regrouped whole.
    func write<T>(_ pool: DatabasePool, journalsInMemory: Bool = false, _ body: (Database) throws -> T) throws -> T {
        try pool.writeWithoutTransaction { db in
            // SQLite reads the setting as the transaction begins, and refuses to change it inside one.
            if journalsInMemory { try db.execute(sql: "PRAGMA temp_store = MEMORY") }
            let result = Result {
                try watching(db) {
                    var result: T?
                    try db.inTransaction {
                        result = try body(db)
                        return .commit
                    }
                    return result!
                }
            }
            // Back to files for what else the writer does (a `VACUUM` builds its copy in temporary storage).
            if journalsInMemory { try db.execute(sql: "PRAGMA temp_store = DEFAULT") }
            return try result.get()
        }
    }

    /// Runs `body` with the heartbeat watching every statement on `db`.
    func watching<T>(_ db: Database, _ body: () throws -> T) rethrows -> T {
        guard let box = box.withLock({ $0 }) else { return try body() }
        Self.install(box, on: db)
        defer { detach(db) }
        return try withExtendedLifetime(box) { try body() }
    }

    /// Watches every statement on `db` from now until `detach`, across calls that each take the
    /// connection anew (GRDB's migrator). The beat set now must stay set until then: this
    /// heartbeat keeps it alive for SQLite.
    func attach(_ db: Database) {
        guard let box = box.withLock({ $0 }) else { return }
        Self.install(box, on: db)
    }

    func detach(_ db: Database) { sqlite3_progress_handler(db.sqliteConnection, 0, nil, nil) }

    private static func install(_ box: Box, on db: Database) {
        // Every 1,000 steps: a few microseconds apart in plain statements, for the cost of a
        // clock read; and often enough in the few steps of each page FTS5 writes at a commit.
        sqlite3_progress_handler(db.sqliteConnection, 1_000, { context in
            if let context { Unmanaged<Box>.fromOpaque(context).takeUnretainedValue().beat() }
            return 0
        }, Unmanaged.passUnretained(box).toOpaque())
    }
}
