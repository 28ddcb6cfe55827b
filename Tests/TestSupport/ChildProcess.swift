import CLinux
import Foundation
import Synchronization

/// A child process started with posix_spawn and reaped with waitpid.
///
/// Foundation's `Process.waitUntilExit()` spins a run loop and, with both of this
/// machine's cooperative threads blocked in it, deadlocked the suite; plain system calls
/// cannot. The member names follow `Process`, so tests read the same.
public final class ChildProcess: Sendable {
    public let processIdentifier: pid_t
    private let exit = Mutex<Int32?>(nil)
    /// The signals this object sent the child.
    private let sent = Mutex<Set<Int32>>([])

    /// Starts `executable`. Standard input is `stdinFD` or /dev/null; standard output and error go
    /// to `outputPath` (appended) or, when nil, to the given descriptors.
    public init(_ executable: String, _ arguments: [String], environment: [String: String],
                outputPath: String? = nil, stdinFD: Int32? = nil, stdoutFD: Int32? = nil, stderrFD: Int32? = nil) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let stdinFD {
            posix_spawn_file_actions_adddup2(&actions, stdinFD, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        if let outputPath {
            posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else {
            if let stdoutFD { posix_spawn_file_actions_adddup2(&actions, stdoutFD, 1) }
            if let stderrFD { posix_spawn_file_actions_adddup2(&actions, stderrFD, 2) }
        }
        // Nothing but the standard three: a file another test is writing at this moment (Foundation
        // opens without close-on-exec) would otherwise stay open in this child, and its
        // IN_CLOSE_WRITE, which newsd waits for, would come only when the child ends.
        posix_spawn_file_actions_addclosefrom_np(&actions, 3)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        // The spawning thread may be a dispatch worker with signals blocked; a child inheriting
        // that mask ignores SIGTERM (systemd-socket-activate did, and hung the suite). Start
        // every child with no blocked signals and default dispositions.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw DaemonTestError(message: "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        processIdentifier = pid
    }

    /// The environment of this test process with `extra` on top (NEWSD_SOCKET removed).
    public static func environment(_ extra: [String: String]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "NEWSD_SOCKET")
        env.merge(extra) { $1 }
        return env
    }

    /// Whether the child still runs (reaps it when it has exited).
    public var isRunning: Bool {
        exit.withLock { status in
            if status != nil { return false }
            var raw: Int32 = 0
            if waitpid(processIdentifier, &raw, WNOHANG) == processIdentifier {
                status = Self.decode(raw)
                return false
            }
            return true
        }
    }

    /// Blocks until the child exits.
    public func waitUntilExit() {
        exit.withLock { status in
            guard status == nil else { return }
            var raw: Int32 = 0
            while waitpid(processIdentifier, &raw, 0) < 0 && errno == EINTR {}
            status = Self.decode(raw)
        }
    }

    /// The exit code, or 128 + the signal that ended it (as shells report it).
    public var terminationStatus: Int32 { exit.withLock { $0 } ?? -1 }

    /// Sends `signal`, unless the child has already been reaped: its number may name another
    /// process by then (with pid_max at 32,768 the numbers wrap within a run of the suite, whose
    /// daemons start and end threads all the time), and a stray SIGTERM would stop another test's
    /// newsd mid-request. Reaping happens under the same lock, so the check cannot go stale.
    @discardableResult
    public func signal(_ signal: Int32) -> Bool {
        exit.withLock { status in
            guard status == nil else { return false }
            sent.withLock { _ = $0.insert(signal) }
            return kill(processIdentifier, signal) == 0
        }
    }

    /// Whether this object ever sent the child `signal` (a child killed by one it was not sent
    /// here was killed by something else: the kernel's out-of-memory killer, another process).
    public func wasSent(_ signal: Int32) -> Bool { sent.withLock { $0.contains(signal) } }

    /// Sends SIGTERM (unless the child has been reaped).
    public func terminate() { signal(SIGTERM) }

    private static func decode(_ raw: Int32) -> Int32 {
        let signal = raw & 0x7F
        return signal == 0 ? (raw >> 8) & 0xFF : 128 + signal
    }
}
