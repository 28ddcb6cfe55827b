/// Errors of the index, with a message that says what to do.
public enum IndexError: Error, CustomStringConvertible, Sendable {
    /// The database could not be opened or created.
    case cannotOpen(path: String, underlying: String)
    /// The database was written by a newer newsd.
    case newerSchema(path: String)
    /// A query reached SQLite and failed; this is a bug in newsd, not in the query.
    case queryFailed(String)
    /// The database file is damaged or is not a database.
    case corrupt(path: String, detail: String)
    /// A write failed because the disk (or quota) is full; the transaction was rolled back.
    case diskFull(path: String)
    /// Another program held a write lock on the database longer than newsd waits for one (an
    /// `sqlite3` shell inside a transaction, a backup tool); the transaction was rolled back.
    case lockedByAnother(path: String)
    /// A write failed for another reason; the transaction was rolled back.
    case writeFailed(String)
    /// A query was stopped by its `QueryBudget`: over its time limit, or cancelled.
    case queryStopped(QueryBudget.Stop, limit: Duration)
    /// A shared archive (PostgreSQL) cannot be reached or refused the work; the message says
    /// which. The work is kept and tried again.
    case archiveUnavailable(String)
    /// Idle-time work (text compaction) was ended because newsd is stopping; its transaction
    /// was rolled back and is done again after the next start.
    case stopping

    public var description: String {
        switch self {
        case .cannotOpen(let path, let underlying):
            "cannot open the index database \(path): \(underlying); check that the state folder exists and is writable"
        case .newerSchema(let path):
            "the index \(path) was written by a newer version of newsd; upgrade newsd or point --state-dir at another folder"
        case .queryFailed(let message):
            "the index could not run a search: \(message)"
        case .corrupt(let path, let detail):
            "the index database \(path) is damaged (\(detail))"
        case .diskFull(let path):
            "disk full: cannot write to the index \(path); free space on its file system (newsd retries by itself)"
        case .lockedByAnother(let path):
            "another program holds a write lock on the index \(path) (an sqlite3 shell in a transaction, a backup tool?); end that program's transaction — newsd retries by itself"
        case .writeFailed(let message):
            "cannot write to the index: \(message)"
        case .queryStopped(.overTime, let limit):
            "the query needs more than its time limit of \(limit.formattedSeconds) s; narrow it: fewer OR alternatives and prefixes, longer prefixes (`bount*`, not `b*`), a field (`title:`) or a date filter (`since:2024`)"
        case .archiveUnavailable(let message):
            message
        case .stopping:
            "newsd is stopping: the idle-time work in progress was ended, and is done again after the next start"
        case .queryStopped:
            "the query was cancelled (its client went away, or newsd is stopping)"
        }
    }
}

extension Duration {
    /// Seconds with up to three decimals, for messages ("2", "0.25").
    public var formattedSeconds: String {
        let milliseconds = components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000)" : "\(Double(milliseconds) / 1000)"
    }
}
