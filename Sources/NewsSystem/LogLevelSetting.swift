import Logging
import Synchronization

/// The log level, shared by every log handler so that a configuration reload changes it at once.
public final class LogLevelSetting: Sendable {
    private let level: Mutex<Logger.Level>

    public init(_ level: Logger.Level) { self.level = Mutex(level) }

    public var value: Logger.Level {
        get { level.withLock { $0 } }
        set { level.withLock { $0 = newValue } }
    }
}
