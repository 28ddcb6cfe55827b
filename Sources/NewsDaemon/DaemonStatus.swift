import Foundation
import NewsCore
import Synchronization

/// Live state shared by the services: what the ingest loop is doing, what is wrong, and since when.
public final class DaemonStatus: Sendable {
    /// What the ingest loop is doing. `paused` and `error` are layered on top by `state(…)`.
    public enum Activity: String, Sendable {
        case starting, reconciling, indexing, idle, stopping
        /// Articles are searchable; some still wait to be placed in a story.
        case placing
    }

    private struct State {
        var activity = Activity.starting
        /// When the ingest loop took its current batch (nil while it waits for work).
        var busySince: ContinuousClock.Instant?
        /// The last sign of progress from the ingest loop.
        var lastBeat = ContinuousClock.now
        /// Why writing to the index fails (disk full), while it does.
        var writeProblem: String?
        /// Why the inbox cannot be watched (gone, unmounted), while it cannot.
        var inboxProblem: String?
        var progress: (done: Int, total: Int, started: ContinuousClock.Instant)?
        /// Files indexed since the queue last ran empty, and since when: a burst of drops.
        var burst: (done: Int, started: ContinuousClock.Instant)?
    }

    private let state = Mutex(State())
    private let started = ContinuousClock.now
    private let readiness = Mutex<(ready: Bool, waiters: [UUID: CheckedContinuation<Void, Never>])>((false, [:]))

    public init() {}

    public var activity: Activity { state.withLock { $0.activity } }

    func set(_ activity: Activity) { state.withLock { $0.activity = activity } }

    /// Records why writing fails (nil when it works again).
    func setWriteProblem(_ problem: String?) { state.withLock { $0.writeProblem = problem } }

    /// Why writing to the index fails, while it does.
    var writeProblem: String? { state.withLock { $0.writeProblem } }

    /// Why the inbox cannot be watched, while it cannot.
    var inboxProblem: String? { state.withLock { $0.inboxProblem } }

    /// Records why the inbox cannot be watched (nil when it is back).
    func setInboxProblem(_ problem: String?) { state.withLock { $0.inboxProblem = problem } }

    /// What is wrong, for status: the inbox first (nothing new can arrive), then writing.
    public var problem: String? { state.withLock { $0.inboxProblem ?? $0.writeProblem } }

    func beginProgress(total: Int) { state.withLock { $0.progress = (0, total, .now) } }

    func advanceProgress(by count: Int) {
        state.withLock {
            $0.progress?.done += count
            $0.lastBeat = .now
        }
    }

    /// Records progress within a long step (a placement or merge transaction), so that the
    /// watchdog does not take a long run of them for a stall.
    func beat() { state.withLock { $0.lastBeat = .now } }

    /// The ingest loop took a batch (`true`) or went back to waiting (`false`).
    func setBusy(_ busy: Bool) {
        state.withLock {
            $0.busySince = busy ? .now : nil
            $0.lastBeat = .now
        }
    }

    /// How long the ingest loop has been working on something without progress, when that is
    /// longer than `limit` (nil otherwise): the watchdog then stops reassuring systemd.
    func stall(limit: Duration) -> (length: Duration, activity: Activity)? {
        state.withLock { state in
            let length = ContinuousClock.now - state.lastBeat
            return state.busySince != nil && length > limit ? (length, state.activity) : nil
        }
    }

    /// True once newsd answers on its socket (READY=1 has been sent).
    var isReady: Bool { readiness.withLock { $0.ready } }

    /// Records that newsd answers on its socket (READY=1 has been sent) and wakes whoever waits for it.
    func markReady() {
        let waiters = readiness.withLock { readiness in
            readiness.ready = true
            defer { readiness.waiters = [:] }
            return readiness.waiters.values
        }
        waiters.forEach { $0.resume() }
    }

    /// Returns once newsd answers on its socket, or when the task is cancelled.
    func waitUntilReady() async {
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let now = readiness.withLock { readiness in
                    if readiness.ready || Task.isCancelled { return true }
                    readiness.waiters[id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            readiness.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }

    /// When the ingest loop last finished work, while it is idle since then; nil while it works.
    var idleSince: ContinuousClock.Instant? {
        state.withLock { $0.activity == .idle && $0.busySince == nil ? $0.lastBeat : nil }
    }

    func endProgress() { state.withLock { $0.progress = nil } }

    /// Counts files indexed from drops (not a reconciliation): they make up the current burst.
    func countIndexed(_ files: Int) {
        state.withLock { state in
            if state.burst == nil { state.burst = (0, .now) }
            state.burst?.done += files
        }
    }

    /// The queue ran empty: the burst is over.
    func endBurst() { state.withLock { $0.burst = nil } }

    /// How far a reconciliation or reindex has got; else, while `pending` files wait after
    /// others of the same burst were indexed, how far the burst has got (its total is what was
    /// indexed plus what waits, so it grows while files keep arriving).
    public func progress(pending: Int) -> ProgressInfo? {
        state.withLock { state in
            if let progress = state.progress {
                return ProgressInfo(done: progress.done, total: progress.total, elapsedSeconds: Self.seconds(ContinuousClock.now - progress.started))
            }
            guard pending > 0, let burst = state.burst else { return nil }
            return ProgressInfo(done: burst.done, total: burst.done + pending, elapsedSeconds: Self.seconds(ContinuousClock.now - burst.started))
        }
    }

    /// The state word of the status call.
    func state(paused: Bool, pending: Int) -> String {
        state.withLock { state in
            if state.inboxProblem != nil || state.writeProblem != nil { return "error" }
            if paused { return "paused" }
            if state.activity == .idle && pending > 0 { return Activity.indexing.rawValue }
            return state.activity.rawValue
        }
    }

    /// Seconds since the daemon started.
    public var uptime: Double { Self.seconds(ContinuousClock.now - started) }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
