import Foundation
import Logging
import NewsCore
import NewsDaemon
import NewsSystem

/// The HTTP request path: a whole newsd (index, ingest, control server) runs in this process on a
/// socket of its own; each input is sent over a new connection as raw bytes. No answer may be a
/// 500 `internal`, and newsd must answer a status request after every input. (An incomplete
/// request whose client half-closes may get no answer: the connection waits for the rest until
/// the server's 30 s idle timeout, which bounds it, as the connection cap bounds how many wait.)
enum FuzzHTTP {
    /// The daemon's socket, once it answers.
    static let socket: String = {
        let root = NSTemporaryDirectory() + "newsd-fuzz-http-\(getpid())"
        let inbox = root + "/inbox"
        try? FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        try? "Storm closes port\n\nThe storm hit the harbour at dawn.\n".write(toFile: inbox + "/a.txt", atomically: false, encoding: .utf8)
        try? "Café owners protest\n\nThe café association protested.\n".write(toFile: inbox + "/b.txt", atomically: false, encoding: .utf8)
        let values = ["inbox": inbox, "state_dir": root + "/state", "socket": root + "/newsd.sock", "query_timeout_ms": "500"]
        let config = try! DaemonConfig.resolve(source: "the fuzz harness") { values[$0] }
        var logger = Logger(label: "newsd-fuzz")
        logger.logLevel = .critical
        let quiet = logger
        Thread.detachNewThread {
            let done = DispatchSemaphore(value: 0)
            Task {
                do {
                    try await Daemon.run(config: config, reload: { config }, logLevel: LogLevelSetting(.critical), logger: quiet)
                } catch {
                    fatalError("the daemon under fuzzing stopped: \(error)")
                }
                done.signal()
            }
            done.wait()
        }
        for _ in 0..<1000 {
            if let answer = exchange(Array("GET /v1/status HTTP/1.1\r\nHost: newsd\r\n\r\n".utf8), socket: config.socketPath), answer.hasPrefix("HTTP/1.1 200") {
                return config.socketPath
            }
            usleep(10_000)
        }
        fatalError("the daemon under fuzzing did not answer")
    }()

    static func run(_ bytes: [UInt8]) {
        let answer = exchange(bytes, socket: socket, waiting: .seconds(2)) ?? ""
        if answer.hasPrefix("HTTP/1.1 500") {
            precondition(!answer.contains("\"internal\""), "a 500 internal for \(String(decoding: bytes.prefix(200), as: UTF8.self).debugDescription): \(answer.prefix(300))")
        }
        // Still serving.
        let status = exchange(Array("GET /v1/status HTTP/1.1\r\nHost: newsd\r\n\r\n".utf8), socket: socket, waiting: .seconds(30))
        precondition(status?.hasPrefix("HTTP/1.1 200") == true,
                     "newsd stopped answering after \(String(decoding: bytes.prefix(200), as: UTF8.self).debugDescription): \(status?.prefix(300).debugDescription ?? "no answer in 30 s")")
    }

    /// Sends `bytes` on a new connection, closes the sending side, and returns what comes back
    /// until newsd closes the connection; nil if it does not close it within `waiting`.
    static func exchange(_ bytes: [UInt8], socket path: String, waiting: Duration = .seconds(5)) -> String? {
        let fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return "" }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (offset, byte) in path.utf8.enumerated() { buffer[offset] = byte }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { return "" }
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        shutdown(fd, Int32(SHUT_WR))
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = ContinuousClock.now + waiting
        while ContinuousClock.now < deadline {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            // libFuzzer's timers interrupt system calls (EINTR): that is no answer, just a retry.
            if poll(&poller, 1, 100) < 0 && errno != EINTR { break }
            if poller.revents == 0 { continue }
            let got = read(fd, &buffer, buffer.count)
            if got < 0 && errno == EINTR { continue }
            if got <= 0 { return String(decoding: received, as: UTF8.self) }
            received += buffer[0..<got]
        }
        return nil
    }
}
