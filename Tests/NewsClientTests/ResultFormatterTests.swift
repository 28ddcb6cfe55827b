import NewsClient
import Testing

@Suite("newsctl output")
struct ResultFormatterTests {
    let response = SearchResponse(query: "bounty", total: 12, limit: 2, offset: 0, hits: [
        SearchHit(rank: 1, id: 3, path: "001.txt", paths: ["001.txt"], title: "Russia paid BOUNTIES", outlet: "Daily Mail",
                  date: "2020-06-27", dateSource: .published, score: 0.6526,
                  snippet: "…secretly paid bounties to fighters…", highlights: [Highlight(start: 15, length: 8)]),
        SearchHit(rank: 2, id: 1, path: "world/000.txt", paths: ["world/000.txt", "copy.txt"], title: "Militants offered money",
                  date: "2026-11-22", dateSource: .file, score: 0.38,
                  snippet: "the bounty\n\nmoney", highlights: [Highlight(start: 4, length: 6)]),
    ])

    @Test("alert list: one line per alert; on a shared archive each says which host announces it")
    func alertList() {
        let alerts = AlertListResponse(alerts: [
            AlertInfo(name: "gale", query: "gale -drill", createdAt: 1, matches: 1, lastMatchAt: nil),
            AlertInfo(name: "strike", query: "port strike", createdAt: 1, matches: 0, lastMatchAt: nil, host: "reader"),
        ])
        #expect(ResultFormatter.alertList(alerts) == "gale: gale -drill  (1 match)\nstrike: port strike  (0 matches, announced by reader)\n")
    }

    @Test("plain output, as when piped: rank, headline, outlet, published date, path, id, one-line snippet")
    func plain() {
        #expect(ResultFormatter.search(response, style: .plain) == """
            1. Russia paid BOUNTIES
               Daily Mail · 2020-06-27 · 001.txt · id 3
               …secretly paid bounties to fighters…
            2. Militants offered money
               world/000.txt (+1 copy) · id 1
               the bounty  money

            1–2 of 12 articles, best match first
            next page: --offset 2

            """)
    }

    @Test("the sort order is named under the hits")
    func sortNamed() {
        var newest = response
        newest.sort = .newest
        newest.total = 2
        #expect(ResultFormatter.search(newest, style: .plain).hasSuffix("1–2 of 2 articles, newest first\n"))
    }

    @Test("show: metadata, then the body")
    func show() {
        let article = ArticleResponse(id: 4, title: "News Report: Moscow Reveals Its Aims", outlet: "Sputnik", byline: nil,
                                      date: "2017-03-11", dateSource: .published, wordCount: 812, encoding: "utf-8",
                                      paths: ["004.txt"], body: "First paragraph.\n\nSecond.", ingestedAt: 0)
        #expect(ResultFormatter.article(article, style: .plain) == """
            News Report: Moscow Reveals Its Aims

            Outlet:  Sputnik
            Date:    2017-03-11
            Words:   812
            Path:    004.txt
            Id:      4

            First paragraph.

            Second.

            """)
        var undated = article
        undated.dateSource = .file
        undated.outlet = nil
        undated.encoding = "windows-1252"
        undated.paths = ["a.txt", "b/a.txt"]
        let out = ResultFormatter.article(undated, style: .plain)
        #expect(out.contains("Date:    2017-03-11 (the file's date; the text gives none)\n"))
        #expect(out.contains("Paths:   a.txt\n         b/a.txt\n"))
        #expect(out.contains("Encoding: windows-1252 (the file is not UTF-8)\n"))
        #expect(!out.contains("Outlet:"))
    }

    @Test("query arguments: several words mean what they mean quoted together; quotes the shell removed come back", arguments: [
        (["russia OR moscow"], "russia OR moscow"),
        (["New York", "taliban"], "New York taliban"),
        (["russia", "taliban"], "russia taliban"),
        (["title:new york", "-trump"], #"title:"new york" -trump"#),
        (["russia", "-a phrase"], #"russia -"a phrase""#),
        (["(a OR b)", "c d"], "(a OR b) c d"),
    ])
    func queryArguments(arguments: [String], expected: String) {
        #expect(QueryArguments.join(arguments) == expected)
    }

    @Test("a query command's -words are query terms after '--'; options, their values and misspelt --options stay options", arguments: [
        (["russia", "-taliban"], ["--", "russia", "-taliban"]),
        (["-taliban"], ["--", "-taliban"]),
        (["russia", "-taliban", "--limit", "5", "--json"], ["--limit", "5", "--json", "--", "russia", "-taliban"]),
        (["--offset", "-3", "russia"], ["--offset", "-3", "russia"]),
        (["russia", "-a phrase", "--sort=newest"], ["--sort=newest", "--", "russia", "-a phrase"]),
        (["russia", "--limt", "-x"], ["--limt", "--", "russia", "-x"]),
        (["-h"], ["-h"]),
        (["--", "-x", "--limit"], ["--", "-x", "--limit"]),
        (["russia", "taliban"], ["russia", "taliban"]),
    ])
    func separatingQuery(arguments: [String], expected: [String]) {
        #expect(QueryArguments.separatingQuery(arguments, valued: ["--limit", "--offset", "--sort"]) == expected)
    }

    @Test("terminal output puts matched words in bold")
    func terminal() {
        let out = ResultFormatter.search(response, style: .terminal)
        #expect(out.contains("…secretly paid \u{1B}[1mbounties\u{1B}[0m to fighters…"))
        #expect(out.contains("the \u{1B}[1mbounty\u{1B}[0m  money"))
    }

    @Test("no hits")
    func empty() {
        let none = SearchResponse(query: "zzz", total: 0, limit: 10, offset: 0, hits: [])
        #expect(ResultFormatter.search(none, style: .plain) == "no articles match “zzz”\n")
    }

    @Test("NO_COLOR and pipes turn styling off")
    func styleDetection() {
        #expect(OutputStyle.detect(isTerminal: true, environment: [:]) == .terminal)
        #expect(OutputStyle.detect(isTerminal: false, environment: [:]) == .plain)
        #expect(OutputStyle.detect(isTerminal: true, environment: ["NO_COLOR": "1"]) == OutputStyle(emphasis: false, ascii: true))
        #expect(OutputStyle.detect(isTerminal: true, environment: ["TERM": "dumb"]) == OutputStyle(emphasis: false, ascii: true))
        #expect(OutputStyle.detect(isTerminal: false, environment: ["COLUMNS": "132"]).width == 132)
        #expect(OutputStyle.detect(isTerminal: false, environment: ["COLUMNS": "3"]).width == 20)
    }

    @Test("status")
    func status() {
        let status = StatusResponse(state: "idle", inbox: "/srv/inbox", articles: 5, files: 6, pending: 0, failed: 1, stories: 3,
                                    outlets: [OutletCount(outlet: "CNN", articles: 2), OutletCount(outlet: "Sputnik", articles: 1)],
                                    indexBytes: 209_936, uptimeSeconds: 3725, version: "0.1.0")
        #expect(ResultFormatter.status(status, socket: "/run/newsd/newsd.sock") == """
            newsd 0.1.0: idle
              inbox:     /srv/inbox
              articles:  5 (6 files)
              stories:   3
              outlets:   CNN 2, Sputnik 1
              pending:   0
              failed:    1
              index:     205.0 KiB
              uptime:    1h 2m 5s
              socket:    /run/newsd/newsd.sock

            """)
    }

    @Test("progress shows done/total, rate and ETA")
    func progress() {
        #expect(ResultFormatter.progress(ProgressInfo(done: 500, total: 2000, elapsedSeconds: 2)) == "500/2000 (25%), 250/s, ETA 6s")
        #expect(ResultFormatter.progress(ProgressInfo(done: 2000, total: 2000, elapsedSeconds: 4)) == "2000/2000 (100%), 500/s")
        #expect(ResultFormatter.progress(ProgressInfo(done: 0, total: 0, elapsedSeconds: 0)) == "0/0 (100%)")
    }

    @Test("failures list")
    func failures() {
        let out = ResultFormatter.failures(FailuresResponse(total: 1, failures: [FailureInfo(path: "b.txt", code: "binary", reason: "the file is binary")]))
        #expect(out.hasPrefix("b.txt: the file is binary [binary]\n"))
        #expect(ResultFormatter.failures(FailuresResponse(total: 0, failures: [])).hasPrefix("no failures"))
    }

    @Test("socket path: flag, then NEWSD_SOCKET, then the default")
    func socketPath() {
        #expect(NewsClient.socketPath(flag: "/a", environment: ["NEWSD_SOCKET": "/b"]) == "/a")
        #expect(NewsClient.socketPath(flag: nil, environment: ["NEWSD_SOCKET": "/b"]) == "/b")
        #expect(NewsClient.socketPath(flag: nil, environment: [:]) == "/run/newsd/newsd.sock")
    }

    @Test("query strings are percent-encoded")
    func encoding() {
        #expect(NewsClient.percentEncoded(#"a "b"&c=d é"#) == "a%20%22b%22%26c%3Dd%20%C3%A9")
    }
}
