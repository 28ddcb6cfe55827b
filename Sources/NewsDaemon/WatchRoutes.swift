import Foundation
import Hummingbird
import Logging
import NewsCore
import NIOCore

/// `GET /v1/watch?q=`: a response that never ends by itself, one JSON object per line
/// (`application/jsonl`, chunked): first `{"watching": QUERY}` once the watch is live, then
/// `{"hit": …}` for each article indexed from then on that matches. It ends when the client
/// goes away or newsd stops.
struct WatchRoutes: Sendable {
    let watches: WatchHub
    let logger: Logger

    func register(on router: Router<ControlContext>) {
        router.get("/v1/watch") { request, context in try watch(request, context) }
    }

    private func watch(_ request: Request, _ context: ControlContext) throws -> Response {
        let (text, query) = try request.formParameters().query(purpose: "watch for")
        guard let subscription = watches.subscribe(query) else {
            if watches.isStopping { throw Self.stopping }
            throw APIError(status: .serviceUnavailable, code: "too-many-watches",
                           message: "\(WatchHub.maxWatchers) watches run already, the most newsd keeps; end some first")
        }
        // The connection closing (newsctl interrupted, curl stopped) ends the watch at once,
        // without waiting for a match to fail to write.
        let watches = self.watches
        context.channel.closeFuture.whenComplete { _ in watches.unsubscribe(subscription.id) }
        logger.info("watch started", metadata: ["event": "watch-started", "query": "\(text)", "watches": "\(watches.count)"])
        let logger = self.logger
        let body = ResponseBody { writer in
            defer { watches.unsubscribe(subscription.id) }
            try await writer.write(Self.line(WatchMessage(watching: text)))
            for await hit in subscription.hits {
                try await writer.write(Self.line(WatchMessage(hit: hit)))
            }
            if watches.overflowed(subscription.id) {
                logger.warning("a watch fell too far behind and was ended", metadata: ["event": "watch-overflow", "query": "\(text)"])
                try await writer.write(Self.line(APIErrorResponse(
                    status: 503, code: "watch-overflow", message: "this watch read matches slower than they arrived and was ended; start it again")))
            } else if watches.isStopping {
                try await writer.write(Self.line(Self.stopping.body))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/jsonl", .cacheControl: "no-store"], body: body)
    }

    /// Why a watch ends, or is refused, while newsd stops.
    static let stopping = APIError(status: .serviceUnavailable, code: "newsd-stopping",
                                   message: "newsd is stopping, which ends every watch; start the watch again once newsd is back")

    private static func line(_ value: some Encodable) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeBytes((try? JSONResponse.encode(value)) ?? Data("{}".utf8))
        buffer.writeString("\n")
        return buffer
    }
}
