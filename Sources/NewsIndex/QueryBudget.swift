import GRDB
import GRDBSQLite
import Synchronization

/// A limit on how long one query may run, and a way to stop it from another thread (its client
/// went away, the daemon stops). Enforced inside SQLite: a progress handler looks at it every few
/// thousand virtual-machine steps and interrupts the statement, so no query can hold a reader,
/// a thread or the daemon's attention past its limit, however expensive the statement.
public final class QueryBudget: Sendable {
    /// Why a query was stopped.
    public enum Stop: Int, Sendable {
        case running = 0
        /// It ran past its time limit.
        case overTime = 1
        /// `cancel()` was called: its client went away, or newsd is stopping.
        case cancelled = 2
    }

    /// The time the query may take.
    public let limit: Duration
    private let deadline: ContinuousClock.Instant
    private let state = Atomic<Int>(Stop.running.rawValue)

    /// A budget of `limit`, counted from now.
    public init(limit: Duration) {
        self.limit = limit
        deadline = ContinuousClock.now + limit
    }

    /// Stops the query at SQLite's next progress check.
    public func cancel() {
        _ = state.compareExchange(expected: Stop.running.rawValue, desired: Stop.cancelled.rawValue, ordering: .relaxed)
    }

    /// Whether (and why) the query was stopped.
    public var stop: Stop { Stop(rawValue: state.load(ordering: .relaxed)) ?? .running }

    /// True once the query must stop; records an overrun.
    func mustStop() -> Bool {
        if state.load(ordering: .relaxed) != Stop.running.rawValue { return true }
        guard ContinuousClock.now >= deadline else { return false }
        _ = state.compareExchange(expected: Stop.running.rawValue, desired: Stop.overTime.rawValue, ordering: .relaxed)
        return true
    }

    /// Runs `body` with the budget watching every statement on `db`; a stopped query throws
    /// `IndexError.queryStopped`.
    func enforce<T>(on db: Database, _ body: () throws -> T) throws -> T {
        let context = Unmanaged.passUnretained(self).toOpaque()
        // Every 4,000 steps: a few microseconds apart, so an overrun is caught within a millisecond.
        sqlite3_progress_handler(db.sqliteConnection, 4000, { context in
            guard let context else { return 0 }
            return Unmanaged<QueryBudget>.fromOpaque(context).takeUnretainedValue().mustStop() ? 1 : 0
        }, context)
        defer { sqlite3_progress_handler(db.sqliteConnection, 0, nil, nil) }
        do {
            let value = try withExtendedLifetime(self) { try body() }
            // Work between statements (folding copies in Swift) is checked here too.
            if mustStop() { throw IndexError.queryStopped(stop, limit: limit) }
            return value
        } catch let error as DatabaseError where error.resultCode == .SQLITE_INTERRUPT {
            throw IndexError.queryStopped(stop == .running ? .cancelled : stop, limit: limit)
        }
    }
}
