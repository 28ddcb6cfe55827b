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

    @Test("the writer and the file readers run at a lower CPU priority than the threads that answer; background_nice sets how much lower",
          arguments: [nil, 3] as [Int?])
    func backgroundThreadsRunNiced(setting: Int?) async throws {
        let environment = setting.map { ["NEWSD_BACKGROUND_NICE": "\($0)"] } ?? [:]
        let daemon = try await RunningDaemon(environment: environment) { inbox in
            for n in 0..<4 {
                try "Harbour report \(n)\n\nDockers voted on day \(n) of the strike.\n".write(toFile: inbox + "/a\(n).txt", atomically: true, encoding: .utf8)
            }
        }
        #expect(try await daemon.waitForStatus { $0.files == 4 && $0.state == "idle" })
        // Each thread's name and nice value, from /proc (field 19 of stat, after the name's parenthesis).
        let pid = daemon.process.processIdentifier
        var nice: [String: [Int]] = [:], main: Int?
        for task in try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task") {
            guard let name = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/comm", encoding: .utf8),
                  let stat = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            // fields[0] is the state (stat's third field): nice, the 19th, is fields[16].
            guard let value = Int(fields[16]) else { continue }
            nice[name.trimmingCharacters(in: .whitespacesAndNewlines), default: []].append(value)
            if task == "\(pid)" { main = value }
        }
        let background = min(19, try #require(main, "threads: \(nice)") + (setting ?? 10))
        let writer = try #require(nice["newsd-writer"], "threads: \(nice)")
        #expect(!writer.isEmpty && writer.allSatisfy { $0 == background }, "threads: \(nice)")
        let readers = nice.filter { $0.key.hasPrefix("newsd-reader-") }.flatMap(\.value)
        #expect(!readers.isEmpty && readers.allSatisfy { $0 == background }, "threads: \(nice) \(readers)")
        // The threads that answer stay where they were: a search after the load answers.
        #expect(try daemon.client.search("dockers").total == 4)
    }
}
