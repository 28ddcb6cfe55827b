import Foundation
import NewsClient
import Testing
import TestSupport

/// Seeded random requests, well-formed and not, sent over the real socket to the real daemon:
/// each gets an HTTP answer (a JSON error body for every error) or a closed connection, within
/// seconds, and newsd keeps serving and keeps its index. `NEWSD_FUZZ_REQUESTS` sends more.
@Suite("End to end: random requests")
struct RequestFuzzEndToEndTests {
    static var count: Int { ProcessInfo.processInfo.environment["NEWSD_FUZZ_REQUESTS"].flatMap(Int.init) ?? 400 }

    static let paths = ["/v1/status", "/v1/search", "/v1/articles/1", "/v1/articles/1/raw", "/v1/articles/1/related",
                        "/v1/stories/1", "/v1/articles", "/v1/failures", "/v1/pause", "/v1/resume", "/v1/reconcile",
                        "/v1/articles/-1", "/v1/articles/99999999999999999999", "/v1/stories/x", "/", "/v2/status", "/v1/../etc/passwd"]
    static let keys = ["q", "limit", "offset", "sort", "group", "min_outlets", "path", "x", ""]
    static let values = ["", "0", "-1", "1000", "1001", "99999999999999999999", "relevance", "newest", "coverage", "stories",
                         "storm", "u*", "a* OR b*", "\"unclosed", "NEAR(a b, 5000)", "title:(", "%", "%zz", "%00", "%FF%FE",
                         "date:9999-99-99", "since:0000", "((((((((((((((((((((((a", "..", "a%20b+c", "😀", "\u{202E}evil"]

    static func randomBytes(_ random: inout SeededRandom, _ length: Int) -> [UInt8] {
        (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
    }

    static func request(_ random: inout SeededRandom) -> [UInt8] {
        if Int.random(in: 0..<8, using: &random) == 0 { return randomBytes(&random, Int.random(in: 0...600, using: &random)) }
        let method = ["GET", "GET", "GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "FOO", ""].randomElement(using: &random)!
        var target = paths.randomElement(using: &random)!
        let parameters = (0..<Int.random(in: 0...4, using: &random)).map { _ in
            keys.randomElement(using: &random)! + "=" + (Int.random(in: 0..<5, using: &random) == 0
                ? String(repeating: "x", count: Int.random(in: 1000...3000, using: &random))
                : values.randomElement(using: &random)!)
        }
        if !parameters.isEmpty { target += "?" + parameters.joined(separator: "&") }
        var head = "\(method) \(target) \(["HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/2", "XYZ"].randomElement(using: &random)!)\r\nHost: newsd\r\n"
        var body: [UInt8] = []
        switch Int.random(in: 0..<6, using: &random) {
        case 0:
            body = randomBytes(&random, Int.random(in: 0...200, using: &random))
            head += "Content-Length: \(body.count + Int.random(in: -5...5, using: &random))\r\n"
        case 1: head += "Transfer-Encoding: chunked\r\n"; body = Array("zz\r\nnot a chunk\r\n".utf8)
        case 2: head += "X-Long: " + String(repeating: "h", count: Int.random(in: 1...100_000, using: &random)) + "\r\n"
        case 3: head += "Content-Length: 99999999999999999999\r\n"
        default: break
        }
        return Array((head + "\r\n").utf8) + body
    }

    @Test("random requests get an answer or a closed connection; newsd keeps serving")
    func randomRequests() async throws {
        var random = SeededRandom.forTest("RequestFuzzEndToEndTests.randomRequests")
        let seed = random.seed
        let daemon = try await RunningDaemon { inbox in
            try "Storm closes port\n\nThe storm hit the harbour at dawn.\n".write(toFile: inbox + "/a.txt", atomically: false, encoding: .utf8)
        }
        #expect(try await daemon.waitForStatus { $0.articles == 1 && $0.state == "idle" })
        for number in 0..<Self.count {
            let bytes = Self.request(&random)
            let fd = HostileInboxEndToEndTests.connectUnix(daemon.socket)
            try #require(fd >= 0, "seed \(seed): request \(number): cannot connect; log:\n\(daemon.log.suffix(3000))")
            _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            shutdown(fd, Int32(SHUT_WR))
            let started = ContinuousClock.now
            let answer = HostileInboxEndToEndTests.readAll(fd, timeout: 10_000)
            close(fd)
            #expect(ContinuousClock.now - started < .seconds(10), "seed \(seed): request \(number) hung")
            if let statusLine = answer.split(separator: "\r\n").first, statusLine.hasPrefix("HTTP/1.") {
                let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") ?? 0
                #expect((100..<600).contains(status), "seed \(seed): request \(number): \(statusLine)")
                if status >= 400, let body = answer.range(of: "\r\n\r\n").map({ answer[$0.upperBound...] }), !body.isEmpty {
                    #expect(body.contains("\"error\""), "seed \(seed): request \(number): an error without a JSON error body: \(answer.prefix(300))")
                }
                #expect(status != 500 || !answer.contains("internal"), "seed \(seed): request \(number) hit a bug: \(String(decoding: bytes.prefix(300), as: UTF8.self).debugDescription) → \(answer.prefix(500))")
            }
            #expect(daemon.process.isRunning, "seed \(seed): newsd died at request \(number); log:\n\(daemon.log.suffix(3000))")
            if !daemon.process.isRunning { return }
        }
        _ = try? daemon.client.control(.resume)
        #expect(try daemon.client.status().articles == 1)
        #expect(try daemon.client.search("harbour").total == 1)
        #expect(try await daemon.stop() == 0)
    }
}
