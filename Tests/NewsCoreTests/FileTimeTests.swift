import NewsCore
import Testing
import TestSupport

/// Every file-system time, `time_t`'s whole range included, converts without a trap.
@Suite struct FileTimeTests {
    static let edges: [Int64] = [.min, .min + 1, -9_223_372_036, -62_135_596_800, -2_208_988_800, -86_401, -86_400, -1, 0, 1,
                                 86_399, 86_400, 253_402_300_799, 253_402_300_800, 10_413_792_000, 9_223_372_036, .max - 1, .max]

    static func seconds(_ random: inout SeededRandom) -> Int64 {
        switch random.next() % 4 {
        case 0: Self.edges.randomElement(using: &random)!
        case 1: Int64(bitPattern: random.next())
        case 2: Int64.random(in: -20_000_000_000...20_000_000_000, using: &random)
        default: Int64.random(in: -100...100, using: &random) + Self.edges.randomElement(using: &random)! / 2
        }
    }

    @Test("days of any time_t are valid, clamped and in order")
    func calendarDays() {
        var random = SeededRandom.forTest("FileTimeTests.calendarDays")
        for _ in 0..<20_000 {
            let (a, b) = (Self.seconds(&random), Self.seconds(&random))
            let (dayA, dayB) = (CalendarDay(unixSeconds: a), CalendarDay(unixSeconds: b))
            #expect(CalendarDay(iso: dayA.iso) == dayA, "seed \(random.seed): \(a) gave \(dayA)")
            #expect(CalendarDay.earliest <= dayA && dayA <= CalendarDay.latest)
            if a <= b { #expect(dayA <= dayB, "seed \(random.seed): \(a) → \(dayA), \(b) → \(dayB)") }
        }
        #expect(CalendarDay(unixSeconds: 0).iso == "1970-01-01")
        #expect(CalendarDay(unixSeconds: -1).iso == "1969-12-31")
        #expect(CalendarDay(unixSeconds: 10_413_792_000).iso == "2300-01-01")
        #expect(CalendarDay(unixSeconds: .max) == CalendarDay.latest)
        #expect(CalendarDay(unixSeconds: .min) == CalendarDay.earliest)
    }

    @Test("nanoseconds saturate and keep order")
    func nanoseconds() {
        var random = SeededRandom.forTest("FileTimeTests.nanoseconds")
        for _ in 0..<20_000 {
            let (a, b) = (Self.seconds(&random), Self.seconds(&random))
            let fraction = Int64.random(in: 0..<1_000_000_000, using: &random)
            let (nsA, nsB) = (FileTime.nanoseconds(seconds: a, nanoseconds: fraction), FileTime.nanoseconds(seconds: b, nanoseconds: fraction))
            if a <= b { #expect(nsA <= nsB, "seed \(random.seed)") }
            if (-9_000_000_000...9_000_000_000).contains(a) {
                #expect(nsA == a * 1_000_000_000 + fraction)
                #expect(FileTime.seconds(nanoseconds: nsA) == a)
            }
        }
        #expect(FileTime.nanoseconds(seconds: .max, nanoseconds: 999_999_999) == .max)
        #expect(FileTime.nanoseconds(seconds: .min, nanoseconds: 0) == .min)
        #expect(FileTime.seconds(nanoseconds: -1) == -1)
    }

    @Test("a wire dateline without a year, with a file day at either end of the calendar")
    func yearlessDatelineAtTheEdges() throws {
        let text = "Oil rose 3 pct\n\nLONDON, April 3 - Oil prices rose in 1987 and 2100 trading, dealers said.\n"
        for seconds in [Int64.min, -5_000_000_000, 10_413_792_000, Int64.max] {
            let parsed = try ArticleParser.parse(Array(text.utf8)).get()
            let article = ArticleAnalyzer.analyze(parsed, fileDay: CalendarDay(unixSeconds: seconds))
            #expect(article.headline == "Oil rose 3 pct")
        }
    }
}
