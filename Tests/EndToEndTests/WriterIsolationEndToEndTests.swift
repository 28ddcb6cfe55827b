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
        let locker = Process()
        locker.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        locker.arguments = [daemon.stateDir + "/index.sqlite"]
        let input = Pipe(), output = Pipe()
        locker.standardInput = input
        locker.standardOutput = output
        try locker.run()
        defer { if locker.isRunning { locker.terminate() } }
        input.fileHandleForWriting.write(Data("BEGIN IMMEDIATE;\nSELECT 'locked';\n".utf8))
        // sqlite3 prints the line once it holds the lock.
        var answer = Data()
        while !String(decoding: answer, as: UTF8.self).contains("locked") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            answer.append(chunk)
        }
        #expect(String(decoding: answer, as: UTF8.self).contains("locked"))
        for n in 0..<20 {
            try "Report \(n) on the port\n\nCranes stood idle on day \(n) of the strike.\n"
                .write(toFile: daemon.inbox + "/r\(n).txt", atomically: true, encoding: .utf8)
        }
        #expect(try await daemon.waitForStatus { $0.state == "indexing" || $0.pending > 0 })
        for _ in 0..<10 {
            let started = ContinuousClock.now
            let status = try daemon.client.status()
            let hits = try daemon.client.search("dockers").total
            #expect(ContinuousClock.now - started < .seconds(1), "status and a search took \(ContinuousClock.now - started)")
            #expect(status.files == 1 && hits == 1)
        }
        input.fileHandleForWriting.write(Data("COMMIT;\n".utf8))
        try input.fileHandleForWriting.close()
        locker.waitUntilExit()
        #expect(try await daemon.waitForStatus(timeout: .seconds(30)) { $0.files == 21 && $0.state == "idle" })
    }
}
