import Foundation
import NewsClient
import Testing
import TestSupport

/// Random file operations of every kind a user (or a hostile inbox writer) can do, interleaved
/// with SIGKILL, SIGTERM and restarts; afterwards the index must equal the inbox exactly: every
/// readable `.txt` once, nothing from outside, every failure listed with its reason.
///
/// `NEWSD_CHAOS_OPERATIONS` and `NEWSD_CHAOS_KILLS` make it longer (README: 5,000 × 50);
/// `NEWSD_TEST_SEED` repeats a run.
@Suite("End to end: chaos")
struct ChaosEndToEndTests {
    static var operations: Int { ProcessInfo.processInfo.environment["NEWSD_CHAOS_OPERATIONS"].flatMap(Int.init) ?? 200 }
    static var kills: Int { ProcessInfo.processInfo.environment["NEWSD_CHAOS_KILLS"].flatMap(Int.init) ?? 10 }

    /// What the final inbox should give: indexed paths and failures (path → code).
    struct Expected: Equatable, CustomStringConvertible {
        var indexed: Set<String> = []
        var failures: [String: String] = [:]
        var description: String { "indexed \(indexed.sorted()), failures \(failures.sorted { $0.key < $1.key })" }
    }

    /// Walks the inbox as newsd must see it (never through a link) and says what each entry gives
    /// a daemon running as `nobody` (or as root, when `privileged`).
    static func expected(inbox: String, privileged: Bool) -> Expected {
        var result = Expected()
        var stack = [""]
        while let folder = stack.popLast() {
            let absolute = folder.isEmpty ? inbox : inbox + "/" + folder
            for name in (try? FileManager.default.contentsOfDirectory(atPath: absolute)) ?? [] where !name.hasPrefix(".") {
                let path = folder.isEmpty ? name : folder + "/" + name
                var info = stat()
                guard lstat(inbox + "/" + path, &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFDIR: stack.append(path)
                case S_IFLNK: result.failures[path] = "symlink"
                case S_IFREG where name.hasSuffix(".txt"):
                    let bytes = FileManager.default.contents(atPath: inbox + "/" + path).map { [UInt8]($0) } ?? []
                    if !privileged && info.st_mode & 0o004 == 0 { result.failures[path] = "permission-denied" }
                    else if bytes.isEmpty { result.failures[path] = "empty" }
                    // A file truncated while another writer still appends holds a hole of NULs.
                    else if bytes.contains(0) { result.failures[path] = "binary" }
                    else { result.indexed.insert(path) }
                default: break
                }
            }
        }
        return result
    }

    /// What the index holds: read from its SQLite file with the sqlite3 tool, or from the
    /// PostgreSQL database with psql (`database`).
    static func actual(stateDir: String, database: String? = nil) throws -> Expected {
        let filesText: String, failuresText: String
        if let database {
            let cluster = try PostgresCluster.shared()
            filesText = try cluster.sql("SELECT path FROM newsd_file", database: database)
            failuresText = try cluster.sql("SELECT path || E'\\t' || code FROM newsd_failure", database: database)
        } else {
            let file = stateDir + "/index.sqlite"
            filesText = try runProcess("/usr/bin/sqlite3", [file, "SELECT path FROM file"]).stdout
            failuresText = try runProcess("/usr/bin/sqlite3", ["-separator", "\t", file, "SELECT path, code FROM failure"]).stdout
        }
        var result = Expected()
        result.indexed = Set(filesText.split(separator: "\n").map(String.init))
        for line in failuresText.split(separator: "\n") {
            let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
            if parts.count == 2 { result.failures[parts[0]] = parts[1] }
        }
        return result
    }

    @Test("random file operations, kills and restarts: the index equals the inbox", arguments: ArchiveBackend.allCases)
    func chaos(backend: ArchiveBackend) async throws {
        var random = SeededRandom.forTest("ChaosEndToEndTests.chaos")
        let seed = random.seed
        let (arguments, database) = try backend.daemonSetup()
        let daemon = RestartableDaemon("newsd-chaos", extraArguments: arguments, asNobody: true)
        let inbox = daemon.inbox
        let outside = TemporaryFolder("newsd-chaos-outside")
        chmod(outside.path, 0o755)
        for n in 0..<3 {
            outside.folder("deep\(n)")
            try "Outside \(n)\n\nOutsidesecret\(n) must never be indexed.\n".write(toFile: outside.file("o\(n).txt"), atomically: false, encoding: .utf8)
            try "Outside deep \(n)\n\nOutsidesecret deep\(n).\n".write(toFile: outside.file("deep\(n)/d.txt"), atomically: false, encoding: .utf8)
        }
        var folders = ["", "world", "world/europe", "notes"]
        for folder in folders where !folder.isEmpty { try FileManager.default.createDirectory(atPath: inbox + "/" + folder, withIntermediateDirectories: true) }
        try await daemon.start()

        let total = Self.operations
        var killAt = Set<Int>()
        while killAt.count < min(Self.kills, total) { killAt.insert(Int.random(in: 0..<total, using: &random)) }
        var writing: [(fd: Int32, rest: String)] = []
        var counter = 0
        func files() -> [String] {
            Self.expected(inbox: inbox, privileged: true).indexed.sorted() + Self.expected(inbox: inbox, privileged: true).failures.keys.filter { $0.hasSuffix(".txt") }.sorted()
        }
        func realFolders() -> [String] { folders.filter { folder in
            var info = stat()
            return folder.isEmpty || (lstat(inbox + "/" + folder, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR)
        } }
        func text(_ n: Int) -> String { "Chaos article \(n)\n\nBody of chaos article \(n) with token chaos\(n) and seed \(seed).\n" }

        for step in 0..<total {
            counter += 1
            let existing = files()
            let folder = realFolders().randomElement(using: &random)!
            let prefix = folder.isEmpty ? inbox + "/" : inbox + "/" + folder + "/"
            switch Int.random(in: 0..<100, using: &random) {
            case 0..<30:
                try text(counter).write(toFile: prefix + "c\(counter).txt", atomically: false, encoding: .utf8)
            case 30..<38:
                // Appended slowly: half now, the rest (and the close) some operations later.
                let body = text(counter)
                let fd = open(prefix + "s\(counter).txt", O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0o644)
                let half = body.index(body.startIndex, offsetBy: body.count / 2)
                _ = String(body[..<half]).withCString { write(fd, $0, strlen($0)) }
                writing.append((fd, String(body[half...])))
            case 38..<44 where !writing.isEmpty:
                let (fd, rest) = writing.removeFirst()
                _ = rest.withCString { write(fd, $0, strlen($0)) }
                close(fd)
            case 44..<50 where !existing.isEmpty:
                truncate(inbox + "/" + existing.randomElement(using: &random)!, Int.random(in: 0...1, using: &random) == 0 ? 0 : 20)
            case 50..<60 where !existing.isEmpty:
                rename(inbox + "/" + existing.randomElement(using: &random)!, prefix + "r\(counter).txt")
            case 60..<68 where !existing.isEmpty:
                unlink(inbox + "/" + existing.randomElement(using: &random)!)
            case 68..<73 where !existing.isEmpty:
                chmod(inbox + "/" + existing.randomElement(using: &random)!, Int.random(in: 0...1, using: &random) == 0 ? 0o000 : 0o644)
            case 73..<78 where !folder.isEmpty:
                // A folder replaced by a symbolic link to a folder outside the inbox.
                let moved = folder + "-old\(counter)"
                if rename(inbox + "/" + folder, inbox + "/" + moved) == 0 {
                    folders.append(moved)
                    _ = symlink(outside.file("deep\(Int.random(in: 0..<3, using: &random))"), inbox + "/" + folder)
                }
            case 78..<81:
                // A link to a file outside, under an article's name.
                _ = symlink(outside.file("o\(Int.random(in: 0..<3, using: &random)).txt"), prefix + "l\(counter).txt")
            case 81..<85 where !existing.isEmpty:
                let seconds = [-5_364_662_400, 10_413_792_000, 0, -1][Int.random(in: 0..<4, using: &random)]
                var times = [timespec(tv_sec: seconds, tv_nsec: 0), timespec(tv_sec: seconds, tv_nsec: 0)]
                _ = utimensat(AT_FDCWD, inbox + "/" + existing.randomElement(using: &random)!, &times, AT_SYMLINK_NOFOLLOW)
            case 85..<88:
                // The inbox removed (moved away) and restored.
                let away = daemon.root.file("inbox.away")
                if rename(inbox, away) == 0 {
                    if daemon.isRunning {
                        _ = try await daemon.waitForStatus(timeout: .seconds(10)) { $0.state == "error" }
                    }
                    #expect(rename(away, inbox) == 0)
                }
            case 88..<92:
                let name = prefix + "m\(counter)"
                try FileManager.default.createDirectory(atPath: name, withIntermediateDirectories: true)
                try text(counter).write(toFile: name + "/inner.txt", atomically: false, encoding: .utf8)
                folders.append(String(name.dropFirst(inbox.count + 1)))
            default:
                try text(counter).write(toFile: prefix + "d\(counter).txt", atomically: false, encoding: .utf8)
            }
            if killAt.contains(step) {
                let signal = Int.random(in: 0..<4, using: &random) == 0 ? SIGTERM : SIGKILL
                let status = try await daemon.stop(signal: signal)
                if signal == SIGTERM { #expect(status == 0, "seed \(seed): a SIGTERM stop exits 0; log:\n\(daemon.log.suffix(3000))") }
                try await daemon.start()
            }
        }
        for (fd, rest) in writing {
            _ = rest.withCString { write(fd, $0, strlen($0)) }
            close(fd)
        }
        #expect(daemon.isRunning, "seed \(seed): newsd died; logs:\n\(daemon.allLogs.suffix(5000))")
        if !daemon.isRunning { try await daemon.start() }
        _ = try daemon.client.control(.reconcile)
        let want = Self.expected(inbox: inbox, privileged: !daemon.asNobody)
        var got = Expected()
        let settled = try await waitUntil(timeout: .seconds(60)) {
            guard let status = try? daemon.client.status(), status.pending == 0, status.state == "idle" || status.state == "placing" else { return false }
            got = try Self.actual(stateDir: daemon.stateDir, database: database)
            return got == want
        }
        #expect(settled, "seed \(seed): the index differs from the inbox.\nwant: \(want)\ngot:  \(got)\nlog:\n\(daemon.log.suffix(4000))")
        #expect(try daemon.client.search("outsidesecret").total == 0, "seed \(seed): something outside the inbox was indexed")
        #expect(!daemon.allLogs.contains("Fatal error"), "seed \(seed)")
        #expect(try await daemon.stop() == 0)
    }
}
