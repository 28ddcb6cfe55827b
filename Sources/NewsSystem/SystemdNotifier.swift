import CSystemd
import Glibc

/// Tells systemd about the daemon's state through sd_notify(3). Every call is a no-op
/// when newsd was not started by systemd (NOTIFY_SOCKET unset), so it is always safe to call.
public struct SystemdNotifier: Sendable {
    public init() {}

    /// Whether a service manager listens (NOTIFY_SOCKET is set).
    public var isActive: Bool { getenv("NOTIFY_SOCKET") != nil }

    /// READY=1: queries can be answered. With a status line.
    public func ready(status: String) { send("READY=1\nSTATUS=\(status)") }

    /// STATUS=…: the one-line summary `systemctl status` shows.
    public func status(_ line: String) { send("STATUS=\(line)") }

    /// EXTEND_TIMEOUT_USEC=…: starting takes `duration` more from now (a long step before READY).
    public func extendStartTimeout(by duration: Duration) {
        let (seconds, attoseconds) = duration.components
        send("EXTEND_TIMEOUT_USEC=\(seconds * 1_000_000 + attoseconds / 1_000_000_000_000)")
    }

    /// WATCHDOG=1: the daemon is healthy.
    public func watchdog() { send("WATCHDOG=1") }

    /// RELOADING=1 with the monotonic time, as systemd expects for a configuration reload.
    public func reloading() {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let microseconds = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
        send("RELOADING=1\nMONOTONIC_USEC=\(microseconds)")
    }

    /// STOPPING=1: shutting down.
    public func stopping() { send("STOPPING=1") }

    /// The watchdog interval systemd asked for (WatchdogSec=), or nil when there is none.
    public func watchdogInterval() -> Duration? {
        var microseconds: UInt64 = 0
        guard sd_watchdog_enabled(0, &microseconds) > 0, microseconds > 0 else { return nil }
        return .microseconds(Int64(microseconds))
    }

    private func send(_ state: String) {
        _ = sd_notify(0, state)
    }
}

/// Sockets passed by systemd's socket activation (sd_listen_fds(3)).
public enum InheritedSockets {
    /// The first inherited listening socket (fd 3), or nil when newsd was not socket-activated.
    /// The LISTEN_* variables are removed so that children do not inherit them.
    public static func listeningSocket() -> Int32? {
        let count = sd_listen_fds(1)
        guard count >= 1 else { return nil }
        let fd = Int32(SD_LISTEN_FDS_START)
        guard sd_is_socket_unix(fd, Int32(Glibc.SOCK_STREAM.rawValue), 1, nil, 0) > 0 else { return nil }
        return fd
    }

    /// The path a listening Unix socket is bound to.
    public static func path(of fd: Int32) -> String? {
        var address = sockaddr_un()
        var length = socklen_t(MemoryLayout<sockaddr_un>.size)
        let result = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard result == 0 else { return nil }
        return withUnsafeBytes(of: address.sun_path) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
