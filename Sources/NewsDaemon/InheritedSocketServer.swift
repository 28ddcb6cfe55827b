import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Serves the control routes on a listening socket inherited from systemd (socket activation).
/// Hummingbird's `Application` can only bind an address itself, so this binds NIO's
/// `ServerBootstrap` to the descriptor and runs Hummingbird's HTTP/1 channel on it.
struct InheritedSocketServer<Responder: HTTPResponder>: Service where Responder.Context == ControlContext {
    let descriptor: Int32
    /// Where its connections live.
    let group: MultiThreadedEventLoopGroup
    let responder: Responder
    let connections: ConnectionCount
    let logger: Logger
    /// Called once connections are accepted.
    let onRunning: @Sendable () async -> Void

    func run() async throws {
        let responder = self.responder
        let logger = self.logger
        let connections = self.connections
        let http = HTTP1Channel(responder: { request, writer, channel in
            let context = ControlContext(source: .init(channel: channel, logger: logger))
            let response = try await responder.respond(to: request, context: context)
            try await writer.write(response: response.head, body: response.body)
        }, configuration: .init(additionalChannelHandlers: controlChannelHandlers(connections: connections, logger: logger),
                               idleTimeout: .seconds(30)))
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .bind(descriptor) { channel in http.setup(channel: channel, logger: logger) }
        await onRunning()
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask { await http.handle(value: connection, logger: logger) }
                    }
                }
            }
        } onGracefulShutdown: {
            // Stop accepting; systemd keeps the socket and queues connections for the next start.
            server.channel.close(promise: nil)
        }
    }
}

/// The handlers every control connection gets after the HTTP codec, whichever way the socket
/// was opened: JSON bodies for parser errors, the connection limit, and the log of requests
/// left unanswered. A new set per connection (they hold per-connection state).
func controlChannelHandlers(connections: ConnectionCount, logger: Logger) -> [any RemovableChannelHandler] {
    [ParserErrorJSONHandler(), ConnectionLimitHandler(count: connections), UnansweredRequestLog(logger: logger)]
}
