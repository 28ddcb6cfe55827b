import Foundation
import NewsClient
import NewsCore
import Testing
import TestSupport

/// What people type: unquoted -words, form-encoded queries, relative dates, --version (#14).
@Suite("End to end: a CLI that accepts what people type")
struct EverydayCLIEndToEndTests {
    func daemonWithTwoReports() async throws -> RunningDaemon {
        let daemon = try await RunningDaemon()
        try "Bounties for the Taliban\n\nRussia paid Taliban fighters bounties, officials in Kabul said."
            .write(toFile: daemon.inbox + "/bounty.txt", atomically: false, encoding: .utf8)
        try "Sanctions squeeze oil exports\n\nRussia sold less oil this month as sanctions took hold."
            .write(toFile: daemon.inbox + "/oil.txt", atomically: false, encoding: .utf8)
        #expect(try await waitUntil { try daemon.client.search("russia").hits.count == 2 })
        return daemon
    }

    @Test("newsctl find russia -taliban leaves out taliban; options before and after still work; a misspelt --option is still an error")
    func minusWords() async throws {
        let daemon = try await daemonWithTwoReports()
        let find = try daemon.newsctl("find", "russia", "-taliban")
        #expect(find.status == 0, "\(find.stderr)")
        #expect(find.stdout.contains("oil.txt") && !find.stdout.contains("bounty.txt"), "\(find.stdout)")

        let json = try daemon.newsctl("find", "--limit", "5", "russia", "-taliban", "--json")
        #expect(json.status == 0, "\(json.stderr)")
        let response = try JSONDecoder().decode(SearchResponse.self, from: Data(json.stdout.utf8))
        #expect(response.hits.map(\.path) == ["oil.txt"])

        let phrase = try daemon.newsctl("find", "russia", "-taliban fighters")
        #expect(phrase.status == 0 && phrase.stdout.contains("oil.txt") && !phrase.stdout.contains("bounty.txt"), "\(phrase.stdout)")

        let onlyExclusion = try daemon.newsctl("find", "-taliban")
        #expect(onlyExclusion.status == 0 && onlyExclusion.stdout.contains("oil.txt") && !onlyExclusion.stdout.contains("bounty.txt"),
                "\(onlyExclusion.stdout)\(onlyExclusion.stderr)")

        let typo = try daemon.newsctl("find", "russia", "--limt", "3")
        #expect(typo.status == 2 && typo.stderr.contains("--limt"), "\(typo.stderr)")
    }

    @Test("find --format: CSV and citations from the real binaries, nothing else on stdout; --json with --format is a usage error")
    func export() async throws {
        let daemon = try await daemonWithTwoReports()
        let csv = try daemon.newsctl("find", "russia", "-taliban", "--format", "csv")
        #expect(csv.status == 0, "\(csv.stderr)")
        let lines = csv.stdout.split(separator: "\r\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3 && lines[0] == "rank,date,date_certainty,outlet,byline,headline,url,path,id" && lines[2].isEmpty, "\(csv.stdout)")
        #expect(lines[1].hasPrefix("1,") && lines[1].contains(",file,") && lines[1].contains(",Sanctions squeeze oil exports,,oil.txt,"), "\(csv.stdout)")
        let cite = try daemon.newsctl("find", "russia", "--format", "cite")
        #expect(cite.status == 0 && cite.stdout.split(separator: "\n").count == 2, "\(cite.stdout)")
        #expect(cite.stdout.contains("\u{201C}Bounties for the Taliban.\u{201D} undated (saved "), "\(cite.stdout)")
        let both = try daemon.newsctl("find", "russia", "--format", "csv", "--json")
        #expect(both.status == 2 && both.stderr.contains("--format"), "\(both.stderr)")
        let unknown = try daemon.newsctl("find", "russia", "--format", "xml")
        #expect(unknown.status == 2 && unknown.stderr.contains("csv"), "\(unknown.stderr)")
    }

    @Test("a sentence no article holds word for word gets the best partial matches, and says so; exact syntax gets no fallback")
    func partialMatches() async throws {
        let daemon = try await daemonWithTwoReports()
        let sentence = try daemon.newsctl("find", "why", "did", "russia", "pay", "taliban", "fighters")
        #expect(sentence.status == 0, "\(sentence.stderr)")
        #expect(sentence.stdout.hasPrefix("no article has every word; showing the best partial matches\n\n1. Bounties for the Taliban\n"), "\(sentence.stdout)")
        let json = try daemon.newsctl("find", "--json", "why did russia pay taliban fighters")
        let response = try JSONDecoder().decode(SearchResponse.self, from: Data(json.stdout.utf8))
        #expect(response.partial == true && response.hits.map(\.path) == ["bounty.txt", "oil.txt"])
        let exact = try daemon.newsctl("find", "why did russia pay \"taliban fighters\"")
        #expect(exact.status == 1, "\(exact.stdout)")
        let csv = try daemon.newsctl("find", "why did russia pay taliban fighters", "--format", "csv")
        #expect(csv.stdout.hasPrefix("rank,") && csv.stderr.contains("showing the best partial matches"), "\(csv.stdout)\(csv.stderr)")
    }

    @Test("+ in a query string is a space on the HTTP API, as forms send it")
    func formEncodedQuery() async throws {
        let daemon = try await daemonWithTwoReports()
        let reply = try daemon.client.http.get("/v1/search?q=russia+-taliban&limit=5")
        #expect(reply.status == 200)
        let response = try JSONDecoder().decode(SearchResponse.self, from: Data(reply.body))
        #expect(response.hits.map(\.path) == ["oil.txt"])
        let bad = try daemon.client.http.get("/v1/search?q=%FF")
        #expect(bad.status == 400 && String(decoding: bad.body, as: UTF8.self).contains("bad-parameter"))
    }

    @Test("relative dates: articles dated by today's files are within 7d and not before it")
    func relativeDates() async throws {
        let daemon = try await daemonWithTwoReports()
        // The files were written just now: their day is today (UTC) and within a week of
        // newsd's local day in any time zone.
        let recent = try daemon.newsctl("find", "russia since:7d")
        #expect(recent.status == 0 && recent.stdout.contains("oil.txt") && recent.stdout.contains("bounty.txt"), "\(recent.stderr)")
        let old = try daemon.newsctl("find", "russia until:7d")
        #expect(old.status == 1, "\(old.stdout)\(old.stderr)")
        let quoted = try daemon.newsctl("find", "russia date:\"last year\"")
        #expect(quoted.status == 1, "\(quoted.stdout)\(quoted.stderr)")
        let unquoted = try daemon.newsctl("find", "russia since:last week")
        #expect(unquoted.status == 2 && unquoted.stderr.contains("\"last week\" (quoted)"), "\(unquoted.stderr)")
    }

    @Test("newsd --version and newsctl --version print the version")
    func versions() throws {
        for binary in [BuiltProducts.newsd, BuiltProducts.newsctl] {
            let result = try runProcess(binary, ["--version"])
            #expect(result.status == 0 && result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == NewsdVersion.current,
                    "\(binary): \(result.stdout)\(result.stderr)")
        }
    }
}

/// Arrivals: `added:`, `--sort added`, and `newsctl new` with a mark per Unix user (#14).
@Suite("End to end: what's new")
struct WhatsNewEndToEndTests {
    @Test("new shows what arrived since the last run, once; --peek keeps the mark; added: and --sort added see arrivals")
    func newSinceLastLook() async throws {
        let daemon = try await RunningDaemon()
        let startedOn = Calendar.current.startOfDay(for: Date())
        try "Harbour reopens\n\nShips return to the harbour after the storm."
            .write(toFile: daemon.inbox + "/first.txt", atomically: false, encoding: .utf8)
        #expect(try await waitUntil { try daemon.client.search("harbour").total == 1 })
        try "Harbour strike ends\n\nDock workers at the harbour voted to return."
            .write(toFile: daemon.inbox + "/second.txt", atomically: false, encoding: .utf8)
        #expect(try await waitUntil { try daemon.client.search("harbour").total == 2 })

        let firstLook = try daemon.newsctl("new")
        #expect(firstLook.status == 0, "\(firstLook.stderr)")
        #expect(firstLook.stdout.hasPrefix("2 articles arrived in the last day (your first look)\n\n1. Harbour strike ends\n"), "\(firstLook.stdout)")
        #expect(firstLook.stdout.contains("2. Harbour reopens") && !firstLook.stdout.contains("--offset"), "\(firstLook.stdout)")

        let again = try daemon.newsctl("new")
        #expect(again.status == 1 && again.stdout.hasPrefix("nothing new since your last look ("), "\(again.stdout)")

        try "Ferry timetable changes\n\nThe harbour ferry runs hourly from Monday."
            .write(toFile: daemon.inbox + "/third.txt", atomically: false, encoding: .utf8)
        #expect(try await waitUntil { try daemon.client.search("ferry").total == 1 })
        let peek = try daemon.newsctl("new", "--peek", "--format", "tsv")
        #expect(peek.status == 0 && peek.stdout.split(separator: "\n").count == 2 && peek.stdout.contains("\tthird.txt\t"), "\(peek.stdout)")
        let json = try daemon.newsctl("new", "--json")
        let response = try JSONDecoder().decode(NewArticlesResponse.self, from: Data(json.stdout.utf8))
        #expect(!response.firstLook && response.hits.map(\.path) == ["third.txt"], "--peek left the mark where it was")
        #expect(try daemon.newsctl("new").status == 1)

        let arrivals = try daemon.client.search("harbour added:>1h", sort: .added)
        #expect(arrivals.hits.map(\.path) == ["third.txt", "second.txt", "first.txt"])
        #expect(try daemon.client.search("harbour added:<1h").total == 0)
        let filterOnly = try daemon.client.search("added:today -ferry", sort: .added)
        if Calendar.current.startOfDay(for: Date()) == startedOn {
            #expect(filterOnly.hits.map(\.path) == ["second.txt", "first.txt"])
        } else {
            // The test ran across midnight: what arrived before it is yesterday's.
            #expect(Set(filterOnly.hits.map(\.path)).isSubset(of: ["second.txt", "first.txt"]))
        }
    }
}
