import NewsCore
import Testing
import TestSupport

private func word(_ text: String, _ field: TextField? = nil) -> QueryNode { .text(TextMatch(.word, text, field: field)) }
private func phrase(_ text: String, _ field: TextField? = nil) -> QueryNode { .text(TextMatch(.phrase, text, field: field)) }
private func prefix(_ text: String, _ field: TextField? = nil) -> QueryNode { .text(TextMatch(.prefix, text, field: field)) }

@Suite("Query parser")
struct QueryParserTests {
    @Test("builds the tree", arguments: [
        ("bounty", word("bounty")),
        ("russia bounty", .all([word("russia"), word("bounty")])),
        ("russia AND bounty", .all([word("russia"), word("bounty")])),
        (#""military intelligence" unit"#, .all([phrase("military intelligence"), word("unit")])),
        ("intell*", prefix("intell")),
        ("russia u*", .all([word("russia"), prefix("u")])),
        ("a OR b c", .any([word("a"), .all([word("b"), word("c")])])),
        ("(a OR b) c", .all([.any([word("a"), word("b")]), word("c")])),
        ("russia -ukraine", .all([word("russia"), .not(word("ukraine"))])),
        ("russia NOT ukraine", .all([word("russia"), .not(word("ukraine"))])),
        (#"-"red lines" kremlin"#, .all([.not(phrase("red lines")), word("kremlin")])),
        ("title:taliban", word("taliban", .title)),
        ("headline:taliban", word("taliban", .title)),
        (#"title:"new york""#, phrase("new york", .title)),
        ("title:(a OR bc*)", .any([word("a", .title), prefix("bc", .title)])),
        ("outlet:cnn byline:smith body:kabul", .all([word("cnn", .outlet), word("smith", .byline), word("kabul", .body)])),
        ("NEAR(russia taliban)", .near(terms: ["russia", "taliban"], distance: 10, field: nil)),
        ("NEAR(russia \"military unit\", 3)", .near(terms: ["russia", "military unit"], distance: 3, field: nil)),
        ("body:NEAR(a b,5)", .near(terms: ["a", "b"], distance: 5, field: .body)),
        ("path:world/europe", .path("world/europe")),
        ("path:/world/", .path("world/")),
        ("since:2020-06-01", .date(DateRange(from: "2020-06-01", before: nil))),
        ("until:2020-07", .date(DateRange(from: nil, before: "2020-08-01"))),
        ("date:2020-06", .date(DateRange(from: "2020-06-01", before: "2020-07-01"))),
        ("date:2020-02-29", .date(DateRange(from: "2020-02-29", before: "2020-03-01"))),
        ("date:2019", .date(DateRange(from: "2019-01-01", before: "2020-01-01"))),
        ("date:2017..2019-06", .date(DateRange(from: "2017-01-01", before: "2019-07-01"))),
        ("date:..2019", .date(DateRange(from: nil, before: "2020-01-01"))),
        // Relative to SearchQuery.testClock, Wednesday 2026-12-02.
        ("since:today", .date(DateRange(from: "2026-12-02", before: nil))),
        ("until:today", .date(DateRange(from: nil, before: "2026-12-03"))),
        ("since:yesterday", .date(DateRange(from: "2026-12-01", before: nil))),
        ("date:Yesterday", .date(DateRange(from: "2026-12-01", before: "2026-12-02"))),
        ("since:7d", .date(DateRange(from: "2026-11-25", before: nil))),
        ("since:2w", .date(DateRange(from: "2026-11-18", before: nil))),
        ("since:3m", .date(DateRange(from: "2026-09-02", before: nil))),
        ("since:1y", .date(DateRange(from: "2025-12-02", before: nil))),
        ("until:3m", .date(DateRange(from: nil, before: "2026-09-03"))),
        ("date:7d", .date(DateRange(from: "2026-11-25", before: "2026-12-03"))),
        ("date:2w..1w", .date(DateRange(from: "2026-11-18", before: "2026-11-26"))),
        (#"date:"last week""#, .date(DateRange(from: "2026-11-23", before: "2026-11-30"))),
        ("since:last-week", .date(DateRange(from: "2026-11-23", before: nil))),
        (#"date:"this week""#, .date(DateRange(from: "2026-11-30", before: "2026-12-03"))),
        (#"date:"this month""#, .date(DateRange(from: "2026-12-01", before: "2026-12-03"))),
        (#"date:"last month""#, .date(DateRange(from: "2026-11-01", before: "2026-12-01"))),
        (#"date:"last year""#, .date(DateRange(from: "2025-01-01", before: "2026-01-01"))),
        // Arrivals, from SearchQuery.testClock: noon UTC on 2026-12-02, time zone UTC.
        ("added:>2h", .added(TimeRange(from: 1_796_205_600, before: nil))),
        ("added:<30min", .added(TimeRange(from: nil, before: 1_796_211_000))),
        ("added:today", .added(TimeRange(from: 1_796_169_600, before: 1_796_256_000))),
        ("added:2026-11", .added(TimeRange(from: 1_793_491_200, before: 1_796_083_200))),
        ("date:7d..yesterday", .date(DateRange(from: "2026-11-25", before: "2026-12-02"))),
        ("Trump, Putin", .all([word("Trump"), word("Putin")])),
        ("1,000 troops", .all([word("1,000"), word("troops")])),
        ("10:30 al-Qaeda U.S.", .all([word("10:30"), word("al-Qaeda"), word("U.S.")])),
        ("Breaking: news", .all([word("Breaking:"), word("news")])),
        ("russia & — ukraine", .all([word("russia"), word("ukraine")])),
        ("or and not near", .all([word("or"), word("and"), word("not"), word("near")])),
        ("NEAR", word("NEAR")),
        ("a - b", .all([word("a"), word("b")])),
    ] as [(String, QueryNode)])
    func parses(input: String, expected: QueryNode) throws {
        #expect(try SearchQuery.parse(input).root == expected)
    }

    /// Every message a user can get, with its column: these are the golden texts.
    @Test("reports each syntax error with its column", arguments: [
        (#"russia "abc"#, "unclosed quote at column 8"),
        ("(a OR b", "unclosed parenthesis at column 1"),
        ("a OR b)", "unmatched ')' at column 7"),
        ("()", "empty parentheses at column 1"),
        ("OR a", "OR needs a term before it at column 1"),
        ("a OR", "OR needs a term after it at column 3"),
        ("a OR OR b", "OR needs a term after it at column 3"),
        ("a AND", "AND needs a term after it at column 3"),
        ("a -)", "unmatched ')' at column 4"),
        ("NOT", "NOT needs a term after it at column 1"),
        ("a NOT OR b", "NOT needs a term after it at column 3"),
        ("NOT -a", "two negations in a row at column 5"),
        ("titel:x", "unknown field 'titel:' (known fields: title, body, outlet, byline, path, since, until, date, lang, site, url, added) at column 1"),
        ("title: x", "title: needs a value right after the colon at column 1"),
        ("title:", "title: needs a value right after the colon at column 1"),
        ("title:)", "title: needs a word, \"phrase\" or (group) after the colon at column 1"),
        ("since:(2020)", "since: needs a value right after the colon at column 1"),
        ("since:2020-13", #"invalid date '2020-13': use YYYY, YYYY-MM or YYYY-MM-DD, or today, yesterday, 7d, 2w, 3m, 1y, "last week" (quoted) at column 7"#),
        ("added:>3m", "added: '>3m' needs a duration after '>': a number and min, h, d or w (added:>2h, added:<30min) at column 7"),
        ("added:soon", "added: 'soon' is not a time: use >2h or <30min (within, or more than, that long ago), or a day or period as for date: (today, yesterday, 7d, 2026-11) at column 7"),
        ("since:last week", #"invalid date 'last': use YYYY, YYYY-MM or YYYY-MM-DD, or today, yesterday, 7d, 2w, 3m, 1y, "last week" (quoted) at column 7"#),
        ("since:9999999d", #"invalid date '9999999d': use YYYY, YYYY-MM or YYYY-MM-DD, or today, yesterday, 7d, 2w, 3m, 1y, "last week" (quoted) at column 7"#),
        ("date:2021-02-29", "invalid date '2021-02-29': use YYYY, YYYY-MM or YYYY-MM-DD, or today, yesterday, 7d, 2w, 3m, 1y, \"last week\" (quoted) at column 6"),
        ("until:June", "invalid date 'June': use YYYY, YYYY-MM or YYYY-MM-DD, or today, yesterday, 7d, 2w, 3m, 1y, \"last week\" (quoted) at column 7"),
        ("date:2020..2019", "date range '2020..2019' ends before it starts at column 6"),
        ("date:2019..x", "invalid date 'x': use YYYY, YYYY-MM or YYYY-MM-DD, or today, yesterday, 7d, 2w, 3m, 1y, \"last week\" (quoted) at column 12"),
        ("NEAR(a)", "NEAR(…) needs at least two words at column 1"),
        ("NEAR(a b, x)", "NEAR distance must be a number from 0 to 1000 at column 11"),
        ("NEAR(a b, 5000)", "NEAR distance must be a number from 0 to 1000 at column 11"),
        ("NEAR(a b, 5 c)", "NEAR(…, N) must end with ')' after the distance at column 13"),
        ("NEAR(a (b))", "NEAR(…) takes only words and \"phrases\", then an optional ', N' at column 8"),
        ("NEAR(a b", "unclosed parenthesis at column 5"),
        ("  ", "the query has no words to search for at column 1"),
        (#"!!! "" *"#, "the query has no words to search for at column 1"),
        (String(repeating: "(", count: 25) + "a" + String(repeating: ")", count: 25), "parentheses nested more than 20 deep at column 21"),
        (Array(repeating: "w", count: 101).joined(separator: " "), "the query has more than 100 terms at column 201"),
        (String(repeating: "x", count: 1025), "the query is 1025 characters long; the limit is 1024 at column 1025"),
        ((0..<11).map { "ab\($0)*" }.joined(separator: " OR "), "the query has more than 10 prefix* terms; use whole words for some of them at column 81"),
        ((0..<6).map { "NEAR(a\($0) b, 3)" }.joined(separator: " "), "the query has more than 5 NEAR(…) groups; split it into several searches at column 71"),
    ])
    func syntaxErrors(input: String, message: String) {
        #expect(throws: QuerySyntaxError.self) { try SearchQuery.parse(input) }
        do {
            _ = try SearchQuery.parse(input)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test("random strings either parse or fail with a column inside the input, never trap")
    func randomInput() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array(#"ab Zé"*()-:^{}[]+,.\'/"#.unicodeScalars)
            + ["\u{0}", "\u{1F600}", "\n", "\u{E000}", "\u{301}"]
        let words = ["OR", "AND", "NOT", "NEAR(", "title:", "since:", "date:2020", "path:", "outlet:", "..", ", 5)"]
        for _ in 0..<5000 {
            var input = ""
            for _ in 0..<Int.random(in: 0...12, using: &generator) {
                if Bool.random(using: &generator) {
                    input += words.randomElement(using: &generator)!
                } else {
                    input.unicodeScalars.append(alphabet.randomElement(using: &generator)!)
                }
            }
            do {
                _ = try SearchQuery.parse(input)
            } catch {
                #expect(error.column >= 1 && error.column <= input.unicodeScalars.count + 1, "\(input): \(error)")
            }
        }
    }
}

@Suite("Calendar days")
struct CalendarDayTests {
    @Test("converts Unix seconds to UTC days", arguments: [
        (Int64(0), "1970-01-01"), (951_782_400, "2000-02-29"), (1_593_216_000, "2020-06-27"), (-86_400, "1969-12-31"),
    ])
    func unixSeconds(seconds: Int64, iso: String) {
        #expect(CalendarDay(unixSeconds: seconds).iso == iso)
        #expect(CalendarDay(iso: iso)?.dayNumber == Int(seconds / 86_400))
    }

    @Test("rejects impossible days")
    func impossible() {
        #expect(CalendarDay(year: 2021, month: 2, day: 29) == nil)
        #expect(CalendarDay(year: 2020, month: 2, day: 29) != nil)
        #expect(CalendarDay(iso: "2020-1-01") == nil)
        #expect(CalendarDay(year: 2020, month: 12, day: 31)?.next.iso == "2021-01-01")
    }

    @Test("a day's local midnight follows the time zone")
    func midnight() throws {
        let day = try #require(CalendarDay(year: 2026, month: 12, day: 2))
        #expect(QueryClock(now: 0, utcOffset: 3600).midnight(day) == 1_796_169_600 - 3600, "Berlin's midnight is 23:00 UTC")
        #expect(QueryClock(now: 1_796_254_200, utcOffset: 3600).today.iso == "2026-12-03", "23:30 UTC is past midnight in Berlin")
    }

    @Test("day and month arithmetic clamps to the month's end and to the calendar's range")
    func arithmetic() throws {
        let day = try #require(CalendarDay(year: 2026, month: 3, day: 31))
        #expect(day.adding(months: -1).iso == "2026-02-28")
        #expect(day.adding(months: -13).iso == "2025-02-28")
        #expect(day.adding(months: 11).iso == "2027-02-28")
        #expect(day.adding(days: -31).iso == "2026-02-28")
        #expect(day.adding(days: -Int.max).iso == CalendarDay.earliest.iso)
        #expect(day.adding(months: Int.max).iso == CalendarDay.latest.iso)
        #expect(day.startOfWeek.iso == "2026-03-30", "a Tuesday's week starts the day before")
        #expect(try #require(CalendarDay(year: 2026, month: 3, day: 29)).startOfWeek.iso == "2026-03-23", "Sunday ends a week")
    }
}

@Suite("Partial matching of sentence-like queries")
struct PartialMatchTests {
    @Test("plain words (three or more, with filters) become their OR; any other syntax means exactly what it says", arguments: [
        ("why did russia pay", "why OR did OR russia OR pay" as String?),
        ("who paid taliban fighters since:2020", "(who OR paid OR taliban OR fighters) since:2020"),
        ("russia taliban", nil),
        (#"why did "russia pay""#, nil),
        ("why did russia -pay", nil),
        ("why did title:russia", nil),
        ("why did rus*", nil),
        ("why OR did russia", nil),
    ])
    func fallback(query: String, expected: String?) throws {
        let partial = try SearchQuery.parse(query).partialMatch
        #expect(partial?.root == (try expected.map { try SearchQuery.parse($0).root }))
    }
}
