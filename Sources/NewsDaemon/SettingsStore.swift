import Synchronization

/// The configuration in force, replaced as a whole when SIGHUP reloads it.
/// Readers take a snapshot per batch, so one batch never mixes two configurations.
public final class SettingsStore: Sendable {
    private let settings: Mutex<DaemonConfig>

    public init(_ config: DaemonConfig) { settings = Mutex(config) }

    public var current: DaemonConfig { settings.withLock { $0 } }

    func replace(_ config: DaemonConfig) { settings.withLock { $0 = config } }
}
