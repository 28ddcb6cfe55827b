import Foundation

/// A real `sqlite3` shell kept open on a database, the way a user inspecting newsd's index would
/// hold one: statements are sent one at a time and each call returns once the shell has run them,
/// so a test can hold a transaction (and its locks) across the daemon's work.
public final class SQLiteShell: @unchecked Sendable {
    private let process: ChildProcess
    private let input: FileHandle
    private let output: FileHandle
    private var received = ""
    private var sent = 0

    public init(database: String) throws {
        var toShell: [Int32] = [0, 0], fromShell: [Int32] = [0, 0]
        // Close-on-exec, so that no child (the shell itself included) holds the other ends open.
        guard pipe(&toShell) == 0, pipe(&fromShell) == 0,
              (toShell + fromShell).allSatisfy({ fcntl($0, F_SETFD, FD_CLOEXEC) == 0 }) else {
            throw DaemonTestError(message: "cannot make pipes for sqlite3: \(String(cString: strerror(errno)))")
        }
        process = try ChildProcess("/usr/bin/sqlite3", ["-batch", database], environment: ChildProcess.environment([:]),
                                   stdinFD: toShell[0], stdoutFD: fromShell[1], stderrFD: fromShell[1])
        Glibc.close(toShell[0])
        Glibc.close(fromShell[1])
        input = FileHandle(fileDescriptor: toShell[1], closeOnDealloc: true)
        output = FileHandle(fileDescriptor: fromShell[0], closeOnDealloc: true)
    }

    /// Runs `sql` and returns what the shell printed for it; throws with that output if it
    /// printed an error.
    @discardableResult
    public func run(_ sql: String) throws -> String {
        sent += 1
        let marker = "-- done \(sent) --"
        try input.write(contentsOf: Data("\(sql)\nSELECT '\(marker)';\n".utf8))
        while !received.contains(marker + "\n") {
            let chunk = output.availableData
            guard !chunk.isEmpty else { throw DaemonTestError(message: "sqlite3 ended; it printed:\n\(received)") }
            received += String(decoding: chunk, as: UTF8.self)
        }
        let answer = String(received[..<received.range(of: marker + "\n")!.lowerBound])
        received = String(received[received.range(of: marker + "\n")!.upperBound...])
        if answer.contains("Error") || answer.contains("Parse error") {
            throw DaemonTestError(message: "sqlite3 refused \(sql): \(answer)")
        }
        return answer
    }

    /// Ends the shell (an open transaction is rolled back) and waits for it to exit.
    public func close() throws {
        // `.quit` rather than only end of input: a child spawned by another test between
        // `pipe` and `fcntl` may hold a copy of the pipe's write end.
        try input.write(contentsOf: Data(".quit\n".utf8))
        try input.close()
        process.waitUntilExit()
    }
}
