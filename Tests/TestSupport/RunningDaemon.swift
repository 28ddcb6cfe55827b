import Foundation
import NewsClient
import Synchronization
import Testing

/// The real `newsd` binary running on a temporary inbox, state folder and socket.
public final class RunningDaemon: @unchecked Sendable {
    public let root: TemporaryFolder
    public let inbox: String
    public let stateDir: String
    public let socket: String
    public let process: ChildProcess
    public let logPath: String
    public var client: NewsClient { NewsClient(socketPath: socket, timeoutSeconds: 10) }
    /// Whether the test stopped it (`stop`): an exit it did not ask for is reported with the log.
    private let stopAsked = Atomic(false)

    /// Starts newsd and waits until it answers on its socket. `prepare` runs before the start
    /// (to put files in the inbox, say).
    public init(extraArguments: [String] = [], environment: [String: String] = [:], prepare: (String) throws -> Void = { _ in }) async throws {
        root = TemporaryFolder("newsd-e2e")
        inbox = root.folder("inbox")
        stateDir = root.file("state")
        socket = root.file("newsd.sock")
        logPath = root.file("newsd.log")
        try prepare(inbox)
        process = try Self.launch(arguments: ["--inbox", inbox, "--state-dir", stateDir, "--socket", socket, "--log-level", "debug"] + extraArguments,
                                  logPath: logPath, environment: environment)
        let client = NewsClient(socketPath: socket, timeoutSeconds: 10)
        let process = self.process
        guard try await waitUntil({ (try? client.status()) != nil || !process.isRunning }), process.isRunning else {
            throw DaemonTestError(message: "newsd did not start; its log:\n\(log)")
        }
    }

    /// Starts the newsd binary with `arguments`, stderr going to `logPath`.
    public static func launch(arguments: [String], logPath: String, environment: [String: String] = [:]) throws -> ChildProcess {
        // A crash's backtrace, in the log, shows every thread (a stop that hangs is a thread
        // blocked somewhere), and is written in seconds rather than the half minute full
        // symbolication takes on a loaded machine.
        let environment = ["SWIFT_BACKTRACE": "enable=yes,interactive=no,threads=all,symbolicate=fast"].merging(environment) { $1 }
        return try launchCommand(BuiltProducts.newsd, arguments, logPath: logPath, environment: environment)
    }

    /// Starts `executable` (newsd, or a wrapper such as setpriv) with output going to `logPath`.
    public static func launchCommand(_ executable: String, _ arguments: [String], logPath: String, environment: [String: String] = [:]) throws -> ChildProcess {
        if !FileManager.default.fileExists(atPath: logPath) { _ = FileManager.default.createFile(atPath: logPath, contents: nil) }
        return try ChildProcess(executable, arguments, environment: ChildProcess.environment(environment), outputPath: logPath)
    }

    /// What newsd has logged so far.
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// `waitUntil`, printing the end of newsd's log when `condition` is not met in time: the
    /// log goes with the daemon's folder, and a test that fails while newsd runs would leave
    /// nothing to tell why (a late event, a retried batch, one never seen).
    public func waitUntil(timeout: Duration = .seconds(60), _ condition: () throws -> Bool) async throws -> Bool {
        let met: Bool
        do {
            met = try await TestSupport.waitUntil(timeout: timeout, condition)
        } catch {
            // The last try threw (the others are retried): what newsd was doing then.
            DaemonReport.write(socket: socket, "newsd (running: \(process.isRunning)) did not get there in \(timeout), the last try failing with \(error); the end of its log:",
                               DaemonReport.tail(of: log, 80))
            throw error
        }
        if !met {
            DaemonReport.write(socket: socket, "newsd did not get there in \(timeout); the end of its log:", DaemonReport.tail(of: log, 80))
        }
        return met
    }

    /// Runs `body`; if it throws (a request refused, a connection closed), prints the end of
    /// each daemon's log before passing the error on, since the logs go with the daemons' folders.
    public static func showingLogs<T>(of daemons: [RunningDaemon], _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            for daemon in daemons {
                DaemonReport.write(socket: daemon.socket, "newsd (running: \(daemon.process.isRunning)) when the test failed with \(error); the end of its log:",
                                   DaemonReport.tail(of: daemon.log, 120))
            }
            throw error
        }
    }

    /// Waits until the status call satisfies `condition`.
    public func waitForStatus(timeout: Duration = .seconds(15), _ condition: @escaping (StatusResponse) -> Bool) async throws -> Bool {
        let client = self.client
        return try await waitUntil(timeout: timeout) { (try? client.status()).map(condition) ?? false }
    }

    /// Sends SIGTERM and waits for the exit status. A stop asked with SIGTERM or SIGINT must end
    /// with status 0 within `stopLimit`: otherwise the test fails with the end of newsd's log (a
    /// stop that overran ServiceLifecycle's limits ends in its fatal error, with a backtrace).
    @discardableResult
    public func stop(signal: Int32 = SIGTERM, sourceLocation: SourceLocation = #_sourceLocation) async throws -> Int32 {
        stopAsked.store(true, ordering: .relaxed)
        if process.isRunning { process.signal(signal) }
        let process = self.process
        let ended = try await TestSupport.waitUntil(timeout: Self.stopLimit) { !process.isRunning }
        guard signal == SIGTERM || signal == SIGINT else { return ended ? process.terminationStatus : -1 }
        if !ended || process.terminationStatus != 0 {
            let how = ended ? "ended with status \(process.terminationStatus)" : "still ran \(Self.stopLimit) later"
            DaemonReport.write(socket: socket, "newsd, asked to stop, \(how); the end of its log:", DaemonReport.tail(of: log, 120))
            Issue.record("newsd did not stop cleanly: it \(how) (the report lines of \(socket) show its log)", sourceLocation: sourceLocation)
        }
        return ended ? process.terminationStatus : -1
    }

    /// How long a stop may take: past the 10 s of graceful shutdown and the 5 s of
    /// cancellation newsd allows itself, and the time a crash's backtrace takes to be written.
    static let stopLimit = Duration.seconds(60)

    /// Runs `newsctl` against this daemon's socket.
    public func newsctl(_ arguments: String...) throws -> ProcessResult {
        try runProcess(BuiltProducts.newsctl, arguments, environment: ["NEWSD_SOCKET": socket, "NO_COLOR": "1"])
    }

    deinit {
        // A connection newsd closed without answering fails the test with the client's error
        // alone, while newsd runs on and its log goes with the folder: what it said of the
        // connection, and what it was doing then, are kept in the test's output.
        let log = self.log
        DaemonReport.reportUnanswered(socket: socket, log: log)
        if process.isRunning {
            if !stopAsked.load(ordering: .relaxed) {
                // The test ended before stopping newsd (a thrown error ends it early): whether
                // newsd still answers, and what it warned of, tell a crash or a stall from a
                // dropped connection. A newsd that cannot answer may be dumping core, or stopping
                // after a signal the test did not send.
                if let problem = notAnswering() {
                    DaemonReport.write(socket: socket, "newsd (pid \(process.processIdentifier)) does not answer at the end of its test (\(problem)); \(Self.processState(process.processIdentifier)); the end of its log:",
                                       DaemonReport.tail(of: log, 60))
                } else {
                    DaemonReport.write(socket: socket, "newsd still runs and answers at the end of its test, which did not stop it; what it logged of trouble (DaemonReport.troubles):",
                                       DaemonReport.troubles(in: log))
                }
            }
            process.signal(SIGKILL)
            process.waitUntilExit()
        } else if !stopAsked.load(ordering: .relaxed), !(process.terminationStatus == 128 + SIGKILL && process.wasSent(SIGKILL)) {
            // SIGKILL is what crash tests send it; one they did not send came from elsewhere
            // (the out-of-memory killer, say).
            let how = process.terminationStatus == 128 + SIGKILL ? "was killed by a SIGKILL the test did not send" : "exited by itself"
            DaemonReport.write(socket: socket, "newsd \(how) (status \(process.terminationStatus)); the end of its log:", DaemonReport.tail(of: log, 60))
        }
    }
}

extension RunningDaemon {
    /// Why a last status request got no answer; nil when it got one (an error body counts).
    fileprivate func notAnswering() -> String? {
        do throws(ClientError) {
            _ = try NewsClient(socketPath: socket, timeoutSeconds: 5).status()
            return nil
        } catch {
            if case .api = error { return nil }
            return "\(error)"
        }
    }

    /// The kernel's view of a process: its state and whether it is writing a core dump.
    fileprivate static func processState(_ pid: pid_t) -> String {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let wanted = status.split(separator: "\n").filter { $0.hasPrefix("State:") || $0.hasPrefix("CoreDumping:") || $0.hasPrefix("SigPnd:") || $0.hasPrefix("ShdPnd:") }
        return wanted.isEmpty ? "no /proc entry" : wanted.map { $0.replacingOccurrences(of: "\t", with: " ") }.joined(separator: ", ")
    }
}

public struct DaemonTestError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
