import Synchronization

/// Lets at most `width` callers through at once; the others wait (without a thread) in order.
/// Searches pass through one, so that however many clients search, the index keeps readers free
/// for status, articles and the watchdog's check.
final class AsyncGate: Sendable {
    private struct Waiter {
        let id: Int
        let continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var free: Int
        var waiters: [Waiter] = []
        var nextId = 0
        /// When the last caller left, if none has come since.
        var emptiedAt: ContinuousClock.Instant?
    }

    private let state: Mutex<State>
    private let width: Int

    init(width: Int) {
        self.width = width
        state = Mutex(State(free: width))
    }

    /// When the last caller left, while none has come since; nil while one is inside (or before
    /// the first has left).
    var quietSince: ContinuousClock.Instant? {
        state.withLock { $0.free == width ? $0.emptiedAt : nil }
    }

    /// Waits for a place, at most until `deadline`: true when admitted (call `leave()` after),
    /// false when the deadline passed or the task was cancelled first.
    func enter(until deadline: ContinuousClock.Instant) async -> Bool {
        let id = state.withLock { state -> Int? in
            if state.free > 0 { state.free -= 1; return nil }
            state.nextId += 1
            return state.nextId
        }
        guard let id else { return true }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let admitted = state.withLock { state -> Bool in
                    // A place may have come free between the two locks.
                    if state.free > 0 { state.free -= 1; return true }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return false
                }
                if admitted { return continuation.resume(returning: true) }
                Task {
                    try? await Task.sleep(until: deadline)
                    self.giveUp(id)
                }
            }
        } onCancel: {
            giveUp(id)
        }
    }

    /// Frees a place, handing it to the longest waiter.
    func leave() {
        let next = state.withLock { state -> Waiter? in
            if state.waiters.isEmpty {
                state.free += 1
                state.emptiedAt = .now
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.continuation.resume(returning: true)
    }

    private func giveUp(_ id: Int) {
        let waiter = state.withLock { state -> Waiter? in
            guard let position = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: position)
        }
        waiter?.continuation.resume(returning: false)
    }
}
