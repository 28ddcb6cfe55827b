import Foundation

/// A real systemd-journald for the journal tests. It runs here without systemd as PID 1:
/// when no journal socket exists, the tests start `/lib/systemd/systemd-journald` themselves.
public enum Journald {
    static let socket = "/run/systemd/journal/socket"
    static let binary = "/lib/systemd/systemd-journald"

    /// Whether a journal is running or can be started (needs root and Debian's systemd package).
    public static var isAvailable: Bool {
        FileManager.default.fileExists(atPath: socket)
            || (getuid() == 0 && FileManager.default.isExecutableFile(atPath: binary))
    }

    public static let unavailableReason: Comment = "needs a running systemd-journald, or root and /lib/systemd/systemd-journald to start one"

    /// Starts journald unless one is already listening, and waits for its socket.
    public static func ensureRunning() async throws {
        if FileManager.default.fileExists(atPath: socket) { return }
        // Left running for the rest of the test run, as a system's journal would be.
        _ = try ChildProcess(binary, [], environment: ChildProcess.environment([:]), outputPath: "/dev/null")
        guard try await waitUntil(timeout: .seconds(10), { FileManager.default.fileExists(atPath: socket) }) else {
            throw DaemonTestError(message: "systemd-journald did not create \(socket)")
        }
    }

    /// The entries of one process, as `journalctl -o json` prints them.
    public static func entries(pid: Int32, matching: [String] = []) throws -> [[String: String]] {
        let result = try runProcess("/usr/bin/journalctl", ["-o", "json", "--no-pager", "_PID=\(pid)"] + matching)
        return result.stdout.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return object.compactMapValues { $0 as? String }
        }
    }
}
