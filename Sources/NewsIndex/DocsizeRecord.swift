import Foundation

/// A row of FTS5's `article_fts_docsize`: each column's length in tokens, one SQLite varint per
/// column, in the index's column order.
enum DocsizeRecord {
    /// Calls `body` with each column's number and length, in order, until it returns false.
    static func forEachLength(_ record: Data, _ body: (_ column: Int, _ length: UInt64) -> Bool) {
        record.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var index = 0, column = 0
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
                guard body(column, value) else { return }
                column += 1
            }
        }
    }

    /// The sum of the columns' lengths.
    static func total(_ record: Data) -> UInt32 {
        var total: UInt64 = 0
        forEachLength(record) { _, length in
            total &+= length
            return true
        }
        return UInt32(clamping: total)
    }

    /// The length of column `column`, nil when the record holds no such column.
    static func length(_ record: Data, column: Int) -> Int? {
        var found: Int?
        forEachLength(record) { number, length in
            if number == column { found = Int(clamping: length) }
            return number < column
        }
        return found
    }
}
