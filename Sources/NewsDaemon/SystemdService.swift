import Foundation
import Logging
import NewsClient
import NewsSystem
import ServiceLifecycle

/// Keeps systemd informed: a live STATUS= line as counts change, WATCHDOG=1 pings while the
/// ingest loop and the control server are both healthy, and STOPPING=1 at shutdown.
struct SystemdService: Service {
    let notifier: SystemdNotifier
    let status: DaemonStatus
    let statusLine: @Sendable () -> String?
    /// The socket newsd answers on; the watchdog check sends it a real request.
    let socketPath: String
    let logger: Logger

    func run() async throws {
        let watchdog = notifier.watchdogInterval()
        // Ping about every half interval; a loop stalled for that long is not healthy. Checked
        // every quarter interval (at most a second) and pinged once within half a tick of the
        // half interval: with a tick of half the interval, a tick that woke a little early
        // waited a whole tick more, and pings came a full interval apart, at systemd's limit.
        let tick = min(watchdog.map { $0 / 4 } ?? .seconds(1), .seconds(1))
        var lastLine = ""
        var lastPing = ContinuousClock.now - .seconds(3600)
        var withheld: Withheld?
        await withGracefulShutdownHandler {
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                let statusLine = self.statusLine
                if let line = (try? await BlockingWork.run(statusLine)) ?? nil, line != lastLine {
                    notifier.status(line)
                    lastLine = line
                }
                // Before READY=1 systemd does not watch yet, and the server is not listening.
                if let watchdog, status.isReady, ContinuousClock.now - lastPing >= watchdog / 2 - tick / 2 {
                    if await healthy(stallLimit: watchdog / 2, withheld: &withheld) {
                        notifier.watchdog()
                        lastPing = .now
                    }
                }
                try? await Task.sleep(for: tick)
            }
        } onGracefulShutdown: {
            notifier.stopping()
        }
    }

    /// Why pings are being withheld, and since when: said once when it starts and once when it ends.
    private struct Withheld {
        enum Reason: String {
            /// The ingest loop was busy without a beat for longer than half the interval.
            case stall
            /// The control server did not answer a status request.
            case unanswered
        }
        let reason: Reason
        let since: ContinuousClock.Instant
    }

    /// The ingest loop is waiting or making progress, and the server answers a status request.
    /// A change between healthy and not is logged once each way, with what the loop was doing.
    private func healthy(stallLimit: Duration, withheld: inout Withheld?) async -> Bool {
        if let stall = status.stall(limit: stallLimit) {
            if withheld?.reason != .stall {
                logger.error("the ingest loop made no progress; withholding the watchdog ping", metadata: [
                    "event": "watchdog-stall", "activity": "\(stall.activity.rawValue)",
                    "stalled_seconds": "\(DaemonStatus.seconds(stall.length))",
                ])
                withheld = Withheld(reason: .stall, since: .now - stall.length)
            }
            return false
        }
        let path = socketPath
        let answered = await withCheckedContinuation { continuation in
            // A blocking socket round trip, kept off the cooperative thread pool.
            Thread.detachNewThread {
                continuation.resume(returning: (try? NewsClient(socketPath: path, timeoutSeconds: 5).status()) != nil)
            }
        }
        if !answered {
            if withheld?.reason != .unanswered {
                logger.error("the control server did not answer; withholding the watchdog ping", metadata: ["event": "watchdog-unanswered"])
                withheld = Withheld(reason: .unanswered, since: .now)
            }
            return false
        }
        if let ended = withheld {
            logger.notice("healthy again; pinging the watchdog", metadata: [
                "event": "watchdog-resumed", "reason": "\(ended.reason.rawValue)",
                "withheld_seconds": "\(DaemonStatus.seconds(ContinuousClock.now - ended.since))",
            ])
            withheld = nil
        }
        return true
    }
}
