import Foundation

/// Damages a closed SQLite database the way a failing disk would: one table's root page is
/// overwritten with garbage, while the schema on page 1 stays readable, so the file still opens
/// and only a page-by-page check (`PRAGMA quick_check`) finds the damage.
public enum DatabaseDamage {
    public static func overwriteRootPage(of table: String, in database: String) throws {
        let answer = try runProcess("/usr/bin/sqlite3", [database, "PRAGMA page_size; SELECT rootpage FROM sqlite_master WHERE name = '\(table)'"])
        let numbers = answer.stdout.split(separator: "\n").compactMap { Int($0) }
        guard answer.status == 0, numbers.count == 2, numbers[1] > 1 else {
            throw DaemonTestError(message: "cannot find the root page of \(table) in \(database): \(answer.stdout) \(answer.stderr)")
        }
        let (pageSize, root) = (numbers[0], numbers[1])
        guard let handle = FileHandle(forWritingAtPath: database) else { throw DaemonTestError(message: "cannot open \(database)") }
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64((root - 1) * pageSize))
        try handle.write(contentsOf: Data(repeating: 0xA5, count: pageSize))
    }
}
