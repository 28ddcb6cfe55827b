import Foundation
import Glibc
@testable import NewsClient
import Testing
import TestSupport

/// What the client says when the other end of the socket breaks off: a real Unix socket whose
/// server reads the request, writes a given reply (possibly none or part of one) and closes.
@Suite("Unix HTTP client against a server that breaks off")
struct UnixHTTPClientTests {
    let folder = TemporaryFolder("newsd-client")

    /// Serves one connection on `path`: reads the request head, writes `reply`, closes.
    func serveOnce(at path: String, reply: [UInt8]) throws -> Thread {
        let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        try #require(listener >= 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(bound == 0 && listen(listener, 1) == 0)
        let thread = Thread {
            defer { close(listener) }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            defer { close(connection) }
            var request: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !request.ends(with: [13, 10, 13, 10]) {
                let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
                if count <= 0 { return }
                request += buffer[0..<count]
            }
            _ = reply.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }
        thread.start()
        return thread
    }

    @Test("a connection closed before any answer names that, not a parsing problem")
    func closedWithoutAnswer() throws {
        let path = folder.file("silent.sock")
        _ = try serveOnce(at: path, reply: [])
        let error = try #require(statusError(path))
        guard case .closedWithoutAnswer(let socket) = error else {
            Issue.record("wrong error: \(error)")
            return
        }
        #expect(socket == path)
        #expect(error.description.contains("closed the connection without answering"))
    }

    @Test("a connection closed inside the response header is a response that cannot be read")
    func closedInsideHeader() throws {
        let path = folder.file("partial.sock")
        _ = try serveOnce(at: path, reply: Array("HTTP/1.1 200 OK\r\nContent-Le".utf8))
        let error = try #require(statusError(path))
        guard case .badResponse(let reason) = error else {
            Issue.record("wrong error: \(error)")
            return
        }
        #expect(reason == "incomplete response header")
    }

    /// The error a status request to `path` ends with (nil: it was answered).
    func statusError(_ path: String) -> ClientError? {
        do {
            _ = try UnixHTTPClient(socketPath: path, timeoutSeconds: 10).send("GET /v1/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            return nil
        } catch {
            return error
        }
    }
}

private extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}
