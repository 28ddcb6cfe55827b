import Foundation
import NewsClient
import NewsCore
import Testing
import TestSupport

/// Several newsd hosts on one PostgreSQL archive: the real binaries, a real server.
@Suite struct SharedArchiveEndToEndTests {
    static let pipeline = """
        Pipeline burst floods valley farms

        Engineers said the old pipeline burst after a night of heavy frost. Farmers in the valley
        lost their winter crops, and the operator promised compensation within a month.
        """

    func host(_ name: String, _ url: String, extra: [String] = []) async throws -> RunningDaemon {
        try await RunningDaemon(extraArguments: ["--index-url", url, "--host-id", name] + extra)
    }

    func write(_ text: String, to path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test func twoHostsOneArchive() async throws {
        let cluster = try PostgresCluster.shared()
        let url = cluster.socketURL(database: try cluster.createDatabase())
        let alpha = try await host("alpha", url)
        let beta = try await host("beta", url)
        try write(Self.pipeline, to: alpha.inbox + "/world/pipeline.txt")
        try write(Self.pipeline, to: beta.inbox + "/saved/valley.md")
        try write("Frost warning for the north\n\nForecasters expect frost across the north tonight.", to: beta.inbox + "/frost.txt")
        #expect(try await waitUntil { (try? beta.client.search("pipeline").hits.first?.paths.count) == 2 })
        let hits = try alpha.client.search("pipeline").hits
        #expect(hits.count == 1)
        #expect(hits.first?.paths == ["alpha:world/pipeline.txt", "beta:saved/valley.md"])
        #expect(try await waitUntil { (try? alpha.client.search("frost").total) == 2 })
        // A query-only newsd sees everything and watches nothing.
        let reader = try await host("reader", url, extra: ["--no-inbox"])
        #expect(try reader.client.search("frost OR pipeline").total == 2)
        #expect(reader.log.contains("watching no inbox"))
        // status: the backend, the database, every host with its own counts.
        let status = try alpha.client.status()
        #expect(status.archive?.backend == "postgresql")
        #expect(status.archive?.host == "alpha")
        #expect(status.articles == 2)
        #expect(status.files == 1)
        #expect(status.archive?.hosts.map(\.host) == ["alpha", "beta", "reader"])
        #expect(status.archive?.hosts.map(\.files) == [1, 2, 0])
        let text = try alpha.newsctl("status")
        #expect(text.stdout.contains("archive:   postgresql postgresql://"))
        #expect(text.stdout.contains("beta: 2 files, 0 failed"))
        // show by host:path on another host; a file removed on one host leaves the other's.
        #expect(try reader.client.article(path: "beta:saved/valley.md").title == "Pipeline burst floods valley farms")
        // show --raw reads this host's own file; a host without one says where the files are.
        let id = try #require(hits.first?.id)
        #expect(String(decoding: try alpha.client.rawArticle(id: id), as: UTF8.self) == Self.pipeline)
        let elsewhere = try reader.newsctl("show", "--raw", String(id))
        #expect(elsewhere.status != 0)
        #expect(elsewhere.stderr.contains("files are on other hosts (alpha:world/pipeline.txt, beta:saved/valley.md)"), "\(elsewhere.stderr)")
        try FileManager.default.removeItem(atPath: beta.inbox + "/saved/valley.md")
        #expect(try await waitUntil { (try? alpha.client.search("pipeline").hits.first?.paths) == ["alpha:world/pipeline.txt"] })
        // A timeline and `new` on the shared archive.
        #expect(try alpha.client.timeline("pipeline OR forecasters").undated == 2)
        #expect(try alpha.client.newArticles().total == 2)
        #expect(try alpha.client.newArticles().total == 0)
        for daemon in [alpha, beta, reader] { #expect(try await daemon.stop() == 0) }
    }

    @Test("a watch and an alert on a query-only host see what another host's inbox receives; the alert's host announces it, once")
    func watchesAndAlertsAcrossHosts() async throws {
        let cluster = try PostgresCluster.shared()
        let url = cluster.socketURL(database: try cluster.createDatabase())
        let root = TemporaryFolder("newsd-shared-alerts")
        let announced = root.folder("announced")
        let script = root.file("record.sh")
        try "#!/bin/sh\ncat >> '\(announced)'/\"$NEWSD_ALERT-$NEWSD_ARTICLE_ID.jsonl\"\n".write(toFile: script, atomically: true, encoding: .utf8)
        let alpha = try await host("alpha", url)
        let reader = try await RunningDaemon(extraArguments: ["--index-url", url, "--host-id", "reader", "--no-inbox"],
                                             environment: ["NEWSD_ALERT_COMMAND": "sh '\(script)'"])
        let added = try reader.newsctl("alert", "add", "burst", "pipeline", "-rumour")
        #expect(added.status == 0, "\(added.stderr)")
        // Alerts belong to the archive: every host lists them, with the host that announces them.
        let listed = try alpha.client.alerts().alerts
        #expect(listed.map(\.name) == ["burst"] && listed.first?.host == "reader")
        #expect(try alpha.newsctl("alert", "add", "burst", "frost").stderr.contains("an alert named 'burst' exists already"))

        let output = reader.root.file("watch.out")
        let watch = try ChildProcess(BuiltProducts.newsctl, ["watch", "forecasters"],
                                     environment: ChildProcess.environment(["NEWSD_SOCKET": reader.socket, "NO_COLOR": "1"]), outputPath: output)
        defer { watch.terminate(); watch.waitUntilExit() }
        func printed() -> String { (try? String(contentsOfFile: output, encoding: .utf8)) ?? "" }
        #expect(try await waitUntil { printed().contains("watching for") || !watch.isRunning }, "\(printed())")

        try write(Self.pipeline, to: alpha.inbox + "/world/pipeline.txt")
        try write("Frost warning for the north\n\nForecasters expect frost across the north tonight.", to: alpha.inbox + "/frost.txt")
        try write("Pipeline rumour denied\n\nThe operator denied a rumour about the pipeline.", to: alpha.inbox + "/rumour.txt")
        #expect(try await waitUntil { printed().contains("Frost warning for the north") }, "\(printed())\n\(reader.log)")
        #expect(printed().contains("alpha:frost.txt"), "\(printed())")
        #expect(!printed().contains("Pipeline"), "\(printed())")
        let pipelineId = try alpha.client.article(path: "world/pipeline.txt").id
        func recorded() -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: announced)) ?? [] }
        #expect(try await waitUntil { recorded() == ["burst-\(pipelineId).jsonl"] }, "\(recorded())\n\(reader.log)")
        let event = try JSONDecoder().decode(AlertEvent.self, from: Data(try FixtureFiles.read(announced + "/burst-\(pipelineId).jsonl")))
        #expect(event.article.path == "alpha:world/pipeline.txt" && event.article.title == "Pipeline burst floods valley farms")
        #expect(reader.log.contains("event=alert "), "the keeping host logs the match")
        #expect(!alpha.log.contains("event=alert "), "the ingesting host does not announce another host's alert")
        let shown = try alpha.client.alert(name: "burst")
        #expect(shown.alert.matches == 1 && shown.hits.map(\.id) == [pipelineId])

        // The keeping host restarts: the next match is announced, the first not again.
        #expect(try await reader.stop() == 0)
        let again = try await RunningDaemon(extraArguments: ["--index-url", url, "--host-id", "reader", "--no-inbox"],
                                            environment: ["NEWSD_ALERT_COMMAND": "sh '\(script)'"])
        try write("Pipeline repairs begin\n\nCrews began repairing the pipeline at dawn.", to: alpha.inbox + "/repairs.txt")
        #expect(try await waitUntil { recorded().count == 2 }, "\(recorded())\n\(again.log)")
        let lines = String(decoding: try FixtureFiles.read(announced + "/burst-\(pipelineId).jsonl"), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 1, "announced once: \(lines)")
        #expect(try again.newsctl("alert", "remove", "burst").status == 0)
        #expect(try alpha.client.alerts().alerts.isEmpty)
        for daemon in [alpha, again] { #expect(try await daemon.stop() == 0) }
    }

    /// Copies a fixture of the stories folder into `inbox`, saved when the fixture test saves them.
    func dropStory(_ name: String, into inbox: String, as copy: String? = nil, appending extra: String = "") throws {
        let text = try String(contentsOfFile: FixtureStoryEndToEndTests.folder + "/" + name, encoding: .utf8) + extra
        let path = inbox + "/" + (copy ?? name)
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_710_936_000)], ofItemAtPath: path)
    }

    @Test("a host whose files an older analysis read reads them again at its next start: dates and fingerprints renewed, once")
    func filesReadByAnOlderAnalysisAreReadAgain() async throws {
        let cluster = try PostgresCluster.shared()
        let database = try cluster.createDatabase()
        let daemon = RestartableDaemon("newsd-reanalysis", extraArguments: ["--index-url", cluster.socketURL(database: database), "--host-id", "alpha"])
        // A wire report whose dateline names a region, saved two days after it.
        let path = daemon.inbox + "/chips.txt"
        try write("""
            Chip maker trims output

            SAN JOSE, Calif., March 3 - Veloria Circuits Inc said it would trim wafer output at its
            valley plant by a fifth until orders from computer makers recover.
            """, to: path)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 541_944_000)], ofItemAtPath: path)
        let readings = "SELECT article_date, coalesce(date_source, 'file'), encode(fingerprint, 'hex') FROM newsd_article"
        try await daemon.start()
        #expect(try await waitUntil { (try? daemon.client.search("veloria").total) == 1 })
        let fresh = try cluster.sql(readings, database: database)
        #expect(fresh.hasPrefix("1987-03-03|"), "\(fresh)")
        // A new host's files are read by this build: nothing to read again.
        #expect(!daemon.log.contains("event=reread-older-analysis"))
        #expect(try cluster.sql("SELECT analysis FROM newsd_host", database: database) == "\(ArticleAnalyzer.version)")
        // What a build before the analysis version stored: the file's day, another fingerprint.
        try await daemon.stop()
        try cluster.sql("UPDATE newsd_article SET article_date = '1987-03-05', date_source = NULL, published_date = NULL, fingerprint = '\\x00'",
                        database: database)
        try cluster.sql("UPDATE newsd_host SET analysis = 0", database: database)
        try await daemon.start()
        #expect(try await waitUntil { (try? cluster.sql(readings, database: database)) == fresh })
        #expect(try await waitUntil { (try? cluster.sql("SELECT analysis FROM newsd_host", database: database)) == "\(ArticleAnalyzer.version)" })
        #expect(daemon.log.contains("event=reread-older-analysis"))
        // Read again once: the next start only reconciles.
        try await daemon.stop()
        try await daemon.start()
        #expect(try await waitUntil { daemon.log.contains("event=reconciled") })
        #expect(!daemon.log.contains("event=reread-older-analysis"))
        #expect(try await daemon.stop() == 0)
    }

    @Test func storiesArePlacedOnceAcrossHostsAndAnotherHostTakesOver() async throws {
        let cluster = try PostgresCluster.shared()
        let url = cluster.socketURL(database: try cluster.createDatabase())
        let alpha = try await host("alpha", url)
        let beta = try await host("beta", url)
        try await RunningDaemon.showingLogs(of: [alpha, beta]) { try await placeOnceThenTakeOver(alpha, beta) }
    }

    func placeOnceThenTakeOver(_ alpha: RunningDaemon, _ beta: RunningDaemon) async throws {
        for name in ["felixstowe-reuters.txt", "felixstowe-bbc.html"] { try dropStory(name, into: alpha.inbox) }
        for name in ["felixstowe-guardian.md", "felixstowe-yahoo.txt", "lemon-harvest.txt"] { try dropStory(name, into: beta.inbox) }
        let placed = { (daemon: RunningDaemon, articles: Int) in
            try await daemon.waitForStatus(timeout: .seconds(60)) { $0.articles == articles && $0.unplaced == 0 && $0.stories >= 2 }
        }
        #expect(try await placed(alpha, 5), "\(alpha.log)\n\(beta.log)")
        // One placer: the other host waits.
        let placers = [alpha, beta].filter { $0.log.contains("event=placer-elected") }
        #expect(placers.count == 1, "\(alpha.log)\n\(beta.log)")
        let reuters = try beta.client.article(path: "alpha:felixstowe-reuters.txt")
        let storyId = try #require(reuters.storyId)
        let story = try beta.client.story(id: storyId)
        #expect(Set(story.timeline.map(\.path)) == ["alpha:felixstowe-reuters.txt", "alpha:felixstowe-bbc.html",
                                                    "beta:felixstowe-guardian.md", "beta:felixstowe-yahoo.txt"])
        #expect(story.timeline.first?.outlet == "BBC")
        #expect(try alpha.client.search("felixstowe").hits.count == 3, "Yahoo's copy folds into Reuters' hit, across hosts")
        let listed = try beta.newsctl("stories", "--since", "2023-01-01")
        #expect(listed.status == 0 && listed.stdout.contains("4 articles  4 outlets  Felixstowe port strike"), "\(listed.stdout)")

        // The placer's host dies: the other takes placement over (its own local index, so story
        // ids may change) and places what arrives next.
        let placer = try #require(placers.first)
        let survivor = placer === alpha ? beta : alpha
        placer.process.signal(SIGKILL)
        placer.process.waitUntilExit()
        try dropStory("felixstowe-reuters.txt", into: survivor.inbox, as: "reuters-again.txt",
                      appending: "\nThis article was corrected to give the union's full name.\n")
        #expect(try await placed(survivor, 6), "\(survivor.log)")
        #expect(survivor.log.contains("event=placer-elected"))
        let again = try survivor.client.article(path: "\(survivor === alpha ? "alpha" : "beta"):reuters-again.txt")
        let grown = try survivor.client.story(id: try #require(again.storyId))
        #expect(grown.story.articles == 5, "\(grown.timeline.map(\.path))")
        #expect(try survivor.client.article(path: "alpha:felixstowe-reuters.txt").storyId == again.storyId)
        #expect(try survivor.client.search("felixstowe").hits.count == 3, "the corrected copy folds too")
        #expect(try await survivor.stop() == 0)
    }

    @Test func aHostKilledMidBurstLosesAndDuplicatesNothing() async throws {
        let cluster = try PostgresCluster.shared()
        let url = cluster.socketURL(database: try cluster.createDatabase())
        let alpha = try await host("alpha", url)
        let count = 300
        for number in 0..<count {
            try write("Council report number \(number)\n\nThe council published report \(number) on road repairs and school budgets.",
                      to: alpha.inbox + "/burst/report-\(number).txt")
        }
        #expect(try await waitUntil { (try? alpha.client.status().articles).map { $0 > 0 } ?? false })
        alpha.process.signal(SIGKILL)
        alpha.process.waitUntilExit()
        // The same inbox and host name again: reconciliation finishes the burst.
        let again = try RunningDaemon.launch(arguments: ["--inbox", alpha.inbox, "--state-dir", alpha.stateDir + "-2", "--socket", alpha.socket + "2",
                                                         "--index-url", url, "--host-id", "alpha"], logPath: alpha.logPath)
        defer { again.signal(SIGKILL); again.waitUntilExit() }
        let client = NewsClient(socketPath: alpha.socket + "2", timeoutSeconds: 10)
        #expect(try await waitUntil(timeout: .seconds(60)) {
            guard let status = try? client.status() else { return false }
            return status.state == "idle" && status.files == count
        })
        let status = try client.status()
        #expect(status.articles == count)
        #expect(status.files == count)
        #expect(try client.search("council").total == count)
    }

    @Test func theDatabaseGoesAwayAndComesBack() async throws {
        // A cluster of its own: this test stops it.
        let cluster = try PostgresCluster()
        let url = cluster.socketURL(database: try cluster.createDatabase()) + "&connect_timeout=2"
        let alpha = try await host("alpha", url)
        try write(Self.pipeline, to: alpha.inbox + "/before.txt")
        #expect(try await waitUntil { (try? alpha.client.status().articles) == 1 })
        try cluster.stop()
        try write("Frost warning for the north\n\nForecasters expect frost across the north tonight.", to: alpha.inbox + "/during.txt")
        #expect(try await waitUntil(timeout: .seconds(30)) {
            guard let status = try? alpha.client.status() else { return false }
            return status.state == "error" && (status.error ?? "").contains("database unreachable")
        })
        #expect(alpha.process.isRunning)
        try cluster.start()
        #expect(try await waitUntil(timeout: .seconds(90)) {
            guard let status = try? alpha.client.status() else { return false }
            return status.state == "idle" && status.articles == 2
        }, "\(alpha.log.suffix(4000))")
        #expect(try alpha.client.search("forecasters").total == 1)
        #expect(alpha.log.contains("works again"))
        // The outage is in the journal, and so is its end (connections that failed while the
        // server was starting up may add a second warning, never one per attempt).
        let outageEvents = alpha.log.split(separator: "\n").compactMap { line in
            line.contains("event=database-unreachable") ? "down" : line.contains("event=database-reachable") ? "up" : nil
        }
        #expect(outageEvents.first == "down" && outageEvents.last == "up" && outageEvents.count <= 4, "\(outageEvents)")
        #expect(try await alpha.stop() == 0, "\(alpha.log.prefix(6000))")
    }

    @Test func searchesAreServedByAReadReplica() async throws {
        // Clusters of its own: the replica follows its primary's whole WAL.
        let primary = try PostgresCluster()
        let database = try primary.createDatabase()
        let replica = try PostgresCluster(replicaOf: primary)
        let primaryURL = primary.socketURL(database: database)
        // The default connect timeout (10 s): a shorter one could send a search to the primary
        // on a machine busy with other suites, and the paused replay would prove nothing.
        let replicaURL = replica.socketURL(database: database)
        let alpha = try await host("alpha", primaryURL, extra: ["--index-read-url", replicaURL])
        try write(Self.pipeline, to: alpha.inbox + "/pipeline.txt")
        #expect(try await waitUntil(timeout: .seconds(30)) { (try? alpha.client.search("pipeline").total) == 1 })
        #expect(try await waitUntil { (try? alpha.client.status().archive?.replica?.lagBytes) == 0 })
        // With the replica's replay paused, a new article is written (and shown by its path,
        // from the primary) but not found by searches, which the replica answers.
        try replica.pauseReplay(true)
        try write("Frost warning for the north\n\nForecasters expect frost across the north tonight.", to: alpha.inbox + "/frost.txt")
        #expect(try await waitUntil { (try? alpha.client.article(path: "alpha:frost.txt").title) == "Frost warning for the north" })
        #expect(try alpha.client.search("forecasters").total == 0)
        #expect(try await waitUntil { (try? alpha.client.status().archive?.replica?.lagBytes).flatMap { $0 }.map { $0 > 0 } ?? false })
        let paused = try alpha.newsctl("status")
        #expect(paused.stdout.contains("replica:   postgresql://"), "\(paused.stdout)")
        #expect(paused.stdout.contains("behind, last replayed"), "\(paused.stdout)")
        try replica.pauseReplay(false)
        #expect(try await waitUntil(timeout: .seconds(30)) { (try? alpha.client.search("forecasters").total) == 1 })
        // The replica goes away: searches fall back to the primary, and status says why the lag is unknown.
        try replica.stop()
        #expect(try alpha.client.search("forecasters OR pipeline").total == 2)
        #expect(try alpha.client.timeline("forecasters OR pipeline").undated == 2, "a timeline falls back too")
        #expect(alpha.log.contains("event=replica-unreachable"))
        #expect(try alpha.client.status().archive?.replica?.error?.contains("database unreachable") == true)
        // Back again: searches return to it.
        try replica.start()
        #expect(try await waitUntil(timeout: .seconds(60)) {
            _ = try? alpha.client.search("forecasters")
            return alpha.log.contains("event=replica-recovered")
        }, "\(alpha.log.suffix(3000))")
        #expect(try await alpha.stop() == 0)
    }
}
