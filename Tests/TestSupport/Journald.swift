import Foundation

/// A real systemd-journald for the journal tests. It runs here without systemd as PID 1:
/// when no journal socket exists, the tests start `/lib/systemd/systemd-journald` themselves.
public enum Journald {
    static let socket = "/run/systemd/journal/socket"
    static let binary = "/lib/systemd/systemd-journald"

    /// Whether a journal is running or can be started (needs root and Debian's systemd package).
    public static var isAvailable: Bool {
        isListening || (getuid() == 0 && FileManager.default.isExecutableFile(atPath: binary))
    }

    /// Whether a journald answers on the socket. The file alone proves nothing: a journald that
    /// exited (or a machine image built with one running) leaves it behind, and datagrams sent
    /// to it are refused.
    static var isListening: Bool {
        let fd = Foundation.socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: socket.utf8.prefix(raw.count - 1))
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0
            }
        }
    }

    public static let unavailableReason: Comment = "needs a running systemd-journald, or root and /lib/systemd/systemd-journald to start one"

    /// Starts journald unless one is already listening, and waits until it answers.
    /// Tests run in parallel; they share one start so that two journalds never race for the socket.
    public static func ensureRunning() async throws {
        try await sharedStart.value
    }

    private static let sharedStart = Task<Void, Error> {
        if isListening { return }
        // Left running for the rest of the test run, as a system's journal would be.
        _ = try ChildProcess(binary, [], environment: ChildProcess.environment([:]), outputPath: "/dev/null")
        guard try await waitUntil(timeout: .seconds(10), { isListening }) else {
            throw DaemonTestError(message: "systemd-journald did not start listening on \(socket)")
        }
    }

    /// The entries of one process, as `journalctl -o json` prints them: those of `pid` written
    /// at `since` or later. (The journal outlives processes, and a pid is used again: an earlier
    /// process with this pid, in this run or a run before, has entries of its own.)
    public static func entries(pid: Int32, since: Date, matching: [String] = []) throws -> [[String: String]] {
        let result = try runProcess("/usr/bin/journalctl", ["-o", "json", "--no-pager", "_PID=\(pid)"] + matching)
        let sinceMicroseconds = UInt64(since.timeIntervalSince1970 * 1_000_000)
        return result.stdout.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            let entry = object.compactMapValues { $0 as? String }
            guard let written = entry["__REALTIME_TIMESTAMP"].flatMap(UInt64.init), written >= sinceMicroseconds else { return nil }
            return entry
        }
    }
}
