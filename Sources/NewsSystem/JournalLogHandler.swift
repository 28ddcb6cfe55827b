import CSystemd
import Glibc
import Logging

/// A swift-log handler writing to the systemd journal through sd_journal_sendv(3), with the
/// metadata as structured fields: `event` becomes NEWSD_EVENT, other keys their upper-case
/// form (ARTICLE_ID, ARTICLE_PATH, ERROR, …), so `journalctl NEWSD_EVENT=failed` finds failures.
public struct JournalLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    private let level: LogLevelSetting
    private let identifier: String

    public init(identifier: String = "newsd", level: LogLevelSetting) {
        self.identifier = identifier
        self.level = level
    }

    public var logLevel: Logger.Level {
        get { level.value }
        set { level.value = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = metadata
        if let extra = event.metadata { fields.merge(extra) { $1 } }
        var entries = [
            "MESSAGE=\(event.message)",
            "PRIORITY=\(Self.priority(event.level))",
            "SYSLOG_IDENTIFIER=\(identifier)",
            "CODE_FILE=\(event.file)",
            "CODE_LINE=\(event.line)",
            "CODE_FUNC=\(event.function)",
        ]
        for (key, value) in fields {
            entries.append("\(Self.fieldName(key))=\(value)")
        }
        Self.send(entries)
    }

    /// syslog priorities: 2 critical, 3 error, 4 warning, 5 notice, 6 info, 7 debug.
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .critical: 2
        case .error: 3
        case .warning: 4
        case .notice: 5
        case .info: 6
        case .debug, .trace: 7
        }
    }

    /// Journal field names: upper case letters, digits and `_`, not starting with `_` or a digit.
    static func fieldName(_ key: String) -> String {
        if key == "event" { return "NEWSD_EVENT" }
        var name = String(key.uppercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
        while name.hasPrefix("_") { name.removeFirst() }
        if name.isEmpty || name.first!.isNumber { name = "NEWSD_" + name }
        return String(name.prefix(64))
    }

    /// Sends one entry; each field is its own iovec, so values may hold newlines.
    static func send(_ entries: [String]) {
        var buffers = entries.map { Array($0.utf8) }
        var vectors: [iovec] = []
        vectors.reserveCapacity(buffers.count)
        for index in buffers.indices {
            buffers[index].withUnsafeMutableBytes { raw in
                vectors.append(iovec(iov_base: raw.baseAddress, iov_len: raw.count))
            }
        }
        // The pointers stay valid: `buffers` is not changed until the call returns.
        withExtendedLifetime(buffers) {
            _ = sd_journal_sendv(vectors, Int32(vectors.count))
        }
    }

    /// Whether stderr is connected to the journal: JOURNAL_STREAM names its device and inode.
    public static func stderrIsJournal() -> Bool {
        guard let value = getenv("JOURNAL_STREAM").map({ String(cString: $0) }) else { return false }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var info = stat()
        guard fstat(STDERR_FILENO, &info) == 0 else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }
}
