import Dispatch

/// The one place the index's writer works: ingest batches (with their file reads and directory
/// walks), story placement, full-text merges and the start-up page check run here, one after
/// another, on a thread of their own at background priority (`BackgroundThread`), never on
/// Swift's cooperative pool, whose two threads on a 2-core machine are what the control server,
/// status and the watchdog need.
final class IndexWriterQueue: Sendable {
    private let thread = BackgroundThread(name: "newsd-writer")

    /// Runs `body` on the writer's thread and waits for it without holding a cooperative thread.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            thread.submit { continuation.resume(with: Result { try body() }) }
        }
    }

    /// `run` for work that cannot fail.
    func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            thread.submit { continuation.resume(returning: body()) }
        }
    }
}
