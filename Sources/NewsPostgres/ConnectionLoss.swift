import NIOCore
import PostgresNIO
import Synchronization

/// Work on one connection that ends when the connection does.
///
/// postgres-nio hands a query to a connection whose channel has closed without ever answering
/// it (the write's failure is dropped): a server killed while newsd holds a connection would
/// leave that call, and whatever waits for it — the ingest writer, the story placer, a stop —
/// waiting for ever. Racing the work against the connection's close turns that into an error
/// ("database unreachable") that the caller handles like any other outage; the abandoned call
/// holds only memory, and nothing waits for it.
enum ConnectionLoss {
    static func racing<Result: Sendable>(_ connection: PostgresConnection, display: String,
                                         _ body: @escaping @Sendable () async throws -> Result) async throws -> Result {
        let outcome = FirstOutcome<Result>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let work = Task {
                    do {
                        outcome.settle(continuation, with: .success(try await body()))
                    } catch {
                        outcome.settle(continuation, with: .failure(error))
                    }
                }
                outcome.onCancel { work.cancel() }
                connection.closeFuture.whenComplete { _ in
                    outcome.settle(continuation, with: .failure(ArchiveError(
                        message: "database unreachable: the connection to \(display) was lost")))
                    work.cancel()
                }
            }
        } onCancel: {
            outcome.cancel()
        }
    }
}

/// The first of the work's result and the connection's loss, delivered once.
private final class FirstOutcome<Result: Sendable>: Sendable {
    private let state = Mutex<(settled: Bool, cancelled: Bool, cancel: (@Sendable () -> Void)?)>((false, false, nil))

    func settle(_ continuation: CheckedContinuation<Result, any Error>, with result: Swift.Result<Result, any Error>) {
        let first = state.withLock { state in
            defer { state.settled = true }
            return !state.settled
        }
        if first { continuation.resume(with: result) }
    }

    /// `cancel` runs when the waiting task is cancelled (at once if it already was).
    func onCancel(_ cancel: @escaping @Sendable () -> Void) {
        let already = state.withLock { state in
            state.cancel = cancel
            return state.cancelled
        }
        if already { cancel() }
    }

    func cancel() {
        let cancel = state.withLock { state in
            state.cancelled = true
            return state.cancel
        }
        cancel?()
    }
}
