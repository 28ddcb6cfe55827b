import Foundation
import Synchronization

/// Live state shared by the services: what the daemon is doing and since when.
public final class DaemonStatus: Sendable {
    /// The phases reported by `newsctl status`.
    public enum Phase: String, Sendable {
        case starting, indexing, watching, stopping
    }

    private let phase = Mutex(Phase.starting)
    private let started = ContinuousClock.now

    public init() {}

    public var current: Phase { phase.withLock { $0 } }

    func set(_ newPhase: Phase) { phase.withLock { $0 = newPhase } }

    /// Seconds since the daemon started.
    public var uptime: Double {
        let elapsed = ContinuousClock.now - started
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
