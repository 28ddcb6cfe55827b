import HTTPTypes
import Logging
@testable import NewsDaemon
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Synchronization
import Testing

/// The log line that says who closed a connection left without an answer. NIO's in-memory
/// channel stands in for a socket: newsd itself never closes a connection it owes an answer
/// (that is the fault this log is for), so the real daemon cannot be made to show it.
@Suite("Unanswered request log")
struct UnansweredRequestLogTests {
    /// Every entry logged, as level, message and metadata.
    final class Entries: Sendable {
        let list = Mutex<[(Logger.Level, String, Logger.Metadata)]>([])
        var all: [(Logger.Level, String, Logger.Metadata)] { list.withLock { $0 } }
    }

    struct CapturingHandler: LogHandler {
        let entries: Entries
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            entries.list.withLock { $0.append((event.level, "\(event.message)", event.metadata ?? [:])) }
        }
    }

    private func channel() throws -> (EmbeddedChannel, Entries) {
        let entries = Entries()
        let logger = Logger(label: "test") { _ in CapturingHandler(entries: entries) }
        let channel = EmbeddedChannel(handler: UnansweredRequestLog(logger: logger))
        try channel.connect(to: SocketAddress(unixDomainSocketPath: "/newsd.sock")).wait()
        return (channel, entries)
    }

    private let status = HTTPRequest(method: .get, scheme: nil, authority: "localhost", path: "/v1/search?q=secret+words")

    @Test("a read request that newsd closes without a response head is a warning, without the query string")
    func closedByNewsd() throws {
        let (channel, entries) = try channel()
        try channel.writeInbound(HTTPRequestPart.head(status))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        try channel.close().wait()
        let logged = entries.all
        #expect(logged.count == 1)
        let (level, _, metadata) = try #require(logged.first)
        #expect(level == .warning)
        #expect(metadata["event"] == "request-unanswered")
        #expect(metadata["closed_by"] == "newsd")
        #expect(metadata["path"] == "/v1/search")
        #expect(metadata["request_complete"] == "true")
    }

    @Test("an answered request logs nothing when the connection closes")
    func answered() throws {
        let (channel, entries) = try channel()
        try channel.writeInbound(HTTPRequestPart.head(status))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .ok)))
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        try channel.close().wait()
        #expect(entries.all.isEmpty)
    }

    @Test("a client that hangs up before its answer is routine: debug, closed by the peer")
    func clientHungUp() throws {
        let (channel, entries) = try channel()
        try channel.writeInbound(HTTPRequestPart.head(status))
        channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        try channel.close().wait()
        let logged = entries.all
        #expect(logged.count == 1)
        #expect(logged.first?.0 == .debug)
        #expect(logged.first?.2["peer_closed_input"] == "true")
        #expect(logged.first?.2["request_complete"] == "false")
    }

    @Test("a request still being sent when newsd closes (the idle timeout) is routine: debug")
    func stalledMidRequest() throws {
        let (channel, entries) = try channel()
        try channel.writeInbound(HTTPRequestPart.head(HTTPRequest(method: .post, scheme: nil, authority: "localhost", path: "/v1/alerts")))
        try channel.close().wait()
        #expect(entries.all.map(\.0) == [.debug])
        #expect(entries.all.first?.2["closed_by"] == "newsd")
    }

    @Test("a connection closed before any request logs nothing")
    func noRequest() throws {
        let (channel, entries) = try channel()
        try channel.close().wait()
        #expect(entries.all.isEmpty)
    }
}
