import CSQLiteSettings

/// SQLite's settings for the whole process, made once before its first connection (SQLite
/// takes them only then; made later, they are refused and change nothing).
public enum SQLiteProcessSettings {
    private static let applied: Bool = newsd_sqlite_stop_counting_memory() == 0

    /// Makes the settings, if no connection was opened before; later calls do nothing.
    /// Returns whether they are in force.
    @discardableResult
    public static func apply() -> Bool { applied }
}
