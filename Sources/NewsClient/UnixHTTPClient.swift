import Glibc

/// Why a request to newsd did not get an answer.
public enum ClientError: Error, Sendable, CustomStringConvertible {
    /// Nothing accepts connections on the socket (no daemon, wrong path, no permission).
    case unreachable(socket: String, reason: String)
    /// The daemon answered with an error body.
    case api(status: Int, APIErrorResponse)
    /// The answer could not be understood.
    case badResponse(String)
    /// The connection ended before a single byte of answer: newsd stopped, restarted or broke
    /// off while handling the request.
    case closedWithoutAnswer(socket: String)

    public var description: String {
        switch self {
        case .unreachable(let socket, let reason): "newsd is not reachable at \(socket): \(reason)"
        case .api(_, let body): body.error.message
        case .badResponse(let reason): "newsd sent a response newsctl cannot read: \(reason)"
        case .closedWithoutAnswer(let socket):
            "newsd at \(socket) closed the connection without answering; it may have stopped or restarted (its log says why: journalctl -u newsd)"
        }
    }
}

/// A reply to an HTTP request.
public struct HTTPReply: Sendable {
    public var status: Int
    public var body: [UInt8]
}

/// A minimal HTTP/1.1 client over a Unix domain socket: one request per connection,
/// no retries, so a missing daemon is reported at once. Small on purpose: newsctl must start fast.
public struct UnixHTTPClient: Sendable {
    public let socketPath: String
    /// Longest wait for the answer before giving up.
    public var timeoutSeconds: Int

    public init(socketPath: String, timeoutSeconds: Int = 30) {
        self.socketPath = socketPath
        self.timeoutSeconds = timeoutSeconds
    }

    /// Sends `GET target` and returns the status and body.
    public func get(_ target: String) throws(ClientError) -> HTTPReply {
        try send("GET \(target) HTTP/1.1\r\nHost: localhost\r\nUser-Agent: newsctl\r\nAccept: application/json\r\nConnection: close\r\n\r\n")
    }

    /// Sends `POST target` with an empty body.
    public func post(_ target: String) throws(ClientError) -> HTTPReply {
        try send("POST \(target) HTTP/1.1\r\nHost: localhost\r\nUser-Agent: newsctl\r\nAccept: application/json\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    }

    /// Sends `POST target` with a form body (`name=value&…`, already encoded).
    public func post(_ target: String, form: String) throws(ClientError) -> HTTPReply {
        try send("POST \(target) HTTP/1.1\r\nHost: localhost\r\nUser-Agent: newsctl\r\nAccept: application/json\r\n"
                 + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(form.utf8.count)\r\nConnection: close\r\n\r\n" + form)
    }

    /// Sends `DELETE target`.
    public func delete(_ target: String) throws(ClientError) -> HTTPReply {
        try send("DELETE \(target) HTTP/1.1\r\nHost: localhost\r\nUser-Agent: newsctl\r\nAccept: application/json\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    }

    /// Sends raw request bytes (used by tests to send malformed requests) and reads the reply.
    public func send(_ request: String) throws(ClientError) -> HTTPReply {
        let fd = try connectSocket()
        defer { close(fd) }
        try sendAll(fd, request)
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { throw .badResponse("no answer within \(timeoutSeconds) s") }
                throw .badResponse("reading failed: \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            response.append(contentsOf: chunk[0..<count])
            if let reply = try HTTPResponseParser.complete(response) { return reply }
        }
        if response.isEmpty { throw .closedWithoutAnswer(socket: socketPath) }
        guard let reply = try HTTPResponseParser.complete(response, atEOF: true) else {
            throw .badResponse("the connection closed before a full response arrived")
        }
        return reply
    }

    /// Sends `GET target` for a streamed answer (chunked JSON lines, as `/v1/watch` sends) and
    /// hands each line to `onLine` as it arrives, with no time limit, until the server ends the
    /// stream or `onLine` returns false; then returns nil. An answer that is not streamed (an
    /// error) is returned whole.
    public func stream(_ target: String, onLine: (String) throws(ClientError) -> Bool) throws(ClientError) -> HTTPReply? {
        let fd = try connectSocket()
        defer { close(fd) }
        var forever = timeval(tv_sec: 0, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &forever, socklen_t(MemoryLayout<timeval>.size))
        try sendAll(fd, "GET \(target) HTTP/1.1\r\nHost: localhost\r\nUser-Agent: newsctl\r\nAccept: application/jsonl\r\nConnection: close\r\n\r\n")
        var head: [UInt8] = []
        var lines: ChunkedLines?
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .badResponse("reading failed: \(String(cString: strerror(errno)))")
            }
            if count == 0 {
                if lines != nil { return nil }
                if head.isEmpty { throw .closedWithoutAnswer(socket: socketPath) }
                return try HTTPResponseParser.complete(head, atEOF: true)
            }
            if var decoder = lines {
                for line in try decoder.feed(chunk[0..<count]) where !line.isEmpty {
                    if try !onLine(line) { return nil }
                }
                if decoder.finished { return nil }
                lines = decoder
                continue
            }
            head.append(contentsOf: chunk[0..<count])
            guard let start = HTTPResponseParser.streamStart(head) else {
                if let reply = try HTTPResponseParser.complete(head) { return reply }
                continue
            }
            var decoder = ChunkedLines()
            for line in try decoder.feed(head[start...]) where !line.isEmpty {
                if try !onLine(line) { return nil }
            }
            if decoder.finished { return nil }
            lines = decoder
        }
    }

    private func sendAll(_ fd: Int32, _ request: String) throws(ClientError) {
        var bytes = Array(request.utf8)
        var sent = 0
        while sent < bytes.count {
            let count = bytes.withUnsafeMutableBytes { Glibc.send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .badResponse("sending failed: \(String(cString: strerror(errno)))")
            }
            sent += count
        }
    }

    private func connectSocket() throws(ClientError) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(socketPath.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw .unreachable(socket: socketPath, reason: "the path is too long for a Unix socket")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .unreachable(socket: socketPath, reason: String(cString: strerror(errno))) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            let err = errno
            close(fd)
            let reason = switch err {
            case ENOENT: "no such socket (is newsd running? start it, or pass --socket / set NEWSD_SOCKET)"
            case ECONNREFUSED: "connection refused (the socket is stale: newsd is not running)"
            case EACCES: "permission denied (join the newsd group to query it)"
            default: String(cString: strerror(err))
            }
            throw .unreachable(socket: socketPath, reason: reason)
        }
        return fd
    }
}
