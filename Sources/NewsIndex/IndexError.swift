/// Errors of the index, with a message that says what to do.
public enum IndexError: Error, CustomStringConvertible, Sendable {
    /// The database could not be opened or created.
    case cannotOpen(path: String, underlying: String)
    /// The database was written by a newer newsd.
    case newerSchema(path: String)
    /// A query reached SQLite and failed; this is a bug in newsd, not in the query.
    case queryFailed(String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let underlying):
            "cannot open the index database \(path): \(underlying); check that the state folder exists and is writable"
        case .newerSchema(let path):
            "the index \(path) was written by a newer version of newsd; upgrade newsd or point --state-dir at another folder"
        case .queryFailed(let message):
            "the index could not run a search: \(message)"
        }
    }
}
