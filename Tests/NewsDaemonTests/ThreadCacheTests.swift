import CLinux
import Dispatch
import Foundation
import Glibc
@testable import NewsDaemon
import Synchronization
import Testing

/// The threads blocking work runs on: reused while idle, never a reason for a job to wait.
@Suite("Thread cache")
struct ThreadCacheTests {
    /// How many jobs have started.
    private final class Arrivals: Sendable {
        let count = Mutex(0)
    }

    /// An idle lifetime no test outlasts: in the whole suite on two cores, one test's twenty
    /// jobs once took two minutes to be given, and a thread that ended between two of them
    /// looked like no reuse.
    private static let noExpiry = Duration.seconds(3600)

    /// Runs `body` on `cache` and waits for it, as `BlockingWork` does.
    private static func run<T: Sendable>(_ cache: ThreadCache, _ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            cache.run {
                let value = body()
                return { continuation.resume(returning: value) }
            }
        }
    }

    @Test("a job given after another has finished runs on the same thread, which is named")
    func reuse() async {
        let cache = ThreadCache(name: "test-cache", idleLifetime: Self.noExpiry)
        var threads = Set<Int32>()
        for _ in 0..<20 {
            threads.insert(await Self.run(cache) { gettid() })
        }
        #expect(threads.count == 1)
        #expect(cache.idleCount == 1)
        let name = await Self.run(cache) { try? String(contentsOfFile: "/proc/self/task/\(gettid())/comm", encoding: .utf8) }
        #expect(name == "test-cache\n")
    }

    @Test("a thread is back among the idle ones before its job's result is delivered")
    func idleBeforeDelivery() async {
        let cache = ThreadCache(name: "test-cache", idleLifetime: Self.noExpiry)
        // The second job is given at the moment the first delivers: it finds that job's thread idle.
        let (first, second) = await withCheckedContinuation { (continuation: CheckedContinuation<(Int32, Int32), Never>) in
            cache.run {
                let first = gettid()
                return {
                    cache.run {
                        let second = gettid()
                        return { continuation.resume(returning: (first, second)) }
                    }
                }
            }
        }
        #expect(first == second)
    }

    @Test("jobs that wait for each other each get a thread: none waits for another to finish")
    func growsWithoutBound() async {
        let cache = ThreadCache(name: "test-cache", idleLifetime: Self.noExpiry)
        let jobs = 12
        let arrived = Arrivals()
        let allArrived = DispatchSemaphore(value: 0)
        // Each job waits until every job has started: with a bounded number of threads the
        // later ones would never start, and the wait runs out instead.
        let met = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<jobs {
                group.addTask {
                    await Self.run(cache) { () -> Bool in
                        if arrived.count.withLock({ $0 += 1; return $0 }) == jobs {
                            for _ in 0..<jobs { allArrived.signal() }
                        }
                        return allArrived.wait(timeout: .now() + 30) == .success
                    }
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(met == Array(repeating: true, count: jobs))
        #expect(cache.idleCount == jobs)
    }

    @Test("a thread whose priority a job lowered is not given another job")
    func loweredThreadEnds() async {
        let cache = ThreadCache(name: "test-cache", idleLifetime: Self.noExpiry)
        let process = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(getpid()))
        let lowered = await Self.run(cache) { () -> Int32 in
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(gettid()), min(19, process + 5))
            return gettid()
        }
        #expect(cache.idleCount == 0)
        let (next, priority) = await Self.run(cache) { (gettid(), getpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(gettid()))) }
        #expect(next != lowered)
        #expect(priority == process)
    }

    @Test("a thread idle for its lifetime ends, and the next job starts a new one")
    func idleThreadEnds() async throws {
        let cache = ThreadCache(name: "test-cache", idleLifetime: .milliseconds(50))
        let first = await Self.run(cache) { gettid() }
        // The passing of time is what is tested: twenty lifetimes.
        try await Task.sleep(for: .seconds(1))
        #expect(cache.idleCount == 0)
        let second = await Self.run(cache) { gettid() }
        #expect(second != first)
    }
}
