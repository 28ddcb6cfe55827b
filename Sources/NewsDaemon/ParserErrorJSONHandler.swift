import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Gives requests that are not valid HTTP (or whose headers are over the size limits) the
/// same JSON error body as every other error. Hummingbird answers those itself, before any
/// route or middleware runs, with an empty `400`; this handler sits after the HTTP codec and
/// fills that body in. Responses that already carry a body pass through untouched.
final class ParserErrorJSONHandler: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    static let body = #"{"error":{"code":"bad-request","message":"the request is not valid HTTP/1.1, or its headers are too large (80 KiB at most)","status":400}}"# + "\n"

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .head(var head) = unwrapOutboundIn(data), head.status == .badRequest,
              head.headerFields[.contentLength] == "0" else {
            context.write(data, promise: promise)
            return
        }
        var buffer = context.channel.allocator.buffer(capacity: Self.body.utf8.count)
        buffer.writeString(Self.body)
        head.headerFields[.contentLength] = String(buffer.readableBytes)
        head.headerFields[.contentType] = "application/json"
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(buffer)), promise: promise)
    }
}
