import GRDB
import NewsCore

extension ArticleIndex {
    /// When the latest article arrived (Unix seconds); nil in an empty index.
    public func latestArrival() throws -> Double? {
        try pool.read { db in try Double.fetchOne(db, sql: "SELECT max(ingestedAt) FROM article") }
    }

    /// Up to when Unix user `uid` has seen what arrived (`newsctl new`); nil before their first look.
    public func readerCursor(uid: UInt32) throws -> Double? {
        try pool.read { db in try Double.fetchOne(db, sql: "SELECT seenUpTo FROM reader_cursor WHERE uid = ?", arguments: [Int64(uid)]) }
    }

    /// Records that `uid` has seen everything that arrived up to `moment`; never moves back, so
    /// two `newsctl new` of one user racing each other cannot show articles twice.
    public func advanceReaderCursor(uid: UInt32, to moment: Double) throws {
        try pool.write { db in
            try db.execute(sql: """
                INSERT INTO reader_cursor(uid, seenUpTo) VALUES (?, ?)
                ON CONFLICT(uid) DO UPDATE SET seenUpTo = max(seenUpTo, excluded.seenUpTo)
                """, arguments: [Int64(uid), moment])
        }
    }
}
