import CLinux
import Dispatch
import Foundation
import NewsSystem
import Synchronization

/// A thread of its own, at background priority (`BackgroundPriority`), that runs the jobs
/// given to it one after another. Not a dispatch queue: a queue's jobs run on threads shared
/// with other work, whose priority newsd could lower but never raise again.
final class BackgroundThread: Sendable {
    private let jobs = JobList()

    /// How long a thread waits without a job before it hands its memory back: well within the
    /// quiet time after which the maintenance service returns free pages to the system.
    static let handBackAfter = DispatchTimeInterval.milliseconds(250)

    /// Starts the thread; `name` shows in `top -H` and `ps -L`. Once it has had no job for
    /// `handBackAfter`, it calls `handBack` (once per such spell): by default this thread's
    /// allocator cache goes back to the shared heap. A thread that parsed or wrote through a
    /// burst holds blocks that only it can hand back, and an idle daemon would keep them.
    init(name: String, handBack: @escaping @Sendable () -> Void = { HeapTrimmer.flushThreadCache() }) {
        let jobs = self.jobs
        Thread.detachNewThread {
            // Named from the thread itself: Foundation's `Thread.name` names the OS thread only
            // once the creating thread has recorded it, which the new thread can run ahead of.
            _ = pthread_setname_np(pthread_self(), name)
            BackgroundPriority.lowerCurrentThread()
            while let job = jobs.next(handingBackAfter: Self.handBackAfter, handBack) { job() }
        }
    }

    deinit { jobs.close() }

    /// Runs `job` on the thread after the jobs given before it.
    func submit(_ job: @escaping @Sendable () -> Void) { jobs.append(job) }

    /// Jobs waiting for the thread; closed, it ends once they are done.
    private final class JobList: Sendable {
        private let state = Mutex<(jobs: [@Sendable () -> Void], closed: Bool)>(([], false))
        private let available = DispatchSemaphore(value: 0)

        func append(_ job: @escaping @Sendable () -> Void) {
            state.withLock { $0.jobs.append(job) }
            available.signal()
        }

        func close() {
            state.withLock { $0.closed = true }
            available.signal()
        }

        /// The next job, waiting for one; nil once closed and empty. After `delay` without
        /// one, calls `handBack`, then waits on without a limit.
        func next(handingBackAfter delay: DispatchTimeInterval, _ handBack: () -> Void) -> (@Sendable () -> Void)? {
            var handedBack = false
            while true {
                if handedBack {
                    available.wait()
                } else if available.wait(timeout: .now() + delay) == .timedOut {
                    handBack()
                    handedBack = true
                    continue
                }
                let next: (@Sendable () -> Void)?? = state.withLock { state in
                    if !state.jobs.isEmpty { return .some(state.jobs.removeFirst()) }
                    return state.closed ? .some(nil) : .none
                }
                if let next { return next }
            }
        }
    }
}

/// One background thread per core, shared by the whole process: file reading and parsing
/// spread over every core at background priority.
final class BackgroundThreads: Sendable {
    static let shared = BackgroundThreads(count: max(1, ProcessInfo.processInfo.activeProcessorCount))

    private let threads: [BackgroundThread]

    private init(count: Int) {
        threads = (0..<count).map { BackgroundThread(name: "newsd-reader-\($0)") }
    }

    /// Calls `body` once for each of `0..<iterations`, spread over the threads, and returns when
    /// all calls are done. Never call it from one of these threads.
    func concurrentPerform(iterations: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let done = DispatchSemaphore(value: 0)
        perform(iterations: iterations, body) { done.signal() }
        done.wait()
    }

    /// Calls `body` once for each of `0..<iterations`, spread over the threads, and then
    /// `completion` once, on the thread that finished last. Returns at once: nothing waits
    /// for the work but what `completion` wakes.
    func perform(iterations: Int, _ body: @escaping @Sendable (Int) -> Void, then completion: @escaping @Sendable () -> Void) {
        guard iterations > 0 else { return completion() }
        let counter = IterationCounter()
        let workers = min(iterations, threads.count)
        let shared = Completion(running: workers, completion)
        for thread in threads.prefix(workers) {
            thread.submit {
                while true {
                    let position = counter.next.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard position < iterations else { break }
                    body(position)
                }
                shared.workerFinished()
            }
        }
    }

    /// Calls its closure when the last of a perform's workers is done.
    private final class Completion: Sendable {
        private let running: Atomic<Int>
        private let completion: @Sendable () -> Void

        init(running: Int, _ completion: @escaping @Sendable () -> Void) {
            self.running = Atomic(running)
            self.completion = completion
        }

        func workerFinished() {
            // acquiringAndReleasing: the last worker sees every other worker's writes.
            if running.wrappingSubtract(1, ordering: .acquiringAndReleasing).newValue == 0 { completion() }
        }
    }

    /// The next iteration to hand out, shared by the threads of one `concurrentPerform`.
    private final class IterationCounter: Sendable {
        let next = Atomic<Int>(0)
    }
}
