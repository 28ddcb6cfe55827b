import NIOCore
import NIOPosix
import ServiceLifecycle

/// The control server's event loop, which also runs its request handlers' code between their
/// awaits (`ServerLoop.Executor`). A request then lives on the loop's thread except for its
/// blocking work (`BlockingWork`), which wakes a blocking thread and, when done, the loop; a
/// handler on Swift's global executor also woke a cooperative thread before that work and
/// another after it, each wake a futex round trip and a context switch.
///
/// One loop: what it does per request (parsing, routing, encoding JSON) is small beside the
/// searches that run on threads of their own, and a request's every step lands on the thread
/// that handles its connection.
final class ServerLoop: Sendable {
    let group: MultiThreadedEventLoopGroup
    let executor: Executor

    init() {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        executor = Executor(loop: group.next())
    }

    /// Runs jobs on one event loop: enqueued from the loop's own thread, a job waits only for
    /// what the loop is doing; from another thread, it wakes the loop.
    final class Executor: TaskExecutor {
        let loop: any EventLoop

        init(loop: any EventLoop) {
            self.loop = loop
        }

        func enqueue(_ job: consuming ExecutorJob) {
            let job = UnownedJob(job)
            loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
        }
    }

    /// `server` as a service whose task, and every task it makes for a connection (child tasks
    /// inherit the preference), runs on the loop.
    func running(_ server: any Service) -> some Service {
        OnLoop(server: server, executor: executor)
    }

    private struct OnLoop: Service {
        let server: any Service
        let executor: Executor

        func run() async throws {
            try await withTaskExecutorPreference(executor) { try await server.run() }
        }
    }

    /// Stops the loop once the server has stopped.
    func shutdown() async {
        try? await group.shutdownGracefully()
    }
}
