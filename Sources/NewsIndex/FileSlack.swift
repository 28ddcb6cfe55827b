import GRDB
import Synchronization

/// Room inside the index file that only rewriting it gives back: free pages, and room in leaf
/// pages that would hold more rows. A bulk load leaves much of it — index pages split as keys
/// arrive in no order, rows grow as articles are placed and shrink as their text is
/// recompressed — and SQLite joins pages only once they are two-thirds empty.
///
/// A rewrite fills each leaf page until the next row does not fit, so the rest of a page, less
/// than one of its rows, stays unused whatever is done (in a table of rows of half a page, a
/// third of the file and more), and so does the part of each table's last page that no row
/// has reached yet: neither is counted.
struct FileSlack: Equatable, Sendable {
    /// Bytes of every page of the file, free ones included.
    var fileBytes: Int64
    /// Bytes of free pages, and unused bytes in leaf pages beyond the size of one of their rows.
    var slackBytes: Int64

    /// Reads every page's fill (SQLite's `dbstat`, one pass over the file): for a reader while
    /// newsd is idle. Nil when this SQLite has no `dbstat`.
    static func measure(_ db: Database) throws -> FileSlack? {
        let pageSize = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
        let pages = try Int64.fetchOne(db, sql: "PRAGMA page_count") ?? 0
        let free = try Int64.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
        let reclaimable: Int64
        do {
            // A leaf's rows take `pgsize - unused` bytes (headers and pointers included) over
            // `ncell` rows. A tree's leaves are all at one depth, so its last is the greatest path.
            reclaimable = try Int64.fetchOne(db, sql: """
                SELECT coalesce(sum(max(0, unused - (pgsize - unused) / max(ncell, 1))), 0) FROM (
                    SELECT unused, pgsize, ncell, row_number() OVER (PARTITION BY name ORDER BY path DESC) AS fromEnd
                    FROM dbstat WHERE pagetype = 'leaf'
                ) WHERE fromEnd > 1
                """) ?? 0
        } catch let error as DatabaseError where error.message?.contains("no such table") == true {
            return nil
        }
        return FileSlack(fileBytes: pages * pageSize, slackBytes: reclaimable + free * pageSize)
    }

    /// Whether a rewrite is worth its cost: the slack is at least `percent` of the file and
    /// `minimumBytes`.
    func worthRewriting(percent: Int, minimumBytes: Int64) -> Bool {
        slackBytes >= minimumBytes && slackBytes * 100 >= fileBytes * Int64(percent)
    }
}

/// When the file's slack is measured again: once after newsd starts, then each time the file
/// has grown by a share since the last measurement or rewrite. Measuring reads every page, so
/// an idle archive that does not grow is measured once.
final class SlackGauge: Sendable {
    private let measuredAt = Mutex<Int64?>(nil)

    /// Whether a file of `bytes` is due to be measured: never yet, or grown by `growthPercent`.
    func due(fileBytes bytes: Int64, growthPercent: Int) -> Bool {
        measuredAt.withLock { last in last.map { bytes * 100 >= $0 * Int64(100 + growthPercent) } ?? true }
    }

    /// The file was measured, or rewritten, at `bytes`.
    func measured(fileBytes bytes: Int64) {
        measuredAt.withLock { $0 = bytes }
    }
}
