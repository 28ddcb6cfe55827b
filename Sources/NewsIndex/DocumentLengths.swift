import Foundation
import GRDB
import Synchronization

/// Every full-text row's length in tokens (all columns), as FTS5 keeps it in `article_fts_docsize`,
/// held in memory so that ranking does not look each match's length up in that table: the lookup
/// is most of what bm25 costs per match (see `RankFunction`).
///
/// A table is valid for a read snapshot when no full-text row was removed between them (edits
/// remove a row and add it again under the same id, with a new length) and it holds every id the
/// snapshot does. Rows only ever added keep a table valid for later snapshots too. `key(_:)` reads
/// what the snapshot holds and brings the newest table up to date with it; a row the table does
/// not cover is ranked from FTS5's own lookup, so a stale table costs time, never a wrong score.
final class DocumentLengths: Sendable {
    /// What a table (or a snapshot) holds: the full-text removals counted so far and the highest id.
    struct Key: Equatable, Sendable {
        let removals: Int64
        let lastId: Int64
    }

    /// One immutable table: `lengths[id]`, `unknown` where the id has no row.
    final class Table: Sendable {
        static let unknown = UInt32.max
        let key: Key
        let lengths: [UInt32]

        init(key: Key, lengths: [UInt32]) {
            self.key = key
            self.lengths = lengths
        }

        /// The length of `id`'s row, if this table holds it.
        func length(of id: Int64) -> UInt32? {
            guard id >= 0, id < lengths.count else { return nil }
            let length = lengths[Int(id)]
            return length == Self.unknown ? nil : length
        }
    }

    private let newest = Mutex<Table?>(nil)

    /// The table to rank a query of `key`'s snapshot with, or nil: then every row is looked up.
    func table(for key: Key) -> Table? {
        newest.withLock { table in
            guard let table, table.key.removals == key.removals, table.key.lastId >= key.lastId else { return nil }
            return table
        }
    }

    /// What `db`'s snapshot holds, after bringing the newest table up to date with it (rows
    /// added since are read; after a removal, every row).
    func key(_ db: Database) throws -> Key {
        let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT (SELECT removals FROM fulltext_removals), (SELECT max(id) FROM article_fts_docsize)
            """))
        let key = Key(removals: row?[0] ?? 0, lastId: row?[1] ?? 0)
        let current = newest.withLock { $0 }
        if let current, current.key.removals == key.removals, current.key.lastId >= key.lastId { return key }
        // Reading happens outside the lock: other searches keep the table they have meanwhile.
        var lengths: [UInt32]
        let from: Int64
        if let current, current.key.removals == key.removals {
            lengths = current.lengths
            from = current.key.lastId
        } else {
            lengths = []
            from = Int64.min
        }
        lengths.reserveCapacity(Int(key.lastId) + 1)
        let rows = try Row.fetchCursor(db.cachedStatement(sql: "SELECT id, sz FROM article_fts_docsize WHERE id > ? ORDER BY id"),
                                       arguments: [from])
        while let row = try rows.next() {
            let id: Int64 = row[0]
            guard id >= 0, id <= key.lastId else { continue }
            if lengths.count <= Int(id) { lengths.append(contentsOf: repeatElement(Table.unknown, count: Int(id) + 1 - lengths.count)) }
            lengths[Int(id)] = try row.withUnsafeData(atIndex: 1) { data in data.map(Self.totalLength) } ?? Table.unknown
        }
        let table = Table(key: key, lengths: lengths)
        newest.withLock { newest in
            // Another search may have published a newer table meanwhile: keep the newer.
            if let other = newest, other.key.removals > key.removals || (other.key.removals == key.removals && other.key.lastId > key.lastId) {
                return
            }
            newest = table
        }
        return key
    }

    /// The sum of a docsize record's column lengths: one SQLite varint per column.
    static func totalLength(_ record: Data) -> UInt32 {
        var total: UInt64 = 0
        record.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var index = 0
            while index < bytes.count {
                var value: UInt64 = 0
                var used = 0
                while index < bytes.count {
                    let byte = bytes[index]
                    index += 1
                    used += 1
                    if used == 9 {
                        value = (value << 8) | UInt64(byte)
                        break
                    }
                    value = (value << 7) | UInt64(byte & 0x7F)
                    if byte & 0x80 == 0 { break }
                }
                total &+= value
            }
        }
        return UInt32(clamping: total)
    }
}
