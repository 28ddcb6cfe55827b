import HTTPTypes
import NIOCore
import NIOHTTPTypes
import Synchronization

/// Open control connections, shared by every connection's `ConnectionLimitHandler`.
final class ConnectionCount: Sendable {
    /// Most connections served at once; newsd keeps descriptors in reserve below its limit so that
    /// ingest (files, the index) always has some, however many clients connect.
    let limit: Int
    private let open = Atomic<Int>(0)

    init(limit: Int) { self.limit = limit }

    /// Counts a new connection; false when it is one too many.
    func admit() -> Bool { open.wrappingAdd(1, ordering: .relaxed).newValue <= limit }

    func release() { open.wrappingSubtract(1, ordering: .relaxed) }
}

/// Answers a connection over the limit with a JSON `503` at once and closes it, instead of
/// letting idle clients take every descriptor newsd has. Sits after the HTTP codec.
final class ConnectionLimitHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let count: ConnectionCount
    private var admitted = false
    private var refused = false

    init(count: ConnectionCount) { self.count = count }

    // Added when a connection is accepted and removed when it closes, whatever the channel's
    // activation order: each connection is counted exactly once.
    func handlerAdded(context: ChannelHandlerContext) {
        admitted = count.admit()
        if !admitted && context.channel.isActive { refuse(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        count.release()
    }

    func channelActive(context: ChannelHandlerContext) {
        context.fireChannelActive()
        if !admitted { refuse(context) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if admitted { context.fireChannelRead(data) }
    }

    /// Answers without waiting for the request (an idle client would hold its descriptor), then closes.
    private func refuse(_ context: ChannelHandlerContext) {
        guard !refused else { return }
        refused = true
        let body = #"{"error":{"code":"too-many-connections","message":"newsd serves at most \#(count.limit) connections at once; close idle ones or try again","status":503}}"# + "\n"
        var buffer = context.channel.allocator.buffer(capacity: body.utf8.count)
        buffer.writeString(body)
        var head = HTTPResponse(status: .serviceUnavailable)
        head.headerFields[.contentType] = "application/json"
        head.headerFields[.contentLength] = String(buffer.readableBytes)
        head.headerFields[.connection] = "close"
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(buffer)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }
}
