import Foundation
import NewsClient
import Testing
import TestSupport

/// docs/query.md must be true: every example in its table is run through the real newsctl
/// against a real newsd holding the seeds, and the API must return the same hits as the CLI.
@Suite("End to end: the query guide's examples", .enabled(if: SeedCorpus.isAvailable, SeedCorpus.skipReason))
struct QueryDocsEndToEndTests {
    struct Example {
        var query: String
        /// Seed prefixes in order, or nil for an error row.
        var hits: [String]?
        var error: String?
    }

    /// The rows between the `marker` markers of docs/query.md (`examples`, `fixture-examples`).
    static func examples(_ marker: String = "examples") throws -> [Example] {
        let text = try String(contentsOfFile: SeedCorpus.projectRoot + "/docs/query.md", encoding: .utf8)
        let start = try #require(text.range(of: "<!-- \(marker):start -->"))
        let end = try #require(text.range(of: "<!-- \(marker):end -->"))
        return text[start.upperBound..<end.lowerBound].split(separator: "\n").compactMap { line -> Example? in
            guard line.hasPrefix("| `") else { return nil }
            let afterTick = line.dropFirst(3)
            guard let close = afterTick.range(of: "` |") else { return nil }
            let query = String(afterTick[..<close.lowerBound])
            let result = afterTick[close.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: " |"))
            if result.hasPrefix("error: ") { return Example(query: query, hits: nil, error: String(result.dropFirst(7))) }
            if result == "none" { return Example(query: query, hits: []) }
            return Example(query: query, hits: result.components(separatedBy: ", "))
        }
    }

    struct FindOutput: Decodable {
        struct Hit: Decodable { var id: Int64; var path: String }
        var hits: [Hit]
    }

    @Test("every example in docs/query.md gives exactly the hits or error it states")
    func examples() async throws {
        let examples = try Self.examples()
        #expect(examples.count >= 30, "the examples table was not found or lost rows")
        let daemon = try await RunningDaemon { inbox in try SeedCorpus.copy(into: inbox) }
        #expect(try await daemon.waitForStatus { $0.articles == 5 && $0.state == "idle" }, "log:\n\(daemon.log)")
        for example in examples {
            let run = try daemon.newsctl("find", example.query, "--json", "--limit", "20")
            if let error = example.error {
                #expect(run.status == 2, "\(example.query): exit status")
                #expect(run.stderr.split(separator: "\n").first.map(String.init) == "newsctl: \(error)", "\(example.query)")
                continue
            }
            let hits = try JSONDecoder().decode(FindOutput.self, from: Data(run.stdout.utf8)).hits
            #expect(hits.map { String($0.path.prefix(3)) } == example.hits, "\(example.query)")
            #expect(run.status == (example.hits?.isEmpty == true ? 1 : 0), "\(example.query): exit status")
            let api = try daemon.client.search(example.query, limit: 20)
            #expect(api.hits.map(\.id) == hits.map(\.id), "\(example.query): the API and the CLI disagree")
        }
        _ = try await daemon.stop()
    }

    @Test("golden human output of find and show, and show --raw prints the file untouched")
    func golden() async throws {
        let daemon = try await RunningDaemon { inbox in try SeedCorpus.copy(into: inbox) }
        #expect(try await daemon.waitForStatus { $0.articles == 5 && $0.state == "idle" })
        let id = try #require(try daemon.client.search("outlet:sputnik").hits.first?.id)
        let find = try daemon.newsctl("find", "\"arms supplies\" absurd")
        #expect(find.status == 0)
        #expect(find.stdout == """
            1. News Report: Moscow Reveals Its Aims in Contacts With Outlawed Taliban in Afghanistan
               Sputnik · 2017-03-11 · 004_a7187f9c139914f2.txt · id \(id)
               …MOSCOW (Sputnik) — Accusations of Russian support of the Taliban militant Islamist movement in Afghanistan (banned in Russia) through arms supplies are absurd, the Russian…

            1–1 of 1 article, best match first

            """)
        let show = try daemon.newsctl("show", String(id))
        #expect(show.status == 0)
        #expect(show.stdout.hasPrefix("""
            News Report: Moscow Reveals Its Aims in Contacts With Outlawed Taliban in Afghanistan

            Outlet:  Sputnik
            Date:    2017-03-11
            Lang:    en
            Words:   
            """))
        #expect(show.stdout.contains("\nPath:    004_a7187f9c139914f2.txt\nId:      \(id)\nStory:   "))
        #expect(show.stdout.contains("\n\nGroundlessly accusing Moscow"))
        let byPath = try daemon.newsctl("show", "004_a7187f9c139914f2.txt")
        #expect(byPath.stdout == show.stdout)
        let absolute = try daemon.newsctl("show", daemon.inbox + "/004_a7187f9c139914f2.txt")
        #expect(absolute.stdout == show.stdout)
        let raw = try daemon.newsctl("show", "--raw", String(id))
        let file = try String(contentsOfFile: daemon.inbox + "/004_a7187f9c139914f2.txt", encoding: .utf8)
        #expect(raw.stdout == file)
        let missing = try daemon.newsctl("show", "99999")
        #expect(missing.status == 2)
        #expect(missing.stderr.hasPrefix("newsctl: no article with id 99999"))
        let json = try daemon.newsctl("show", "--json", String(id))
        let article = try JSONDecoder().decode(ArticleResponse.self, from: Data(json.stdout.utf8))
        #expect(article.outlet == "Sputnik" && article.dateSource == .published)
        _ = try await daemon.stop()
    }
}

/// docs/query.md's second table, on our own fixture articles: it runs on a plain clone.
@Suite("End to end: the query guide's examples on the fixtures")
struct FixtureQueryDocsEndToEndTests {
    @Test("every fixture example in docs/query.md gives exactly the hits or error it states")
    func examples() async throws {
        let examples = try QueryDocsEndToEndTests.examples("fixture-examples")
        #expect(examples.count >= 25, "the fixture examples table was not found or lost rows")
        let names = try FixtureFiles.articleNames()
        let daemon = try await RunningDaemon { inbox in
            for name in names { try FileManager.default.copyItem(atPath: FixtureFiles.articles + "/" + name, toPath: inbox + "/" + name) }
        }
        #expect(try await daemon.waitForStatus(timeout: .seconds(60)) { $0.articles >= 40 && $0.state == "idle" && $0.pending == 0 },
                "log:\n\(daemon.log)")
        for example in examples {
            let run = try daemon.newsctl("find", example.query, "--json", "--limit", "20")
            if let error = example.error {
                #expect(run.status == 2, "\(example.query): exit status")
                #expect(run.stderr.split(separator: "\n").first.map(String.init) == "newsctl: \(error)", "\(example.query)")
                continue
            }
            let hits = try JSONDecoder().decode(QueryDocsEndToEndTests.FindOutput.self, from: Data(run.stdout.utf8)).hits
            #expect(hits.map(\.path) == example.hits, "\(example.query)")
            let api = try daemon.client.search(example.query, limit: 20)
            #expect(api.hits.map(\.id) == hits.map(\.id), "\(example.query): the API and the CLI disagree")
        }
        _ = try await daemon.stop()
    }
}

/// The same fixture examples on a shared PostgreSQL archive: the query language must mean the
/// same there. PostgreSQL ranks otherwise and does not fold copies yet, so each example must find
/// every article the guide lists, and besides them only their copies (as many as the embedded
/// index folds into them), and the guide's errors word for word.
@Suite("End to end: the query guide's examples on PostgreSQL")
struct PostgresQueryDocsEndToEndTests {
    @Test("every fixture example in docs/query.md finds the same articles on PostgreSQL")
    func examples() async throws {
        let examples = try QueryDocsEndToEndTests.examples("fixture-examples")
        let names = try FixtureFiles.articleNames()
        let copyFixtures: (String) throws -> Void = { inbox in
            for name in names { try FileManager.default.copyItem(atPath: FixtureFiles.articles + "/" + name, toPath: inbox + "/" + name) }
        }
        let cluster = try PostgresCluster.shared()
        let url = cluster.socketURL(database: try cluster.createDatabase())
        let shared = try await RunningDaemon(extraArguments: ["--index-url", url, "--host-id", "alpha"], prepare: copyFixtures)
        let embedded = try await RunningDaemon(prepare: copyFixtures)
        for daemon in [shared, embedded] {
            #expect(try await daemon.waitForStatus(timeout: .seconds(60)) { $0.articles >= 40 && $0.state == "idle" && $0.pending == 0 },
                    "log:\n\(daemon.log)")
        }
        #expect(try shared.client.status().articles == embedded.client.status().articles)
        for example in examples {
            let run = try shared.newsctl("find", example.query, "--json", "--limit", "50")
            if let error = example.error {
                #expect(run.status == 2, "\(example.query): exit status")
                #expect(run.stderr.split(separator: "\n").first.map(String.init) == "newsctl: \(error)", "\(example.query)")
                continue
            }
            let found = Set(try shared.client.search(example.query, limit: 50).hits.flatMap(\.paths).map { String($0.dropFirst("alpha:".count)) })
            let expected = Set(example.hits ?? [])
            #expect(expected.isSubset(of: found), "\(example.query): missing \(expected.subtracting(found).sorted())")
            let folded = try embedded.client.search(example.query, limit: 50).hits.reduce(0) { $0 + $1.copies }
            #expect(found.count <= expected.count + folded, "\(example.query): more than the guide's hits and their copies: \(found.subtracting(expected).sorted())")
        }
        _ = try await shared.stop()
        _ = try await embedded.stop()
    }
}
