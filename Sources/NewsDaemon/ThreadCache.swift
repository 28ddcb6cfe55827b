import CLinux
import Dispatch
import Foundation
import Glibc
import Synchronization

/// Threads for blocking work, kept for reuse: a job runs on a thread that is waiting idle, or on
/// a new one when none is, so a job never waits for another to finish (as it would in a pool of
/// fixed size) and most jobs still skip the cost of starting and ending a thread (its stack
/// mapped, touched and handed back), which was a measurable part of a cheap search.
///
/// A thread that has waited `idleLifetime` with nothing to do ends; one whose priority a job
/// lowered (`BackgroundPriority`) ends after that job instead of serving answers at that priority.
final class ThreadCache: Sendable {
    /// A job: it runs, then returns what to do once its thread is back among the idle ones
    /// (resuming whoever waits for the result), so that a caller who at once gives another job
    /// finds the thread waiting.
    typealias Job = @Sendable () -> @Sendable () -> Void

    /// The threads newsd's daemon code shares.
    static let shared = ThreadCache(name: "newsd-blocking", idleLifetime: .seconds(30))

    private let name: String
    private let idleLifetime: Duration
    /// Waiting threads, the most recently busy last: it is taken first, so that a few threads
    /// serve a steady load and the others reach their lifetime and end.
    private let idle = Mutex<[Worker]>([])

    /// `name` shows in `top -H` and `ps -L` (at most 15 bytes).
    init(name: String, idleLifetime: Duration) {
        self.name = name
        self.idleLifetime = idleLifetime
    }

    /// Runs `job` on an idle thread, or on a new one.
    func run(_ job: @escaping Job) {
        if let worker = idle.withLock({ $0.popLast() }) {
            worker.give(job)
        } else {
            let worker = Worker()
            Thread.detachNewThread { [self] in serve(worker, first: job) }
        }
    }

    /// The number of threads waiting for a job.
    var idleCount: Int { idle.withLock { $0.count } }

    /// One thread's hand-over point: the job it is given and the signal that one was given.
    private final class Worker: Sendable {
        private let job = Mutex<Job?>(nil)
        private let given = DispatchSemaphore(value: 0)

        func give(_ next: @escaping Job) {
            job.withLock { $0 = next }
            given.signal()
        }

        /// The next job, or nil when none came within `timeout`.
        func take(within timeout: Duration) -> Job? {
            guard given.wait(timeout: .now() + .nanoseconds(Int(timeout.nanoseconds))) == .success else { return nil }
            return job.withLock { job in defer { job = nil }; return job }
        }

        /// The next job, however long it takes: one is on its way.
        func take() -> Job? {
            given.wait()
            return job.withLock { job in defer { job = nil }; return job }
        }
    }

    private func serve(_ worker: Worker, first: @escaping Job) {
        _ = pthread_setname_np(pthread_self(), name)
        let priority = Self.priority()
        var next: Job? = first
        while let job = next {
            let deliver = job()
            guard Self.priority() == priority else {
                deliver()
                return
            }
            idle.withLock { $0.append(worker) }
            deliver()
            next = worker.take(within: idleLifetime)
            if next == nil {
                let stillIdle = idle.withLock { list in
                    guard let place = list.firstIndex(where: { $0 === worker }) else { return false }
                    list.remove(at: place)
                    return true
                }
                // Taken from the list just as the wait ran out: its job is on the way.
                if !stillIdle { next = worker.take() }
            }
        }
    }

    /// The calling thread's nice value.
    private static func priority() -> Int32 {
        getpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(gettid()))
    }
}

extension Duration {
    /// The whole length in nanoseconds (saturating at Int64's range).
    fileprivate var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? (seconds < 0 ? .min : .max) : whole.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue
    }
}
