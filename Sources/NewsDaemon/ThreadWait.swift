import Dispatch
import Synchronization

/// Waits on the calling thread for async work: for code that runs on a thread of its own (the
/// index writer's, `BlockingWork`'s) and must call the shared archive's asynchronous client.
/// Never call it on Swift's cooperative pool, whose threads the work itself needs.
enum ThreadWait {
    static func result<T: Sendable, Failure: Error>(_ work: @escaping @Sendable () async throws(Failure) -> T) -> Result<T, Failure> {
        let outcome = Mutex<Result<T, Failure>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let result: Result<T, Failure>
            do throws(Failure) { result = .success(try await work()) } catch { result = .failure(error) }
            outcome.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        return outcome.withLock { $0 }!
    }
}
