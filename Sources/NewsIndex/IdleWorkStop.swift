import GRDB
import GRDBSQLite
import Synchronization

/// Ends the idle-time work the writer is doing (text compaction's steps) when newsd stops,
/// instead of letting the stop wait for it. Such a step runs at background priority and can
/// take seconds (recompressing a batch as tightly as zstd goes, rewriting the whole file), many
/// times that on a machine kept busy by other programs, longer than a service manager gives a
/// stop. Stopping is for good: the step running is interrupted (its transaction rolled back:
/// nothing it did is kept, nothing else is lost) and no other starts.
final class IdleWorkStop: Sendable {
    private struct State {
        var stopped = false
        /// The writer's connection (its address) while a step runs on it.
        var running: Int?
    }

    private let state = Mutex(State())

    /// Thrown by a step that was stopped, before or while it ran.
    struct Stopped: Error {}

    var isStopped: Bool { state.withLock { $0.stopped } }

    /// Runs a step for a caller outside the index, who learns of a stop as `IndexError.stopping`.
    static func stoppingAsIndexError<T>(_ step: () throws -> T) throws -> T {
        do {
            return try step()
        } catch is Stopped {
            throw IndexError.stopping
        }
    }

    /// Stops the step running, if any, and every later one.
    func stop() {
        state.withLock { state in
            state.stopped = true
            // Safe from any thread while the connection is open: the step holds it open until
            // it has cleared `running` (SQLite: a no-op once no statement runs).
            if let connection = state.running { sqlite3_interrupt(OpaquePointer(bitPattern: connection)) }
        }
    }

    /// Throws `Stopped` once `stop` came: for a step's loops between statements.
    func check() throws(Stopped) {
        if isStopped { throw Stopped() }
    }

    /// Runs `body` with the statements it runs on `db` interrupted by `stop`; throws `Stopped`
    /// if `stop` came before or while it ran.
    func interruptible<T>(_ db: Database, _ body: () throws -> T) throws -> T {
        // The address alone crosses to `stop`'s thread: SQLite allows sqlite3_interrupt from any.
        let connection = Int(bitPattern: db.sqliteConnection)
        try state.withLock { state throws(Stopped) in
            if state.stopped { throw Stopped() }
            state.running = connection
        }
        defer { state.withLock { $0.running = nil } }
        do {
            return try body()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_INTERRUPT {
            throw Stopped()
        }
    }
}
