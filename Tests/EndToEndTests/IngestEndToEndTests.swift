import Foundation
import NewsClient
import Testing
import TestSupport

/// The ingest promise: whatever is in the inbox is in the index, exactly once.
@Suite("End to end: ingest")
struct IngestEndToEndTests {
    /// The paths of a query's hits as the embedded index shows them (without a shared archive's host).
    func paths(_ daemon: RunningDaemon, _ query: String, _ backend: ArchiveBackend = .embedded) throws -> [String] {
        try daemon.client.search(query, limit: 100).hits.flatMap(\.paths).map(backend.local).sorted()
    }

    func article(_ headline: String, _ body: String) -> String { "\(headline)\n\n\(body)\n" }

    @Test("sub-folders are watched recursively: created, moved in, moved out, deleted", arguments: ArchiveBackend.allCases)
    func subfolders(backend: ArchiveBackend) async throws {
        let daemon = try await RunningDaemon(extraArguments: try backend.daemonArguments()) { inbox in
            try FileManager.default.createDirectory(atPath: inbox + "/existing/deep", withIntermediateDirectories: true)
            try "Old story\n\nAlready there in a deep folder.".write(toFile: inbox + "/existing/deep/old.txt", atomically: false, encoding: .utf8)
        }
        #expect(try await daemon.waitUntil { try paths(daemon, "deep", backend) == ["existing/deep/old.txt"] })

        // A folder created inside the inbox, then a file written into it.
        try FileManager.default.createDirectory(atPath: daemon.inbox + "/world/2026", withIntermediateDirectories: true)
        try article("Harbour news", "Ships are back.").write(toFile: daemon.inbox + "/world/2026/h.txt", atomically: false, encoding: .utf8)
        #expect(try await daemon.waitUntil { try paths(daemon, "ships", backend) == ["world/2026/h.txt"] })

        // A folder full of articles moved in from outside.
        let outside = TemporaryFolder("newsd-outside")
        outside.folder("batch/inner")
        for n in 0..<20 {
            try article("Batch \(n)", "Moved in together, item zebra\(n).").write(toFile: outside.file("batch/inner/\(n).txt"), atomically: false, encoding: .utf8)
        }
        try FileManager.default.moveItem(atPath: outside.file("batch"), toPath: daemon.inbox + "/batch")
        #expect(try await daemon.waitUntil { try daemon.client.search("together").total == 20 })

        // A file written into the moved-in folder afterwards: the new folder is watched.
        try article("Late arrival", "Written after the move.").write(toFile: daemon.inbox + "/batch/inner/late.txt", atomically: false, encoding: .utf8)
        #expect(try await daemon.waitUntil { try paths(daemon, "arrival", backend) == ["batch/inner/late.txt"] })

        // Moved out: its articles go.
        try FileManager.default.moveItem(atPath: daemon.inbox + "/batch", toPath: outside.file("batch-back"))
        #expect(try await daemon.waitUntil { try daemon.client.search("together").total == 0 && paths(daemon, "arrival", backend).isEmpty })

        // Deleted: its articles go.
        try FileManager.default.removeItem(atPath: daemon.inbox + "/world")
        #expect(try await daemon.waitUntil { try paths(daemon, "ships", backend).isEmpty })

        // A symlink to a folder outside is never followed.
        try FileManager.default.createSymbolicLink(atPath: daemon.inbox + "/elsewhere", withDestinationPath: outside.path)
        #expect(try await daemon.waitForStatus { $0.failed == 1 })
        #expect(try daemon.client.failures().failures.map { backend.local($0.path) } == ["elsewhere"])
        #expect(try daemon.client.search("together").total == 0)
        #expect(try daemon.client.status().articles == 1)
    }

    @Test("a file written through several opens ends with its final content; a rewrite replaces the old text", arguments: ArchiveBackend.allCases)
    func partialWrites(backend: ArchiveBackend) async throws {
        let daemon = try await RunningDaemon(extraArguments: try backend.daemonArguments())
        let path = daemon.inbox + "/growing.txt"
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.write(contentsOf: Data("Growing story\n\nfirstpart ".utf8))
        try handle.close()
        #expect(try await daemon.waitUntil { try paths(daemon, "firstpart", backend) == ["growing.txt"] })
        let append = try #require(FileHandle(forWritingAtPath: path))
        try append.seekToEnd()
        try append.write(contentsOf: Data("secondpart".utf8))
        try append.close()
        #expect(try await daemon.waitUntil { try paths(daemon, "firstpart secondpart", backend) == ["growing.txt"] })

        try article("Rewritten", "only thirdpart now").write(toFile: path, atomically: false, encoding: .utf8)
        #expect(try await daemon.waitUntil { try paths(daemon, "thirdpart", backend) == ["growing.txt"] })
        #expect(try paths(daemon, "firstpart", backend).isEmpty)
        #expect(try daemon.client.status().articles == 1)
    }

    @Test("the same text under two names is one article; a renamed file keeps its id", arguments: ArchiveBackend.allCases)
    func duplicatesAndRenames(backend: ArchiveBackend) async throws {
        let daemon = try await RunningDaemon(extraArguments: try backend.daemonArguments())
        let text = article("Syndicated report", "Word for word the same in two files.")
        try text.write(toFile: daemon.inbox + "/one.txt", atomically: false, encoding: .utf8)
        try text.write(toFile: daemon.inbox + "/two.txt", atomically: false, encoding: .utf8)
        #expect(try await daemon.waitForStatus { $0.files == 2 })
        let found = try daemon.client.search("syndicated")
        #expect(found.total == 1 && found.hits[0].paths.map(backend.local) == ["one.txt", "two.txt"])

        try article("Unique", "Renamed later.").write(toFile: daemon.inbox + "/before.txt", atomically: false, encoding: .utf8)
        #expect(try await daemon.waitUntil { try paths(daemon, "renamed", backend) == ["before.txt"] })
        let id = try daemon.client.search("renamed").hits[0].id
        daemon.root.folder("inbox/moved")
        try FileManager.default.moveItem(atPath: daemon.inbox + "/before.txt", toPath: daemon.inbox + "/moved/after.txt")
        #expect(try await daemon.waitUntil { try paths(daemon, "renamed", backend) == ["moved/after.txt"] })
        #expect(try daemon.client.search("renamed").hits[0].id == id)
    }

    @Test("a burst of files is indexed in batches while queries keep being answered", arguments: ArchiveBackend.allCases)
    func burst(backend: ArchiveBackend) async throws {
        let daemon = try await RunningDaemon(extraArguments: try backend.daemonArguments())
        // A request that throws (the connection closed, say) shows what newsd was doing.
        try await RunningDaemon.showingLogs(of: [daemon]) {
            let staging = daemon.root.folder("staging")
            let count = 3000
            for n in 0..<count {
                try article("Burst \(n)", "Burst article number \(n) token\(n).").write(toFile: staging + "/\(n).txt", atomically: false, encoding: .utf8)
            }
            let client = daemon.client
            var answered = 0
            var sawIndexing = false
            // Mid-burst: files wait, or some of the burst is searchable and some not yet. On a
            // fast machine the loop takes each file as it arrives, so the queue is rarely seen
            // non-empty; the count between 0 and the whole burst is what shows it under way.
            func underWay(_ status: StatusResponse) -> Bool {
                status.pending > 0 || status.state == "indexing" || (status.articles > 0 && status.articles < count)
            }
            // The burst arrives in chunks, a status asked after each: a test process starved by
            // other tests (CI runs them side by side) still asks while most of the burst is to come.
            let chunk = 250
            for first in stride(from: 0, to: count, by: chunk) {
                for n in first..<min(first + chunk, count) { rename(staging + "/\(n).txt", daemon.inbox + "/\(n).txt") }
                let status = try client.status()  // throws if a query is not answered
                answered += 1
                sawIndexing = sawIndexing || underWay(status)
            }
            while true {
                let status = try client.status()
                answered += 1
                sawIndexing = sawIndexing || underWay(status)
                if status.articles == count { break }
                try await Task.sleep(for: .milliseconds(5))
                #expect(answered < 20_000, "burst never completed")
                if answered >= 20_000 { break }
            }
            #expect(try client.search("token2999").total == 1)
            #expect(answered > 1)
            #expect(sawIndexing, "a status was answered while the burst was under way")
            #expect(try client.status().files == count)
            // Group commit: a burst is written many files per transaction.
            let batchSizes = daemon.log.split(separator: "\n").filter { $0.contains("event=batch") }.compactMap { line in
                line.split(separator: " ").first { $0.hasPrefix("files=") }.flatMap { Int($0.dropFirst(6)) }
            }
            #expect((batchSizes.max() ?? 0) > 10, "largest batch: \(batchSizes.max() ?? 0) files")
            #expect(batchSizes.count < count / 2)
        }
    }

    @Test("once idle after a second load as large as the first, the full-text index is never left in segments the rewrite rule asks to join; searches find both loads")
    func fullTextConsolidatedWhenIdle() async throws {
        let daemon = try await RunningDaemon()
        let staging = daemon.root.folder("staging")
        let database = daemon.stateDir + "/index.sqlite"
        /// Each segment's `_idx` entries, as `ArticleIndex.fullTextWantsConsolidating` weighs them.
        func segments() throws -> [Int] {
            try runProcess("/usr/bin/sqlite3", [database, "SELECT count(*) FROM article_fts_idx GROUP BY segid"]).stdout
                .split(separator: "\n").compactMap { Int($0) }
        }
        /// The rule newsd rewrites by: the segments besides the largest hold a quarter of it.
        func wantsRewrite(_ sizes: [Int]) -> Bool {
            guard sizes.count > 1, let largest = sizes.max() else { return false }
            return (sizes.reduce(0, +) - largest) * 4 >= largest
        }
        let consolidated = "event=fulltext-consolidated finished=true"
        /// Loads `range` and waits until newsd is idle; returns how many finished rewrites newsd
        /// had logged once the whole load was indexed. A rewrite that finishes without a file
        /// waiting, logged after that, ran after the load: any earlier one (the first load's,
        /// which may end after this load's first files are written) is not.
        func load(_ range: Range<Int>) async throws -> Int {
            for n in range {
                try article("Load \(n)", "Load article number \(n) mark\(n) quay\(n).").write(toFile: staging + "/\(n).txt", atomically: false, encoding: .utf8)
                rename(staging + "/\(n).txt", daemon.inbox + "/\(n).txt")
            }
            #expect(try await daemon.waitForStatus(timeout: .seconds(120)) { $0.articles == range.upperBound })
            let before = daemon.log.components(separatedBy: consolidated).count
            #expect(try await daemon.waitForStatus(timeout: .seconds(120)) { $0.articles == range.upperBound && $0.state == "idle" && $0.unplaced == 0 })
            return before
        }
        _ = try await load(0..<500)
        let rewritesBeforeSecondLoad = try await load(500..<1000)
        // Either FTS5's level merges already joined the loads, or newsd's rewrite must (logged
        // as fulltext-consolidated once the second load is in); which one depends on how the
        // batches fell.
        var sizes: [Int] = []
        let settled = try await waitUntil(timeout: .seconds(120)) {
            sizes = try segments()
            return !sizes.isEmpty && !wantsRewrite(sizes)
        }
        #expect(settled, "segments' entries: \(sizes)\n\(daemon.log)")
        if daemon.log.components(separatedBy: consolidated).count > rewritesBeforeSecondLoad {
            let joined = try segments()
            #expect(joined.count == 1, "segments' entries: \(joined)\n\(daemon.log)")
        }
        #expect(try daemon.client.search("mark7").total == 1)
        #expect(try daemon.client.search("quay999").total == 1)
        #expect(try daemon.client.search("mark250 OR quay750").total == 2)
    }

    @Test("a load's small full-text segments are merged before its stories are placed, so that files dropped meanwhile do not pay for it")
    func mergedBeforePlacement() async throws {
        // Batches of 5 leave a small segment each, and FTS5 merges none of them on its own.
        let daemon = try await RunningDaemon(environment: ["NEWSD_BATCH_SIZE": "5"])
        #expect(try daemon.newsctl("pause").status == 0)
        let count = 100
        for n in 0..<count {
            try article("Merged \(n)", "Article \(n) of a load, tern\(n).").write(toFile: daemon.inbox + "/\(n).txt", atomically: false, encoding: .utf8)
        }
        #expect(try await daemon.waitForStatus { $0.state == "paused" && $0.pending == count })
        // Resumed, the whole load waits in the queue: nothing is merged or placed before its last batch.
        #expect(try daemon.newsctl("resume").status == 0)
        #expect(try await daemon.waitForStatus(timeout: .seconds(60)) { $0.articles == count && $0.state == "idle" && $0.unplaced == 0 })
        let events = daemon.log.split(separator: "\n").compactMap { line in
            ["event=fulltext-merged", "event=stories-placed"].first { line.contains($0) }
        }
        #expect(events.first == "event=fulltext-merged", "merging and placing, in the order logged: \(events)\n\(daemon.log.suffix(3000))")
        #expect(try daemon.client.search("tern99").total == 1)
    }

    @Test("pause queues new files; resume indexes them; reindex reads every file again", arguments: ArchiveBackend.allCases)
    func controls(backend: ArchiveBackend) async throws {
        let daemon = try await RunningDaemon(extraArguments: try backend.daemonArguments())
        let paused = try daemon.newsctl("pause")
        #expect(paused.status == 0 && paused.stdout.contains("paused"))
        for n in 0..<5 {
            try article("Held \(n)", "Waiting while paused.").write(toFile: daemon.inbox + "/held\(n).txt", atomically: false, encoding: .utf8)
        }
        #expect(try await daemon.waitForStatus { $0.state == "paused" && $0.pending == 5 })
        #expect(try daemon.client.status().articles == 0)

        #expect(try daemon.newsctl("resume").status == 0)
        #expect(try await daemon.waitForStatus { $0.articles == 5 && $0.state == "idle" })

        try "Changed behind its back\n\nReconcile finds it.".write(toFile: daemon.inbox + "/held0.txt", atomically: false, encoding: .utf8)
        #expect(try daemon.newsctl("reconcile").status == 0)
        #expect(try await daemon.waitUntil { try daemon.client.search("behind").total == 1 })

        let reindex = try daemon.newsctl("reindex")
        #expect(reindex.status == 0)
        #expect(reindex.stdout.contains("reindexed: 5 articles"))
        #expect(try await daemon.waitUntil { daemon.log.contains("event=reindexed") })
    }

    @Test("a damaged database is moved aside and rebuilt from the inbox")
    func corruptDatabase() async throws {
        let first = try await RunningDaemon { inbox in
            try "Survivor\n\nRebuilt from the inbox.".write(toFile: inbox + "/s.txt", atomically: false, encoding: .utf8)
        }
        #expect(try await first.waitForStatus { $0.articles == 1 })
        #expect(try await first.stop() == 0)
        let database = first.stateDir + "/index.sqlite"
        try Data(repeating: 0x42, count: 8192).write(to: URL(fileURLWithPath: database))
        try? FileManager.default.removeItem(atPath: database + "-wal")

        let log = first.root.file("second.log")
        let second = try RunningDaemon.launch(arguments: ["--inbox", first.inbox, "--state-dir", first.stateDir, "--socket", first.socket], logPath: log)
        defer { second.signal(SIGTERM); second.waitUntilExit() }
        #expect(try await first.waitForStatus { $0.articles == 1 })
        #expect(try String(contentsOfFile: log, encoding: .utf8).contains("event=index-corrupt"))
        let aside = try FileManager.default.contentsOfDirectory(atPath: first.stateDir).filter { $0.contains(".corrupt-") }
        #expect(!aside.isEmpty, "the damaged file is kept for inspection")
    }

    @Test("damage that only a page-by-page check finds is found after READY, and the index rebuilt")
    func damagedPage() async throws {
        let first = try await RunningDaemon { inbox in
            try "Survivor\n\nRebuilt after a damaged page.".write(toFile: inbox + "/s.txt", atomically: false, encoding: .utf8)
        }
        #expect(try await first.waitForStatus { $0.articles == 1 && $0.state == "idle" })
        #expect(try await first.stop() == 0)
        let database = first.stateDir + "/index.sqlite"
        try DatabaseDamage.overwriteRootPage(of: "article", in: database)

        let log = first.root.file("second.log")
        let second = try RunningDaemon.launch(arguments: ["--inbox", first.inbox, "--state-dir", first.stateDir, "--socket", first.socket], logPath: log)
        defer { second.signal(SIGTERM); second.waitUntilExit() }
        let secondLog = { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
        #expect(try await waitUntil { secondLog().contains("event=index-corrupt") },
                "running: \(second.isRunning); newsd's log:\n\(secondLog())")
        #expect(try await first.waitForStatus { $0.articles == 1 && $0.state == "idle" }, "newsd's log:\n\(secondLog())")
        #expect(try first.client.search("rebuilt").hits.map(\.path) == ["s.txt"])
        let aside = try FileManager.default.contentsOfDirectory(atPath: first.stateDir).filter { $0.contains(".corrupt-") }
        #expect(!aside.isEmpty, "the damaged file is kept for inspection")
    }

    @Test("an index that cannot be opened at all is moved aside and rebuilt")
    func unreadableDatabase() async throws {
        let daemon = try await RunningDaemon { inbox in
            try "Rebuilt\n\nFrom the inbox again.".write(toFile: inbox + "/r.txt", atomically: false, encoding: .utf8)
        }
        #expect(try await daemon.stop() == 0)
        let database = daemon.stateDir + "/index.sqlite"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
        // A folder where the database file should be: SQLite cannot open it.
        try FileManager.default.createDirectory(atPath: database, withIntermediateDirectories: false)
        let log = daemon.root.file("second.log")
        let second = try RunningDaemon.launch(arguments: ["--inbox", daemon.inbox, "--state-dir", daemon.stateDir, "--socket", daemon.socket], logPath: log)
        defer { second.terminate(); second.waitUntilExit() }
        #expect(try await daemon.waitForStatus { $0.articles == 1 }, "\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        #expect(try String(contentsOfFile: log, encoding: .utf8).contains("event=index-corrupt"))
    }

    @Test("an index newsd may not open is left in place, never moved aside, and newsd says why")
    func forbiddenDatabase() async throws {
        guard getuid() == 0 else { Issue.record("needs root, to run newsd as another user"); return }
        let root = TemporaryFolder("newsd-forbidden-index")
        chmod(root.path, 0o777)
        let inbox = root.folder("inbox")
        let state = root.folder("state")
        chmod(state, 0o777)
        let arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", BuiltProducts.newsd,
                         "--inbox", inbox, "--state-dir", state, "--socket", root.file("newsd.sock")]
        let first = try RunningDaemon.launchCommand("/usr/bin/setpriv", arguments, logPath: root.file("first.log"))
        let client = NewsClient(socketPath: root.file("newsd.sock"))
        #expect(try await waitUntil { (try? client.status()) != nil })
        first.signal(SIGTERM)
        first.waitUntilExit()
        let database = state + "/index.sqlite"
        #expect(chmod(database, 0o000) == 0)
        let secondLog = root.file("second.log")
        let second = try RunningDaemon.launchCommand("/usr/bin/setpriv", arguments, logPath: secondLog)
        // It must exit by itself; one that starts anyway is stopped so that the test fails, not hangs.
        let exited = try await waitUntil(timeout: .seconds(20)) { !second.isRunning }
        if !exited { second.terminate(); second.waitUntilExit() }
        #expect(exited && second.terminationStatus != 0)
        let output = (try? String(contentsOfFile: secondLog, encoding: .utf8)) ?? ""
        #expect(output.contains("cannot open the index database") && output.contains("leaves the file as it is"), "\(output)")
        #expect(FileManager.default.fileExists(atPath: database))
        #expect(try FileManager.default.contentsOfDirectory(atPath: state).filter { $0.contains(".corrupt-") }.isEmpty)
    }

    @Test("a database from a newer newsd is refused, never overwritten")
    func newerDatabase() async throws {
        let first = try await RunningDaemon()
        #expect(try await first.stop() == 0)
        let database = first.stateDir + "/index.sqlite"
        let sqlite = try runProcess("/usr/bin/sqlite3", [database, "INSERT INTO grdb_migrations VALUES ('v99-future')"])
        #expect(sqlite.status == 0)
        let before = try runProcess("/usr/bin/sqlite3", [database, ".dump"]).stdout
        let result = try runProcess(BuiltProducts.newsd, ["--inbox", first.inbox, "--state-dir", first.stateDir, "--socket", first.socket])
        #expect(result.status != 0)
        #expect(result.stderr.contains("newer version of newsd"))
        #expect(try runProcess("/usr/bin/sqlite3", [database, ".dump"]).stdout == before, "the database is left as it was")
    }
}
