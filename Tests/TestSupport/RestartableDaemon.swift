import Foundation
import NewsClient

/// The real `newsd` on one inbox and state folder, started, stopped and killed as often as a
/// test likes; each run logs to a file of its own.
public final class RestartableDaemon: @unchecked Sendable {
    public let root: TemporaryFolder
    public let inbox: String
    public let stateDir: String
    public let socket: String
    public private(set) var process: ChildProcess?
    public private(set) var logPaths: [String] = []
    private let environment: [String: String]
    private let extraArguments: [String]
    /// Run as `nobody` (through setpriv), as the unit runs newsd as `newsd`: root reads everything.
    public let asNobody: Bool
    public var client: NewsClient { NewsClient(socketPath: socket, timeoutSeconds: 10) }

    public init(_ name: String, extraArguments: [String] = [], environment: [String: String] = [:], asNobody: Bool = false) {
        root = TemporaryFolder(name)
        inbox = root.folder("inbox")
        stateDir = root.folder("state")
        socket = root.file("newsd.sock")
        self.environment = environment
        self.extraArguments = extraArguments
        self.asNobody = asNobody && getuid() == 0
        if self.asNobody {
            chmod(root.path, 0o777)
            chmod(stateDir, 0o777)
        }
    }

    /// Starts newsd and waits until it answers; throws with the log when it does not.
    public func start() async throws {
        logPaths.append(root.file("newsd-\(logPaths.count).log"))
        let arguments = ["--inbox", inbox, "--state-dir", stateDir, "--socket", socket, "--log-level", "debug"] + extraArguments
        let process = asNobody
            ? try RunningDaemon.launchCommand("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", BuiltProducts.newsd] + arguments,
                                              logPath: logPaths.last!, environment: environment)
            : try RunningDaemon.launch(arguments: arguments, logPath: logPaths.last!, environment: environment)
        self.process = process
        let client = self.client
        guard try await waitUntil(timeout: .seconds(30), { (try? client.status()) != nil || !process.isRunning }), process.isRunning else {
            throw DaemonTestError(message: "newsd did not start; its log:\n\(log)")
        }
    }

    /// Sends `signal` and waits for the exit; returns the exit status.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM, timeout: Duration = .seconds(20)) async throws -> Int32? {
        guard let process else { return nil }
        if process.isRunning { process.signal(signal) }
        _ = try await waitUntil(timeout: timeout) { !process.isRunning }
        self.process = nil
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Whether the current run is alive.
    public var isRunning: Bool { process?.isRunning ?? false }

    /// The current run's log.
    public var log: String { logPaths.last.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } ?? "" }

    /// Every run's log, in order.
    public var allLogs: String { logPaths.compactMap { try? String(contentsOfFile: $0, encoding: .utf8) }.joined(separator: "\n---\n") }

    /// Waits until the status call satisfies `condition`.
    public func waitForStatus(timeout: Duration = .seconds(15), _ condition: @escaping (StatusResponse) -> Bool) async throws -> Bool {
        let client = self.client
        return try await waitUntil(timeout: timeout) { (try? client.status()).map(condition) ?? false }
    }

    deinit {
        // As `RunningDaemon` does, for every run: a connection newsd closed without answering
        // fails the test with the client's error alone, and the logs go with the folder.
        for path in logPaths {
            DaemonReport.reportUnanswered(socket: socket, log: (try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
        }
        // A run the test did not stop (`stop` forgets it): one that ended by itself, or one the
        // test left behind when an error ended it early.
        guard let process else { return }
        if process.isRunning {
            DaemonReport.write(socket: socket, "newsd's last run still runs at the end of its test, which did not stop it; what it logged of trouble (DaemonReport.troubles):",
                               DaemonReport.troubles(in: log))
            process.signal(SIGKILL)
            process.waitUntilExit()
        } else if !process.wasSent(SIGKILL) && !process.wasSent(SIGTERM) {
            DaemonReport.write(socket: socket, "newsd's last run exited by itself (status \(process.terminationStatus)); the end of its log:", DaemonReport.tail(of: log, 60))
        }
    }
}
