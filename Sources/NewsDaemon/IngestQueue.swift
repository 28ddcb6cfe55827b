import NewsSystem
import Synchronization

/// Work handed from the inotify thread (and the control API) to the ingest loop.
///
/// Everything that arrives while a batch is being written is taken together by the next
/// call to `next`: that is the group commit that keeps a burst fast, while a single file on
/// a quiet daemon goes at once. Repeated events for one path collapse into one entry, and
/// while paused, work accumulates here instead of being lost.
final class IngestQueue: Sendable {
    /// One thing to look at again. Every item is resolved against the disk when handled,
    /// so the order of items within a batch does not matter.
    enum Item: Hashable, Sendable {
        /// A file (or other non-folder entry).
        case path(String)
        /// A whole subtree (`""` is the inbox): compare disk and index; `reread` ignores stamps.
        case scan(String, reread: Bool)
        /// An entry whose name cannot be stored (escaped path).
        case badName(String)

        /// A file below `subtree` (`""`: the whole inbox). Not `subtree` itself: a scan lists what
        /// is below a folder, and an entry at its path (a link that took the folder's place) is
        /// its parent's.
        func isPath(within subtree: String) -> Bool {
            guard case .path(let path) = self else { return false }
            return subtree.isEmpty || path.hasPrefix(subtree + "/")
        }
    }

    /// A unit of work for the ingest loop.
    struct Batch: Sendable {
        var items: [Item]
        /// For `.badName` items: the problem, and whether the entry is (still) there.
        var badNames: [String: (problem: String, present: Bool)]
    }

    private struct State {
        /// Items in arrival order; those before `head` were taken already. Taken items are cut
        /// off only once they are half the array, so that taking a batch from a queue of
        /// hundreds of thousands (a folder moved in) costs the batch, not the queue.
        var order: [Item] = []
        var head = 0
        var queued: Set<Item> = []
        var badNames: [String: (problem: String, present: Bool)] = [:]
        var unwatched: [String: String] = [:]
        var paused = false
        var closed = false
        var waiter: CheckedContinuation<Void, Never>?
        /// Counts waits, so that a timeout resumes only the wait it was set for.
        var waitNumber = 0

        var hasWork: Bool { head < order.count && !paused }

        /// The items not taken yet, in order.
        var waiting: ArraySlice<Item> { order[head...] }

        mutating func add(_ item: Item) {
            if queued.insert(item).inserted { order.append(item) }
        }

        /// Takes the first `limit` items waiting.
        mutating func take(_ limit: Int) -> [Item] {
            let end = head + min(limit, order.count - head)
            let items = Array(order[head..<end])
            head = end
            if head == order.count {
                order.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= 1024, head * 2 >= order.count {
                order.removeFirst(head)
                head = 0
            }
            queued.subtract(items)
            return items
        }

        /// Forgets the files waiting below `subtree` (`""`: all): a scan about to begin reads each
        /// of them as it is then, so an event that came before it asks for nothing more. After an
        /// inotify overflow in a burst, hundreds of thousands of them would each be looked at again.
        mutating func dropPaths(coveredBy subtree: String) {
            let covered = waiting.filter { $0.isPath(within: subtree) }
            guard !covered.isEmpty else { return }
            queued.subtract(covered)
            let gone = Set(covered)
            order = waiting.filter { !gone.contains($0) }
            head = 0
        }
    }

    private let state = Mutex(State())

    /// Entries noticed and not yet handled.
    var pendingCount: Int { state.withLock { $0.order.count - $0.head } }

    var isPaused: Bool { state.withLock { $0.paused } }

    /// Folders inotify could not watch, with the reason (rescanned periodically instead).
    var unwatchedFolders: [String: String] { state.withLock { $0.unwatched } }

    /// Adds inotify events.
    func push(_ events: [InboxEvent]) {
        wake { state in
            for event in events {
                switch event {
                case .changed(let path): state.add(.path(path))
                case .badName(let path, let problem, let present):
                    state.badNames[path] = (problem, present)
                    state.add(.badName(path))
                case .directoryAppeared(let path), .directoryGone(let path):
                    state.add(.scan(path, reread: false))
                case .overflow:
                    state.add(.scan("", reread: false))
                case .inboxGone:
                    // The watcher's supervisor reconciles once the inbox is back.
                    break
                case .unwatched(let path, let reason):
                    state.unwatched[path] = reason
                    state.add(.scan(path, reread: false))
                }
            }
        }
    }

    /// Queues work directly (start-up reconciliation, reindex, periodic rescans).
    func add(_ items: [Item]) {
        wake { state in items.forEach { state.add($0) } }
    }

    /// Puts back the items of a batch that could not be written (disk full), ahead of newer work.
    func requeue(_ batch: Batch) {
        wake { state in
            let newer = state.waiting
            state.order = []
            state.head = 0
            state.queued = []
            for item in batch.items + newer { state.add(item) }
            for (path, value) in batch.badNames where state.badNames[path] == nil { state.badNames[path] = value }
        }
    }

    /// Holds work back until `resume`; events keep being queued.
    func pause() { state.withLock { $0.paused = true } }

    func resume() { wake { $0.paused = false } }

    /// Stops the queue: `next` returns nil from now on.
    func close() { wake { $0.closed = true } }

    var isClosed: Bool { state.withLock { $0.closed } }

    /// Waits for work and takes up to `limit` items; nil once closed or when the task is cancelled.
    func next(limit: Int) async -> Batch? {
        while true {
            let taken = state.withLock { state -> Batch?? in
                if state.closed || Task.isCancelled { return .some(nil) }
                guard state.hasWork else { return nil }
                var items = state.take(limit)
                for case .scan(let subtree, _) in items {
                    state.dropPaths(coveredBy: subtree)
                    items.removeAll { $0.isPath(within: subtree) }
                }
                var badNames: [String: (problem: String, present: Bool)] = [:]
                for case .badName(let path) in items { badNames[path] = state.badNames.removeValue(forKey: path) }
                return Batch(items: items, badNames: badNames)
            }
            if let taken { return taken }
            await waitForChange()
        }
    }

    /// Waits until the state changes (work, resume, close) or the task is cancelled; returns the
    /// number of the wait, for a timeout that must resume only its own.
    @discardableResult
    private func waitForChange(numbered: ((Int) -> Void)? = nil) async -> Int {
        let number = state.withLock { state -> Int in
            state.waitNumber += 1
            return state.waitNumber
        }
        numbered?(number)
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if state.closed || state.hasWork || Task.isCancelled || state.waitNumber != number { return true }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            resumeWaiter(number)
        }
        return number
    }

    /// Resumes the waiter of wait `number`, if it still waits.
    private func resumeWaiter(_ number: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard state.waitNumber == number else { return nil }
            // The wait is over whether or not it has begun: one that begins later sees the new number.
            state.waitNumber += 1
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Waits until work arrives or the queue closes (true), or until `timeout` passes without
    /// either (false). The ingest loop uses it to place stories only once files stop coming.
    func waitForWork(timeout: Duration) async -> Bool {
        let timer = Mutex<Task<Void, Never>?>(nil)
        await waitForChange { number in
            timer.withLock { $0 = Task { [self] in
                try? await Task.sleep(for: timeout)
                resumeWaiter(number)
            } }
        }
        timer.withLock { $0?.cancel() }
        return state.withLock { $0.closed || $0.hasWork }
    }

    /// Changes the state and wakes the ingest loop if it waits.
    private func wake(_ change: (inout State) -> Void) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            change(&state)
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }
}
