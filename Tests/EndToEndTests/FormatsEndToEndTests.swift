import Foundation
import NewsClient
import NewsCore
import Testing
import TestSupport

/// Files of every format dropped into a running newsd: each found by a word of its body, shown
/// with its metadata; a file of another format listed as ignored; a JSON Lines file edited.
@Suite("End to end: every format")
struct FormatsEndToEndTests {
    /// A word of each fixture's body, and what `show` must print for it.
    static let samples: [(path: String, word: String, shows: [String])] = [
        ("harbour-strike.html", "lashers", ["Outlet:  The Guardian", "Date:    2024-03-14", "URL:     https://www.theguardian.com/", "Lang:    en"]),
        ("vaccine-rollout.html", "Nachholimpfungen", ["Outlet:  Der Spiegel", "Lang:    de"]),
        ("flood-warning.md", "Beaucaire", ["Outlet:  Le Monde", "Date:    2024-11-02", "Byline:  Claire Dumont"]),
        ("copper-prices.json", "warehouses", ["Outlet:  Reuters", "URL:     https://www.reuters.com/"]),
        ("scraper-export.jsonl#2", "viviendas", ["Outlet:  El País", "Lang:    es"]),
        ("morning-briefing.eml", "policymakers", ["Outlet:  Financial Times", "Date:    2024-03-21"]),
        ("port-alert.eml", "riverbed", ["Outlet:  Associated Press", "Date:    2024-06-10"]),
        ("danube-grain.pdf", "barges", ["Lang:    en", "the file's date"]),
        ("wire-dateline.txt", "Pennzoil", ["Outlet:  Reuters", "(year?)", "the year is the file's"]),
        ("moskva.txt", "макеты", ["Date:    2024-09-05", "Lang:    ru"]),
    ]

    @Test("drop one file of each format: find each by a body word, show its metadata, list the .docx as ignored", arguments: ArchiveBackend.allCases)
    func everyFormat(backend: ArchiveBackend) async throws {
        let daemon = try await RunningDaemon(extraArguments: try backend.daemonArguments())
        #expect(try await daemon.waitForStatus { $0.state == "idle" })
        for name in try FixtureFiles.articleNames() {
            try FileManager.default.copyItem(atPath: FixtureFiles.articles + "/" + name, toPath: daemon.inbox + "/" + name)
        }
        // One file row per article: a row of expected.tsv each (a multi-article file has several).
        let table = String(decoding: try FixtureFiles.read(FixtureFiles.articles + "/expected.tsv"), as: UTF8.self)
        let articles = table.split(separator: "\n").filter { !$0.hasPrefix("#") }.count - 1
        #expect(try await daemon.waitForStatus(timeout: .seconds(60)) { $0.files == articles && $0.ignored == 1 && $0.pending == 0 })
        for sample in Self.samples {
            let find = try daemon.newsctl("find", "--json", sample.word)
            let response = try JSONDecoder().decode(SearchResponse.self, from: Data(find.stdout.utf8))
            #expect(response.hits.map { backend.local($0.path) } == [sample.path], "\(sample.word)")
            let show = try daemon.newsctl("show", sample.path)
            #expect(show.status == 0, "\(sample.path): \(show.stderr)")
            for line in sample.shows { #expect(show.stdout.contains(line), "\(sample.path): \(line)\n\(show.stdout)") }
        }
        let ignored = try daemon.newsctl("failures", "--ignored")
        #expect(ignored.stdout.contains("interview-notes.docx: .docx is not a format newsd reads"))
        // The one bad line of the JSON Lines export is the only failure; its other entries are indexed.
        let failures = try daemon.newsctl("failures")
        #expect(failures.status == 1, "\(failures.stdout)")
        #expect(failures.stdout.hasPrefix("scraper-export.jsonl: 1 of 4 entries could not be read (the others are indexed): entry 3: not valid JSON"),
                "\(failures.stdout)")
        #expect(try daemon.client.status().failed == 1)
        let showDocx = try daemon.newsctl("show", "interview-notes.docx")
        #expect(showDocx.status != 0 && showDocx.stderr.contains("not a format newsd reads"), "\(showDocx.stderr)")
        let status = try daemon.newsctl("status")
        #expect(status.stdout.contains("ignored:   1") && status.stdout.contains("languages: en"))
    }

    @Test("editing a JSON Lines file re-indexes only the entry that changed; removing a line removes its article", arguments: ArchiveBackend.allCases)
    func editedExport(backend: ArchiveBackend) async throws {
        let daemon = try await RunningDaemon(extraArguments: try backend.daemonArguments()) { inbox in
            try FileManager.default.copyItem(atPath: FixtureFiles.articles + "/scraper-export.jsonl", toPath: inbox + "/export.jsonl")
        }
        #expect(try await daemon.waitForStatus { $0.files == 3 && $0.state == "idle" })
        let before = try daemon.client.search("doha").hits.first?.id
        var lines = try String(contentsOfFile: daemon.inbox + "/export.jsonl", encoding: .utf8).split(separator: "\n").map(String.init)
        lines[0] = lines[0].replacingOccurrences(of: "Firefighters battled", with: "Fire crews fought")
        lines.remove(at: 1)
        try (lines.joined(separator: "\n") + "\n").write(toFile: daemon.inbox + "/export.jsonl", atomically: false, encoding: .utf8)
        #expect(try await daemon.waitForStatus { $0.files == 2 && $0.state == "idle" && $0.pending == 0 })
        #expect(try await waitUntil(timeout: .seconds(10)) { (try? daemon.client.search("\"fire crews fought\"").total) == 1 })
        #expect(try daemon.client.search("viviendas").total == 0)
        // Line 4 is line 3 now: its text is unchanged, so it keeps its article.
        let after = try daemon.client.search("doha").hits.first
        #expect(after?.id == before && after.map { backend.local($0.path) } == "export.jsonl#3")
        let show = try daemon.newsctl("show", "export.jsonl")
        #expect(show.stderr.contains("holds several articles") && show.stderr.contains("export.jsonl#1"), "\(show.stderr)")
    }
}
