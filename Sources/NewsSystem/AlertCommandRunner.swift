import CLinux
import Dispatch
import Foundation
import Glibc
import Synchronization

/// Runs the configured `alert_command` for one alert match: `/bin/sh -c COMMAND` in a process
/// group of its own, the match as JSON on its standard input, stopped (the whole group: the
/// shell and whatever it started) after a time limit. Blocks its thread until the command ends:
/// call it off Swift's cooperative pool.
public enum AlertCommandRunner {
    /// Runs `command`; returns nil when it exited with status 0, else what went wrong.
    public static func run(_ command: String, input: [UInt8], environment: [String: String], timeout: Duration) -> AlertCommandFailure? {
        var stdinPipe: [Int32] = [-1, -1], outputPipe: [Int32] = [-1, -1]
        guard pipe2(&stdinPipe, O_CLOEXEC) == 0 else { return failure(.cannotStart, "cannot make a pipe: \(errorText())") }
        guard pipe2(&outputPipe, O_CLOEXEC) == 0 else {
            stdinPipe.forEach { close($0) }
            return failure(.cannotStart, "cannot make a pipe: \(errorText())")
        }
        let pid: pid_t
        do {
            pid = try spawn(command, environment: environment, stdin: stdinPipe[0], output: outputPipe[1])
        } catch {
            (stdinPipe + outputPipe).forEach { close($0) }
            return failure(.cannotStart, error.description)
        }
        close(stdinPipe[0])
        close(outputPipe[1])
        // Input and output move on threads of their own: a command that reads nothing, or
        // writes more than a pipe holds, must neither block newsd nor itself.
        let tail = OutputTail()
        let readerDone = DispatchSemaphore(value: 0)
        let (inputFD, outputFD) = (stdinPipe[1], outputPipe[0])
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(outputFD, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                tail.append(buffer[0..<count])
            }
            close(outputFD)
            readerDone.signal()
        }
        Thread.detachNewThread {
            var written = 0
            while written < input.count {
                // MSG_NOSIGNAL does not exist for pipes: SIGPIPE is ignored process-wide instead.
                let count = input.withUnsafeBytes { write(inputFD, $0.baseAddress! + written, $0.count - written) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                written += count
            }
            close(inputFD)
        }
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        var status: Int32 = 0
        let timedOut = !waitForExit(pid, seconds: seconds, status: &status)
        if timedOut {
            kill(-pid, SIGTERM)
            waitForEnd(of: pid, atMost: 2)
            // Whatever is left of the command's group goes, before its leader is reaped: until then
            // the number names this group alone, never one that another process took it for.
            kill(-pid, SIGKILL)
            _ = waitForExit(pid, seconds: .infinity, status: &status)
        }
        _ = readerDone.wait(timeout: .now() + 1)
        if timedOut {
            return AlertCommandFailure(kind: .timedOut, detail: "still running after \(Int(seconds)) s; stopped", output: tail.text)
        }
        let signal = status & 0x7F
        if signal != 0 { return AlertCommandFailure(kind: .failed, detail: "killed by signal \(signal)", output: tail.text) }
        let code = (status >> 8) & 0xFF
        return code == 0 ? nil : AlertCommandFailure(kind: .failed, detail: "exited with status \(code)", output: tail.text)
    }

    private static func spawn(_ command: String, environment: [String: String], stdin: Int32, output: Int32) throws(SpawnError) -> pid_t {
        // A command that exits without reading its input must not take newsd down with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, output, 2)
        // The command gets its standard three only, none of newsd's files, sockets or databases.
        posix_spawn_file_actions_addclosefrom_np(&actions, 3)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A group of its own, so that a time-out stops everything the command started; default
        // signal handling and mask, whatever the spawning thread had.
        posix_spawnattr_setpgroup(&attributes, 0)
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let arguments: [String] = ["/bin/sh", "-c", command]
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, envp)
        guard result == 0 else { throw SpawnError(description: "cannot start /bin/sh: \(String(cString: strerror(result)))") }
        return pid
    }

    /// Waits until `pid` ends, at most `seconds`, leaving it unreaped (a zombie keeps its process
    /// group's number). Without a pidfd (an older kernel) it waits the whole grace period.
    private static func waitForEnd(of pid: pid_t, atMost seconds: Double) {
        let pidfd = pidfd_open(pid, 0)
        guard pidfd >= 0 else {
            usleep(UInt32(seconds * 1_000_000))
            return
        }
        defer { close(pidfd) }
        var entry = pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)
        while poll(&entry, 1, Int32(seconds * 1000)) < 0 && errno == EINTR {}
    }

    /// Waits up to `seconds` for `pid` to end (through its pidfd, or by polling where the kernel
    /// has none); true, with its wait status, when it ended.
    private static func waitForExit(_ pid: pid_t, seconds: Double, status: inout Int32) -> Bool {
        let deadline = DispatchTime.now().uptimeNanoseconds &+ UInt64(min(seconds, 1e9) * 1e9)
        let pidfd = pidfd_open(pid, 0)
        defer { if pidfd >= 0 { close(pidfd) } }
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid || (reaped < 0 && errno == ECHILD) { return true }
            let now = DispatchTime.now().uptimeNanoseconds
            guard now < deadline else { return false }
            let left = Int32(min(Double(deadline - now) / 1e6 + 1, 60_000))
            if pidfd >= 0 {
                var entry = pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)
                _ = poll(&entry, 1, left)
            } else {
                usleep(UInt32(min(left, 50)) * 1000)
            }
        }
    }

    private static func failure(_ kind: AlertCommandFailure.Kind, _ detail: String) -> AlertCommandFailure {
        AlertCommandFailure(kind: kind, detail: detail, output: "")
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }

    private struct SpawnError: Error, CustomStringConvertible { let description: String }

    /// The last bytes a command printed, kept for the log.
    private final class OutputTail: Sendable {
        private let bytes = Mutex<[UInt8]>([])
        static let keep = 512

        func append(_ chunk: ArraySlice<UInt8>) {
            bytes.withLock { bytes in
                bytes += chunk
                if bytes.count > Self.keep { bytes.removeFirst(bytes.count - Self.keep) }
            }
        }

        var text: String {
            bytes.withLock { String(decoding: $0, as: UTF8.self) }.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }
}

/// Why an alert command did not succeed.
public struct AlertCommandFailure: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable { case cannotStart = "cannot-start", timedOut = "timed-out", failed }
    public let kind: Kind
    public let detail: String
    /// The end of what it printed (standard output and error).
    public let output: String

    public var description: String { output.isEmpty ? detail : "\(detail): \(output)" }
}
