import NewsCore

/// How the index stores where an article's day came from (`DateSource`), in the column
/// `dateKind` (schema v28): NULL for the file's day, 0 and 1 for a day the text gives — values
/// SQLite keeps in the record header alone.
enum DateKind: Int64 {
    case published = 0
    case inferred = 1

    /// The stored value for `source`; nil for the file's day.
    static func stored(_ source: DateSource) -> Int64? {
        switch source {
        case .published: published.rawValue
        case .inferred: inferred.rawValue
        case .file: nil
        }
    }

    /// The source a stored value names; NULL, and a value no version wrote, read as the file's day.
    static func source(_ stored: Int64?) -> DateSource {
        switch stored.flatMap(DateKind.init(rawValue:)) {
        case .published: .published
        case .inferred: .inferred
        case nil: .file
        }
    }
}
