import Foundation
import Synchronization
import NewsClient

/// Ingest under load: the corpus moved into a running newsd's empty inbox while query clients
/// search without pause, a prober asks for status every 50 ms, and newsd pings a watchdog
/// (a real sd_notify datagram socket) — how long status and the watchdog wait while the writer,
/// the readers and the query clients all want the 2 cores.
enum LoadedIngest {
    struct Result {
        var seconds: Double
        var status: Samples
        /// The longest time between two WATCHDOG=1 pings, and the interval newsd pings at.
        var longestPingGap: Double
        var pingInterval: Double
        var queries: Samples
        /// Lines of newsd's log that explain a gap: watchdog pings withheld (with what the ingest
        /// loop was doing and for how long), and rescans of the whole inbox after the kernel's
        /// inotify queue overflowed (a burst of files moved faster than they were read).
        var withheldPings: [String]
        var overflowRescans: Int
    }

    static func run(binary: String, corpus: String, names: [String], work: String, queries: [String], clients: Int) throws -> Result {
        let inbox = work + "/loaded-inbox", state = work + "/loaded-state", socket = work + "/loaded.sock"
        for folder in [inbox, state] {
            try? FileManager.default.removeItem(atPath: folder)
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        let pings = try PingRecorder(path: work + "/notify.sock")
        // WATCHDOG_USEC of 2 s: newsd pings every second while healthy.
        let logPath = work + "/loaded-newsd.log"
        let daemon = try NewsdRunner(binary: binary, inbox: inbox, state: state, socket: socket,
                                     environment: ["NOTIFY_SOCKET": pings.path, "WATCHDOG_USEC": "2000000"], logPath: logPath)
        defer { daemon.stop() }
        _ = daemon.waitUntilAnswering()
        // A small archive to search from the first moment.
        for name in names.prefix(200) { rename(corpus + "/" + name, inbox + "/" + name) }
        _ = daemon.waitUntilSettled(files: 200, since: now())

        let stop = Atomic<Bool>(false)
        let statusSamples = Mutex(Samples()), querySamples = Mutex(Samples())
        let group = DispatchGroup()
        group.enter()
        Thread.detachNewThread {
            let client = NewsClient(socketPath: socket, timeoutSeconds: 60)
            var local = Samples()
            while !stop.load(ordering: .relaxed) {
                let t0 = now()
                _ = try? client.status()
                local.add((now() - t0) * 1000)
                usleep(50_000)
            }
            statusSamples.withLock { $0 = local }
            group.leave()
        }
        for worker in 0..<clients {
            group.enter()
            Thread.detachNewThread {
                let client = NewsClient(socketPath: socket, timeoutSeconds: 60)
                var local = Samples(), next = worker
                while !stop.load(ordering: .relaxed) {
                    let t0 = now()
                    _ = try? client.search(queries[next % queries.count], limit: 10)
                    local.add((now() - t0) * 1000)
                    next += 1
                }
                querySamples.withLock { samples in for value in local.values { samples.add(value) } }
                group.leave()
            }
        }
        let start = now()
        pings.reset()
        for name in names.dropFirst(200) { rename(corpus + "/" + name, inbox + "/" + name) }
        let seconds = daemon.waitUntilSettled(files: names.count, since: start) ?? .nan
        let longestGap = pings.longestGap(until: now())
        stop.store(true, ordering: .relaxed)
        group.wait()
        for name in names { rename(inbox + "/" + name, corpus + "/" + name) }
        let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        let lines = log.split(separator: "\n").map(String.init)
        let withheld = lines.filter { $0.contains("event=watchdog-stall") || $0.contains("event=watchdog-unanswered") }
        for line in withheld { FileHandle.standardError.write(Data("newsd-bench: under load: \(line)\n".utf8)) }
        return Result(seconds: seconds, status: statusSamples.withLock { $0 }, longestPingGap: longestGap, pingInterval: 1,
                      queries: querySamples.withLock { $0 }, withheldPings: withheld,
                      overflowRescans: lines.filter { $0.contains("event=overflow") }.count)
    }
}

/// A Unix datagram socket standing in for systemd's notify socket: records when each
/// WATCHDOG=1 arrives.
final class PingRecorder: @unchecked Sendable {
    let path: String
    private let fd: Int32
    private final class Times: Sendable { let list = Mutex<[Double]>([]) }
    private let times = Times()

    init(path: String) throws {
        self.path = path
        unlink(path)
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(path.utf8)
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard fd >= 0, bound == 0 else { throw POSIXError(.EADDRINUSE) }
        let socketFD = fd, times = times
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = buffer.withUnsafeMutableBytes { recv(socketFD, $0.baseAddress, $0.count, 0) }
                if count <= 0 { if errno == EINTR { continue } else { return } }
                if String(decoding: buffer[0..<count], as: UTF8.self).contains("WATCHDOG=1") {
                    let at = now()
                    times.list.withLock { $0.append(at) }
                }
            }
        }
    }

    /// Forgets the pings so far: gaps are measured from now on.
    func reset() { times.list.withLock { $0 = [now()] } }

    /// The longest time without a ping between the last reset and `end`.
    func longestGap(until end: Double) -> Double {
        let list = times.list.withLock { $0 } + [end]
        return zip(list, list.dropFirst()).map { $1 - $0 }.max() ?? .nan
    }

    deinit {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
        unlink(path)
    }
}
