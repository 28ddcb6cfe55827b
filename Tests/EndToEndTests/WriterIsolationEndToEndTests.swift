import Foundation
import NewsClient
import Testing
import TestSupport

/// The index's writer works on a thread of its own: while it is held up inside a transaction,
/// status and searches answer as usual, and the held-up files are indexed once it can go on.
@Suite("End to end: a held-up writer holds up no one else")
struct WriterIsolationEndToEndTests {
    @Test("status and searches answer while the writer waits on a locked database")
    func heldUpWriter() async throws {
        let daemon = try await RunningDaemon { inbox in
            try "Harbour strike extended\n\nDockers voted to stay out for three more weeks.\n".write(toFile: inbox + "/a.txt", atomically: true, encoding: .utf8)
        }
        #expect(try await daemon.waitForStatus { $0.files == 1 && $0.state == "idle" && $0.unplaced == 0 })
        // Another process takes the database's write lock and keeps it: newsd's writer then waits
        // (up to its busy timeout) inside its next batch.
        // sqlite3 fed through a pipe, reaped with waitpid (Foundation's Process.waitUntilExit
        // spins a run loop on the cooperative pool and hung this suite under load).
        var input: [Int32] = [0, 0], output: [Int32] = [0, 0]
        #expect(pipe(&input) == 0 && pipe(&output) == 0)
        for fd in input + output { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let locker = try ChildProcess("/usr/bin/sqlite3", [daemon.stateDir + "/index.sqlite"], environment: ChildProcess.environment([:]),
                                      stdinFD: input[0], stdoutFD: output[1])
        close(input[0])
        close(output[1])
        var inputOpen = true
        defer {
            if inputOpen { close(input[1]) }
            close(output[0])
            if locker.isRunning { locker.terminate() }
            locker.waitUntilExit()
        }
        func send(_ text: String) { _ = text.withCString { write(input[1], $0, strlen($0)) } }
        send("BEGIN IMMEDIATE;\nSELECT 'locked';\n")
        // sqlite3 prints the line once it holds the lock.
        var answer = Data()
        var buffer = [UInt8](repeating: 0, count: 256)
        while !String(decoding: answer, as: UTF8.self).contains("locked") {
            let count = read(output[0], &buffer, buffer.count)
            if count <= 0 { break }
            answer.append(contentsOf: buffer[0..<count])
        }
        #expect(String(decoding: answer, as: UTF8.self).contains("locked"))
        for n in 0..<20 {
            try "Report \(n) on the port\n\nCranes stood idle on day \(n) of the strike.\n"
                .write(toFile: daemon.inbox + "/r\(n).txt", atomically: true, encoding: .utf8)
        }
        #expect(try await daemon.waitForStatus(timeout: .seconds(60)) { $0.state == "indexing" || $0.pending > 0 })
        for _ in 0..<10 {
            let started = ContinuousClock.now
            let status = try daemon.client.status()
            let hits = try daemon.client.search("dockers").total
            #expect(ContinuousClock.now - started < .seconds(1), "status and a search took \(ContinuousClock.now - started)")
            #expect(status.files == 1 && hits == 1)
        }
        send("COMMIT;\n")
        close(input[1])
        inputOpen = false
        locker.waitUntilExit()
        #expect(try await daemon.waitForStatus(timeout: .seconds(30)) { $0.files == 21 && $0.state == "idle" })
    }
}
