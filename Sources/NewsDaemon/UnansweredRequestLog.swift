import HTTPTypes
import Logging
import NIOCore
import NIOHTTPTypes

/// Logs a control connection that ends after a request was read but before any answer was
/// written, saying who ended it: a client that hangs up or stalls mid-request is routine
/// (debug), while newsd closing a connection after a whole request, with no answer, is a fault
/// a client sees as "closed the connection without answering" (warning, with what the
/// connection saw). Sits after the HTTP codec, so every close asked for by the handlers behind
/// it and every error passes through it.
final class UnansweredRequestLog: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let logger: Logger
    private var request: HTTPRequest?
    private var requestRead: ContinuousClock.Instant?
    private var requestComplete = false
    private var answered = false
    private var closeAsked = false
    private var peerClosedInput = false
    private var lastError: (any Error)?

    init(logger: Logger) { self.logger = logger }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            request = head
            requestRead = .now
            requestComplete = false
            answered = false
        case .body: break
        case .end: requestComplete = true
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .head = unwrapOutboundIn(data) { answered = true }
        context.write(data, promise: promise)
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if mode == .all || mode == .output { closeAsked = true }
        context.close(mode: mode, promise: promise)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .inputClosed = event as? ChannelEvent { peerClosedInput = true }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        lastError = error
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let request, let requestRead, !answered { report(request, since: requestRead) }
        context.fireChannelInactive()
    }

    private func report(_ request: HTTPRequest, since read: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - read
        var metadata: Logger.Metadata = [
            "event": "request-unanswered",
            "method": "\(request.method)",
            // Without the query string: search words stay out of the log.
            "path": "\(request.path.map { $0.prefix { $0 != "?" } } ?? "")",
            "request_complete": "\(requestComplete)",
            "closed_by": "\(closeAsked ? "newsd" : "peer")",
            "peer_closed_input": "\(peerClosedInput)",
            "elapsed_ms": "\(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)",
        ]
        if let lastError { metadata["error"] = "\(lastError)" }
        if closeAsked && !peerClosedInput && requestComplete {
            logger.warning("newsd closed a connection without answering its request", metadata: metadata)
        } else {
            // The client hung up, or stalled mid-request until the idle timeout.
            logger.debug("a connection closed before its request was answered", metadata: metadata)
        }
    }
}
