import Foundation
import NewsCore
import NewsIndex
@testable import NewsPostgres
import Testing
import TestSupport

/// The PostgreSQL archive against a real server: a throwaway cluster, a database per test.
@Suite struct PostgresArchiveTests {
    let cluster: PostgresCluster
    init() throws { cluster = try PostgresCluster.shared() }

    @Test func createsItsSchemaOnceAndRecordsTheHost() async throws {
        let database = try cluster.createDatabase()
        try await withArchive(cluster, database: database) { _ in }
        // A second start (another host) finds the schema in place.
        try await withArchive(cluster, database: database, host: "beta") { _ in }
        #expect(try cluster.sql("SELECT version FROM newsd_schema", database: database) == "\(PostgresSchema.version)")
        #expect(try cluster.sql("SELECT string_agg(host_id, ',' ORDER BY host_id) FROM newsd_host", database: database) == "alpha,beta")
    }

    @Test func migratesAnOlderSchemaInPlace() async throws {
        let database = try cluster.createDatabase()
        // A database left by the first version: its statements as they were, version 1.
        try cluster.sql("CREATE TABLE newsd_schema (version integer NOT NULL); INSERT INTO newsd_schema VALUES (1)", database: database)
        for statement in PostgresSchema.migrations[0] { try cluster.sql(statement, database: database) }
        try cluster.sql("INSERT INTO newsd_host VALUES ('alpha', 1, 1)", database: database)
        try await withArchive(cluster, database: database) { archive in
            try await archive.advanceReaderCursor(uid: 1000, to: 50)
            try await archive.advanceReaderCursor(uid: 1000, to: 40)
            #expect(try await archive.readerCursor(uid: 1000) == 50)
        }
        #expect(try cluster.sql("SELECT version FROM newsd_schema", database: database) == "\(PostgresSchema.version)")
    }

    @Test func refusesANewerSchema() async throws {
        let database = try cluster.createDatabase()
        try await withArchive(cluster, database: database) { _ in }
        try cluster.sql("UPDATE newsd_schema SET version = 99", database: database)
        let error = await #expect(throws: ArchiveError.self) { try await withArchive(cluster, database: database) { _ in } }
        #expect(error?.message.contains("schema version 99 of a newer newsd") == true)
    }

    @Test func namesTheMissingPrivilege() async throws {
        let role = "reader_\(UUID().uuidString.prefix(6).lowercased())"
        try cluster.sql("CREATE ROLE \(role) LOGIN")
        let database = try cluster.createDatabase()
        try cluster.sql("REVOKE CREATE ON SCHEMA public FROM PUBLIC", database: database)
        let error = await #expect(throws: ArchiveError.self) {
            try await withArchive(cluster, database: database, user: role) { _ in }
        }
        #expect(error?.message.contains("lacks the CREATE privilege on schema public") == true)
        #expect(error?.message.contains("GRANT CREATE ON SCHEMA public TO \(role)") == true)
        // Once the owner created the schema, a role that may only read is told what it lacks.
        try await withArchive(cluster, database: database) { _ in }
        try cluster.sql("GRANT SELECT ON ALL TABLES IN SCHEMA public TO \(role)", database: database)
        let write = await #expect(throws: ArchiveError.self) {
            try await withArchive(cluster, database: database, user: role) { _ in }
        }
        #expect(write?.message.contains("lacks the INSERT privilege on table newsd_host") == true)
    }

    @Test func anUnreachableServerIsSaidSoWithinTheConnectTimeout() async throws {
        // A socket folder where no server listens: the pool would retry for ever.
        let error = await #expect(throws: ArchiveError.self) {
            guard case .postgres(let address) = try ArchiveLocation.parse("postgresql:///news?host=/nonexistent&connect_timeout=2", defaultUser: "x") else { return }
            let archive = try PostgresArchive(address: address, host: "alpha", environment: [:], logger: .init(label: "test"))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await archive.run() }
                defer { group.cancelAll() }
                try await archive.prepare(now: 0)
            }
        }
        #expect(error?.isUnreachable == true)
        #expect(error?.message.contains("database unreachable: no connection to postgresql://x@:5432/news?host=/nonexistent within 2 s") == true)
    }

    @Test func passwordOverTCPFromAPasswordFile() async throws {
        let database = try cluster.createDatabase()
        let folder = TemporaryFolder()
        let passfile = folder.file("pgpass")
        try "127.0.0.1:\(cluster.port):\(database):\(PostgresCluster.adminUser):\(PostgresCluster.adminPassword)\n".write(toFile: passfile, atomically: true, encoding: .utf8)
        let url = "postgresql://\(PostgresCluster.adminUser)@127.0.0.1:\(cluster.port)/\(database)?sslmode=disable&connect_timeout=120&passfile=\(passfile)"
        guard case .postgres(let address) = try ArchiveLocation.parse(url, defaultUser: "x") else { throw ArchiveError(message: "not PostgreSQL") }
        func prepared() async throws {
            let archive = try PostgresArchive(address: address, host: "alpha", environment: [:], logger: .init(label: "test"))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await archive.run() }
                defer { group.cancelAll() }
                try await archive.prepare(now: 0)
            }
        }
        chmod(passfile, 0o644)
        let open = await #expect(throws: ArchiveError.self) { try await prepared() }
        #expect(open?.message.contains("may be read by others (mode 644); run chmod 600") == true)
        chmod(passfile, 0o600)
        try await prepared()
        #expect(try cluster.sql("SELECT count(*) FROM newsd_host", database: database) == "1")
        // A wrong password is the server's refusal, not an unreachable database.
        try "*:*:*:*:wrong\n".write(toFile: passfile, atomically: true, encoding: .utf8)
        chmod(passfile, 0o600)
        let refused = await #expect(throws: ArchiveError.self) { try await prepared() }
        #expect(refused?.isUnreachable == false)
        #expect(refused?.message.contains("password authentication failed") == true)
    }

    @Test func indexesDuplicatesEditsAndRemovals() async throws {
        let database = try cluster.createDatabase()
        try await withArchive(cluster, database: database) { archive in
            let pipeline = article("Pipeline burst floods valley", "Engineers said the pipeline burst after heavy frost near the valley town.")
            let first = try await archive.apply([.upsert(path: "a.txt", stamp: stamp(1), article: pipeline)], now: 10)
            #expect(first.map(\.outcome) == [.indexed])
            let id = try #require(first.first?.articleId)
            let copy = try await archive.apply([.upsert(path: "copy.txt", stamp: stamp(2), article: pipeline)], now: 11)
            #expect(copy.map(\.outcome) == [.duplicate])
            #expect(copy.first?.articleId == id)
            let again = try await archive.apply([.upsert(path: "a.txt", stamp: stamp(1), article: pipeline)], now: 12)
            #expect(again.map(\.outcome) == [.unchanged])
            #expect(try await archive.article(id: id)?.paths == ["alpha:a.txt", "alpha:copy.txt"])

            // Edited while another file holds the old text: a new article; the old one stays.
            let edited = article("Pipeline burst floods valley", "Engineers said the pipeline burst after heavy frost; repairs began.")
            let edit = try await archive.apply([.upsert(path: "a.txt", stamp: stamp(1, size: 120), article: edited)], now: 13)
            #expect(edit.map(\.outcome) == [.indexed])
            #expect(edit.first?.articleId != id)
            // The last file of the old text goes: so does the article.
            let removed = try await archive.apply([.remove(path: "copy.txt")], now: 14)
            #expect(removed.map(\.outcome) == [.removed])
            #expect(try await archive.article(id: id) == nil)
            // Edited when it is the only file: the id is kept.
            let editedId = try #require(edit.first?.articleId)
            let second = try await archive.apply([.upsert(path: "a.txt", stamp: stamp(1, size: 130),
                                                          article: article("Pipeline repaired", "The valley pipeline was repaired in two days."))], now: 15)
            #expect(second.first?.articleId == editedId)
            #expect(try await archive.article(id: editedId)?.title == "Pipeline repaired")
            let overview = try await archive.overview()
            #expect(overview.articles == 1)
            #expect(overview.hosts.map(\.files) == [1])
        }
    }

    @Test func failuresAndMultiArticleFiles() async throws {
        let database = try cluster.createDatabase()
        try await withArchive(cluster, database: database) { archive in
            _ = try await archive.apply([
                .failed(path: "broken.html", stamp: stamp(5), code: "unreadable", reason: "not UTF-8 and no charset"),
                .failed(path: "photo.jpg", stamp: stamp(6), code: ArticleIndex.ignoredCode, reason: "a JPEG image"),
                .upsertMembers(path: "feed.json", stamp: stamp(7), members: [
                    .init(key: "0", article: article("Port strike ends", "Dock workers returned after a week.")),
                    .init(key: "1", article: article("Wheat prices fall", "Traders expect a large harvest.")),
                ], skipped: 1, skippedReasons: "entry 2: no text"),
            ], now: 20)
            #expect(try await archive.failures().map(\.path) == ["broken.html", "feed.json"])
            #expect(try await archive.failures(ignored: true).map(\.code) == [ArticleIndex.ignoredCode])
            let stamps = try await archive.knownStamps()
            #expect(Set(stamps.keys) == ["broken.html", "photo.jpg", "feed.json"])
            #expect(try await archive.articleId(path: "feed.json#1") != nil)
            // The file now holds one article fewer; the failed file was fixed.
            let fixed = try await archive.apply([
                .upsertMembers(path: "feed.json", stamp: stamp(7, size: 50), members: [
                    .init(key: "0", article: article("Port strike ends", "Dock workers returned after a week.")),
                ], skipped: 0),
                .upsert(path: "broken.html", stamp: stamp(5, size: 10), article: article("Bridge reopens", "The old bridge reopened to traffic.")),
            ], now: 21)
            #expect(fixed.map(\.outcome) == [.indexed])
            #expect(try await archive.articleId(path: "feed.json#1") == nil)
            #expect(try await archive.failures().isEmpty)
            #expect(try await archive.overview().articles == 2)
        }
    }

    @Test func twoHostsShareArticlesButNotFiles() async throws {
        let database = try cluster.createDatabase()
        let story = article("Council approves budget", "The city council approved the budget on Tuesday after a long debate.")
        let id = try await withArchive(cluster, database: database, host: "alpha") { archive in
            try await archive.apply([.upsert(path: "budget.txt", stamp: stamp(1), article: story)], now: 1).first?.articleId
        }
        try await withArchive(cluster, database: database, host: "beta") { archive in
            let applied = try await archive.apply([.upsert(path: "inbox/budget.md", stamp: stamp(9), article: story)], now: 2)
            #expect(applied.map(\.outcome) == [.duplicate])
            #expect(applied.first?.articleId == id)
            #expect(try await archive.knownStamps().keys.sorted() == ["inbox/budget.md"])
            #expect(try await archive.articleId(path: "alpha:budget.txt") == id)
            #expect(try await archive.articleId(path: "budget.txt") == nil)
            // beta removing its file leaves alpha's article in place.
            _ = try await archive.apply([.remove(path: "inbox/budget.md")], now: 3)
            let articleId = try #require(id)
            let kept = try #require(try await archive.article(id: articleId))
            #expect(kept.paths == ["alpha:budget.txt"])
            #expect(try await archive.overview().hosts.map(\.host) == ["alpha", "beta"])
        }
    }

    /// The story placer publishes by updating articles' story and copy group while hosts write
    /// batches; a batch that reads files of those articles again (a rescan, an upgrade) locked the
    /// rows in its own order, and the two deadlocked. A batch must not wait for such an update.
    @Test func aBatchReadingFilesAgainDoesNotWaitForThePlacersUpdate() async throws {
        let database = try cluster.createDatabase()
        let cranes = article("Harbour cranes stand idle", "Dock workers walked out at dawn and the cranes of the east quay stood still.")
        let cluster = self.cluster
        try await withArchive(cluster, database: database, host: "beta") { archive in
            _ = try await archive.apply([.upsert(path: "cranes.txt", stamp: stamp(1), article: cranes)], now: 1)
            // What publishing takes: the row lock of an update to the story columns, held open.
            let holder = Thread {
                _ = try? cluster.sql("BEGIN; UPDATE newsd_article SET copy_similarity = 0.5; SELECT pg_sleep(60); COMMIT", database: database)
            }
            holder.start()
            let sleeping = "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND datname = '\(database)'"
            #expect(try await waitUntil { (try? cluster.sql(sleeping)) == "1" })
            // A batch that waited would only go on once the holder is stopped, here after 15 s.
            let stopper = Task {
                try? await Task.sleep(for: .seconds(15))
                _ = try? cluster.sql("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND datname = '\(database)'")
            }
            let applied = try await archive.apply([.upsert(path: "cranes.txt", stamp: stamp(1), article: cranes)], now: 2)
            #expect(applied.map(\.outcome) == [.unchanged])
            #expect(try cluster.sql(sleeping) == "1", "the batch waited for the update to end")
            stopper.cancel()
            _ = try cluster.sql("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND datname = '\(database)'")
        }
    }
}

/// The query language on PostgreSQL: every form of docs/query.md finds what it finds in the
/// embedded index, on a small archive of our own articles.
@Suite struct PostgresSearchTests {
    let cluster: PostgresCluster
    init() throws { cluster = try PostgresCluster.shared() }

    static let articles: [(String, IndexableArticle)] = [
        ("world/pipeline.txt", article("Pipeline burst floods valley farms",
                                       "Engineers said the old pipeline burst after a night of heavy frost. Farmers in the valley lost their winter crops.",
                                       date: "2026-11-02", outlet: "Associated Press", url: "https://apnews.example/world/pipeline")),
        ("world/frost.md", article("Frost warning for the north",
                                   "Forecasters expect frost across the north. The pipeline operator checked its valves.",
                                   date: "2026-11-20", outlet: "Valley Herald", url: "https://herald.example/weather/frost")),
        ("business/companies.html", article("Companies report record profits",
                                            "Several companies reported record quarterly profits; the company shares rose.",
                                            date: "2026-10-05", outlet: "Business Daily", url: "https://bizdaily.example/markets/profits")),
        ("de/rohr.txt", article("Rohrleitung geplatzt", "Die alte Rohrleitung ist nach starkem Frost geplatzt. Die Bauern verloren ihre Ernte.",
                                language: "de", date: "2026-11-03", outlet: "Talzeitung")),
        ("notes/undated.txt", article("Notes on the valley", "Interview notes: the farmers blamed the pipeline company.", date: nil)),
        ("sport/final.txt", article("Cup final ends in a draw", "The competition ended level after extra time.", date: "2026-09-01")),
    ]

    func withSearchArchive(_ body: @Sendable (PostgresArchive) async throws -> Void) async throws {
        let database = try cluster.createDatabase()
        try await withArchive(cluster, database: database) { archive in
            let changes = Self.articles.enumerated().map { IndexChange.upsert(path: $0.element.0, stamp: stamp(UInt64($0.offset + 1)), article: $0.element.1) }
            _ = try await archive.apply(changes, now: 1_796_000_000)
            try await body(archive)
        }
    }

    func paths(_ archive: PostgresArchive, _ text: String, sort: SearchSort = .relevance) async throws -> [String] {
        let query = try SearchQuery.parse(text)
        return try await archive.search(query, sort: sort, limit: 20, offset: 0).hits.map { String($0.path.dropFirst("alpha:".count)) }
    }

    @Test func wordsPhrasesPrefixesAndOperators() async throws {
        try await withSearchArchive { archive async throws in
            // Stemmed: "bursts" finds "burst"; every word counts, stop words included.
            #expect(try await paths(archive, "bursts").sorted() == ["world/pipeline.txt"])
            #expect(try await paths(archive, "\"the old pipeline\"") == ["world/pipeline.txt"])
            #expect(try await paths(archive, "\"pipeline old\"").isEmpty)
            // A prefix is folded, not stemmed: compan* is not comp* ("competition").
            #expect(try await paths(archive, "compan*").sorted() == ["business/companies.html", "notes/undated.txt"])
            #expect(try await paths(archive, "competit*") == ["sport/final.txt"])
            #expect(try await paths(archive, "frost OR profits").count == 4)
            #expect(try await paths(archive, "pipeline -frost").sorted() == ["notes/undated.txt"])
            #expect(try await paths(archive, "pipeline (frost OR farmers) -valves").sorted() == ["notes/undated.txt", "world/pipeline.txt"])
            #expect(try await paths(archive, "-pipeline").sorted() == ["business/companies.html", "de/rohr.txt", "sport/final.txt"])
        }
    }

    @Test func fieldsNearAndLanguages() async throws {
        try await withSearchArchive { archive async throws in
            #expect(try await paths(archive, "title:frost") == ["world/frost.md"])
            #expect(try await paths(archive, "body:valley") == ["world/pipeline.txt"])
            #expect(try await paths(archive, "title:valley").sorted() == ["notes/undated.txt", "world/pipeline.txt"])
            #expect(try await paths(archive, "outlet:ap") == ["world/pipeline.txt"])
            #expect(try await paths(archive, "outlet:\"valley herald\"") == ["world/frost.md"])
            // "frost across the north. The pipeline": four words apart; in the other, six.
            #expect(try await paths(archive, "NEAR(pipeline frost, 5)") == ["world/frost.md"])
            #expect(try await paths(archive, "NEAR(pipeline frost, 6)").sorted() == ["world/frost.md", "world/pipeline.txt"])
            #expect(try await paths(archive, "NEAR(pipeline frost, 3)").isEmpty)
            #expect(try await paths(archive, "NEAR(operator pipeline, 2)") == ["world/frost.md"])
            // German stems: "Rohrleitungen" finds "Rohrleitung"; diacritics fold.
            #expect(try await paths(archive, "Rohrleitungen") == ["de/rohr.txt"])
            #expect(try await paths(archive, "lang:de frost") == ["de/rohr.txt"])
        }
    }

    @Test func filtersAndSorts() async throws {
        try await withSearchArchive { archive async throws in
            // The undated note has its file's day (2026-11-30).
            #expect(try await paths(archive, "pipeline date:2026-11").sorted() == ["notes/undated.txt", "world/frost.md", "world/pipeline.txt"])
            #expect(try await paths(archive, "pipeline date:2026-11-01..2026-11-25").sorted() == ["world/frost.md", "world/pipeline.txt"])
            #expect(try await paths(archive, "frost date:2026-11-01..2026-11-10").sorted() == ["de/rohr.txt", "world/pipeline.txt"])
            #expect(try await paths(archive, "path:world", sort: .oldest) == ["world/pipeline.txt", "world/frost.md"])
            #expect(try await paths(archive, "path:world/*.md") == ["world/frost.md"])
            #expect(try await paths(archive, "site:bizdaily.example") == ["business/companies.html"])
            #expect(try await paths(archive, "frost", sort: .newest).first == "world/frost.md")
            // The headline outweighs the body.
            #expect(try await paths(archive, "frost").first == "world/frost.md")
        }
    }

    @Test func dayCountsAndArrivals() async throws {
        try await withSearchArchive { archive async throws in
            let counts = try await archive.dayCounts(try SearchQuery.parse("pipeline OR frost"))
            #expect(counts.undated == 1)
            #expect(counts.days.map(\.day).sorted() == ["2026-11-02", "2026-11-03", "2026-11-20"])
            #expect(counts.days.first { $0.day == "2026-11-02" }?.outlet == "Associated Press")
            #expect(try await archive.latestArrival() == 1_796_000_000)
            #expect(try await archive.readerCursor(uid: 1000) == nil)
        }
    }

    @Test func pagesTotalsAndSnippets() async throws {
        try await withSearchArchive { archive async throws in
            let query = try SearchQuery.parse("pipeline")
            let first = try await archive.search(query, limit: 2, offset: 0)
            #expect(first.total == 3)
            #expect(first.hits.map(\.rank) == [1, 2])
            let past = try await archive.search(query, limit: 2, offset: 10)
            #expect(past.total == 3)
            #expect(past.hits.isEmpty)
            let hit = try #require(first.hits.first)
            let highlighted = hit.highlights.map { mark in
                String(hit.snippet.unicodeScalars.dropFirst(mark.start).prefix(mark.length))
            }
            #expect(!highlighted.isEmpty)
            #expect(highlighted.allSatisfy { $0.lowercased() == "pipeline" })
            #expect(hit.paths.allSatisfy { $0.hasPrefix("alpha:") })
            // No story placed yet: each article stands alone, one hit per article.
            let byStory = try await archive.search(query, group: .stories, limit: 5, offset: 0)
            #expect(byStory.total == 3 && byStory.hits.allSatisfy { $0.storyHits == 1 && $0.story == nil })
        }
    }
}
