/// The one way the daemon's async code runs blocking work (SQLite reads, socket round trips):
/// on a thread of its own (`ThreadCache`: an idle one or a new one), never on Swift's
/// cooperative pool, whose two threads on a 2-core machine are what the control server, status
/// and the watchdog need to stay answered.
enum BlockingWork {
    /// Runs `body` on a thread of its own and waits for it without holding a cooperative thread.
    /// When the waiting task is cancelled, `onCancel` runs at once (to interrupt `body`).
    static func run<T: Sendable>(onCancel: @escaping @Sendable () -> Void = {},
                                 _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                ThreadCache.shared.run {
                    let result = Result { try body() }
                    return { continuation.resume(with: result) }
                }
            }
        } onCancel: {
            onCancel()
        }
    }
}
