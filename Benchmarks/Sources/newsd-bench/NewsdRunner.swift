import Foundation
import NewsClient

/// One newsd process under measurement, started from the built binary.
final class NewsdRunner {
    let process: Process
    let client: NewsClient
    let socket: String

    /// `logPath`: where newsd's warnings and errors go (nowhere when nil).
    init(binary: String, inbox: String, state: String, socket: String, environment: [String: String] = [:], logPath: String? = nil) throws {
        self.socket = socket
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--inbox", inbox, "--state-dir", state, "--socket", socket, "--log-level", "warning", "--log", "stderr"]
            + NewsdRunner.sharedArchiveArguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let logPath, FileManager.default.createFile(atPath: logPath, contents: nil), let log = FileHandle(forWritingAtPath: logPath) {
            process.standardError = log
        } else {
            process.standardError = FileHandle.nullDevice
        }
        process.standardOutput = FileHandle.nullDevice
        client = NewsClient(socketPath: socket, timeoutSeconds: 60)
        try process.run()
    }

    var pid: pid_t { process.processIdentifier }

    /// `--index-url` when the benchmark measures a shared PostgreSQL archive (`NEWSD_BENCH_INDEX_URL`).
    static var sharedArchiveArguments: [String] {
        ProcessInfo.processInfo.environment["NEWSD_BENCH_INDEX_URL"].map { ["--index-url", $0, "--host-id", "bench"] } ?? []
    }

    /// Seconds until the socket answers.
    func waitUntilAnswering(timeout: Double = 120) -> Double? {
        let start = now()
        while now() - start < timeout {
            if (try? client.status()) != nil { return now() - start }
            usleep(1000)
        }
        return nil
    }

    /// Waits until every one of `files` inbox files is indexed or failed and nothing is pending;
    /// returns the seconds from `start`, sampling peak memory on the way.
    func waitUntilSettled(files: Int, since start: Double, timeout: Double = 7200) -> Double? {
        while now() - start < timeout {
            if let status = try? client.status(), status.files + status.failed >= files,
               status.pending == 0, status.progress == nil, status.state == "idle" || status.state == "placing" {
                return now() - start
            }
            // Every 10 ms: a status call counts stories and outlets, and polling it faster would
            // take the CPU the ingest being measured needs.
            usleep(10_000)
        }
        return nil
    }

    /// Waits until every article is placed in a story; returns the seconds from `start`.
    func waitUntilPlaced(since start: Double, timeout: Double = 7200) -> Double? {
        while now() - start < timeout {
            if let status = try? client.status(), status.unplaced == 0, status.state == "idle" { return now() - start }
            // A shared archive's status counts rows in the database: asked less often, so that
            // the asking does not slow the placement it measures.
            usleep(Self.sharedArchiveArguments.isEmpty ? 5000 : 100_000)
        }
        return nil
    }

    /// Waits until the daemon has used no more than 1% of a core for `quiet` seconds: the idle
    /// work after placement (full-text merging and rewriting, checkpoint, recompressing text)
    /// is done. Returns the seconds from `start` to the beginning of that quiet spell.
    func waitUntilQuiet(since start: Double, quiet: Double = 3, timeout: Double = 7200) -> Double? {
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        var samples: [(time: Double, cpu: Double)] = []
        while now() - start < timeout {
            guard let cpu = cpuSeconds(ticksPerSecond) else { return nil }
            let time = now()
            samples.append((time, cpu))
            if let first = samples.first(where: { time - $0.time <= quiet }), let oldest = samples.first,
               time - oldest.time >= quiet, cpu - first.cpu <= 0.01 * (time - first.time) {
                return first.time - start
            }
            samples.removeAll { time - $0.time > quiet + 0.5 }
            usleep(100_000)
        }
        return nil
    }

    /// User and system CPU seconds the daemon has used, from /proc.
    private func cpuSeconds(_ ticksPerSecond: Double) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        // After the command's closing parenthesis: state is field 3, utime 14 and stime 15.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / ticksPerSecond
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}
