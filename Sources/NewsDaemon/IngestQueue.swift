import NewsSystem
import Synchronization

/// Work handed from the inotify thread to the ingest loop. Everything that arrives while
/// a batch is being written is taken together by the next call to `next`: that is the
/// group commit that keeps a burst fast, while a single file on a quiet daemon goes at once.
final class IngestQueue: Sendable {
    /// One unit of work for the ingest loop.
    struct Batch: Sendable, Equatable {
        /// The whole inbox must be compared with the index (start-up or queue overflow).
        var rescan: Bool
        /// Names whose state on disk must be looked at again.
        var names: [String]
    }

    private struct State {
        var order: [String] = []
        var queued: Set<String> = []
        var rescan = false
        var closed = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// Files noticed and not yet handled.
    var pendingCount: Int { state.withLock { $0.queued.count } }

    /// Adds inotify events; repeated events for one name collapse into one entry.
    func push(_ events: [InboxEvent]) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            for event in events {
                switch event {
                case .changed(let name):
                    if state.queued.insert(name).inserted { state.order.append(name) }
                case .overflow, .inboxGone:
                    state.rescan = true
                }
            }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Asks for a full comparison of inbox and index.
    func requestRescan() { push([.overflow]) }

    /// Stops the queue: `next` returns nil from now on.
    func close() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.closed = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    var isClosed: Bool { state.withLock { $0.closed } }

    /// Waits for work and takes up to `limit` names (and a pending rescan request); nil once closed.
    func next(limit: Int) async -> Batch? {
        while true {
            let taken = state.withLock { state -> Batch?? in
                if state.closed { return .some(nil) }
                guard state.rescan || !state.order.isEmpty else { return nil }
                let names = Array(state.order.prefix(limit))
                state.order.removeFirst(names.count)
                state.queued.subtract(names)
                defer { state.rescan = false }
                return Batch(rescan: state.rescan, names: names)
            }
            if let taken { return taken }
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if state.closed || state.rescan || !state.order.isEmpty { return true }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
    }
}
