import GRDB
import GRDBSQLite
import Synchronization

/// Keeps count of the pages (frames) in the write-ahead log after each of the writer's commits,
/// through SQLite's commit hook for the log (`sqlite3_wal_hook`), so that a checkpoint can be
/// run beside the writer, on a connection of its own, before the writer's commit has to run
/// one. The hook replaces SQLite's automatic checkpoint (which is itself such a hook): past
/// `writerLimit` frames it checkpoints in the commit as SQLite's would, the backstop for a log
/// that no one else copies.
final class WriteAheadLogWatch: Sendable {
    private let frames = Atomic<Int>(0)
    /// Frames past which the committing writer checkpoints.
    let writerLimit: Int

    init(writerLimit: Int) {
        self.writerLimit = writerLimit
    }

    /// Frames in the log after the writer's last commit: those a checkpoint has copied as well,
    /// until the writer's next transaction starts the log over.
    var frameCount: Int { frames.load(ordering: .relaxed) }

    /// Watches the commits of `db` (the writer's connection) from now on. This watch must
    /// outlive the connection: SQLite keeps only a pointer to it.
    func install(on db: Database) {
        sqlite3_wal_hook(db.sqliteConnection, { context, connection, schema, frames in
            guard let context else { return SQLITE_OK }
            let watch = Unmanaged<WriteAheadLogWatch>.fromOpaque(context).takeUnretainedValue()
            watch.frames.store(Int(frames), ordering: .relaxed)
            if Int(frames) >= watch.writerLimit {
                // As SQLite's own hook: a checkpoint that cannot finish (a reader, another
                // checkpoint) is not the commit's failure.
                _ = sqlite3_wal_checkpoint(connection, schema)
            }
            return SQLITE_OK
        }, Unmanaged.passUnretained(self).toOpaque())
    }
}
