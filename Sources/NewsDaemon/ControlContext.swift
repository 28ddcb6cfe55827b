import CLinux
import Glibc
import Hummingbird
import NIOCore

/// The request context of the control API: Hummingbird's core storage, and the connection, so
/// that a route can ask who is at the other end of the Unix socket.
struct ControlContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// The Unix user id of the process that connected (`SO_PEERCRED`: set by the kernel when it
    /// connected, so it cannot be forged); nil when the socket cannot tell.
    func peerUserId() async -> UInt32? {
        guard let provider = channel as? SocketOptionProvider else { return nil }
        let future: EventLoopFuture<newsd_ucred> = provider.unsafeGetSocketOption(level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED))
        return (try? await future.get())?.uid
    }
}
