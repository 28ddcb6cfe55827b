import Foundation
import Synchronization

/// A real sd_notify peer: a Unix datagram socket that records every message newsd sends,
/// as systemd's manager would receive them. Point newsd at it with NOTIFY_SOCKET.
public final class NotifySocket: @unchecked Sendable {
    public let path: String
    private let fd: Int32
    private let received = Inbox()

    /// Messages received so far with when each arrived, shared with the reader thread.
    final class Inbox: Sendable {
        let messages = Mutex<[(at: ContinuousClock.Instant, text: String)]>([])
        /// Set when the socket goes: the reader closes the descriptor and ends.
        let stopped = Atomic<Bool>(false)
    }

    public init(path: String) throws {
        self.path = path
        let fd = bindUnixSocket(at: path, type: Int32(SOCK_DGRAM.rawValue))
        guard fd >= 0 else { throw DaemonTestError(message: "cannot bind \(path)") }
        self.fd = fd
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let received = self.received
        // The reader alone closes the descriptor, once the socket is gone: closed from `deinit`
        // while it still read, its number could name another test's socket a moment later (a
        // client's connection, whose answer the reader would take), and a shut-down socket
        // answers every read at once with nothing, which spun this thread on a whole core.
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                let failed = count < 0 && errno != EAGAIN && errno != EINTR
                if received.stopped.load(ordering: .acquiring) || failed {
                    close(fd)
                    return
                }
                if count > 0 {
                    let message = String(decoding: buffer[0..<count], as: UTF8.self)
                    received.messages.withLock { $0.append((ContinuousClock.now, message)) }
                }
            }
        }
    }

    /// Every datagram so far, in order.
    public var messages: [String] { received.messages.withLock { $0.map(\.text) } }

    /// Every datagram so far with the moment it arrived, in order: how long newsd said
    /// something (a state in its STATUS= line) is read from these, not from polling.
    public var timedMessages: [(at: ContinuousClock.Instant, text: String)] { received.messages.withLock { $0 } }

    /// Whether some datagram contains `text`.
    public func saw(_ text: String) -> Bool { messages.contains { $0.contains(text) } }

    deinit {
        // Wakes the reader (its wait also ends every 100 ms), which then closes the descriptor.
        received.stopped.store(true, ordering: .releasing)
        shutdown(fd, Int32(SHUT_RDWR))
    }
}

/// Creates a Unix socket of `type` bound to `path`; returns its descriptor, or -1.
public func bindUnixSocket(at path: String, type: Int32 = Int32(SOCK_STREAM.rawValue)) -> Int32 {
    let fd = socket(AF_UNIX, type | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { return -1 }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { close(fd); return -1 }
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        raw.copyBytes(from: bytes)
        raw[bytes.count] = 0
    }
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    if result != 0 { close(fd); return -1 }
    return fd
}
