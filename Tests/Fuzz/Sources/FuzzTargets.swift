// newsd's libFuzzer targets, built by `scripts/fuzz` with `-sanitize=fuzzer,address`. One binary
// serves every target; the environment variable NEWSD_FUZZ_TARGET chooses which: query (the
// parser, the translator and SQLite running what it produced), article, dates, formats (HTML,
// Markdown, JSON, JSON Lines and e-mail readers), or http (raw
// bytes sent to a whole newsd running in this process, over its socket).

import CFuzzerDriver
import Glibc
@testable import NewsCore
import NewsFormats

/// SwiftPM links every executable's `main` to `<module>_main`: this one hands over to libFuzzer.
@_cdecl("newsd_fuzz_main")
func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in
        guard let data else { return 0 }
        return fuzzOneInput(data, size)
    }
}

/// Which target this run exercises, read once.
let fuzzTarget: String = {
    guard let raw = getenv("NEWSD_FUZZ_TARGET") else { return "query" }
    return String(cString: raw)
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    switch fuzzTarget {
    case "article": FuzzArticle.run(bytes)
    case "dates": FuzzDates.run(bytes)
    case "formats": FuzzFormats.run(bytes)
    case "http": FuzzHTTP.run(bytes)
    default: FuzzQuery.run(bytes)
    }
    return 0
}

/// A whole article file: decoded, parsed, analysed with a file day from anywhere in time_t's
/// range, and fingerprinted, as the ingest service does.
enum FuzzArticle {
    static func run(_ bytes: [UInt8]) {
        var seconds: Int64 = 0
        for byte in bytes.prefix(8) { seconds = seconds << 8 | Int64(byte) }
        let fileDay = CalendarDay(unixSeconds: seconds)
        switch ArticleParser.parse(Array(bytes.dropFirst(min(8, bytes.count)))) {
        case .success(let parsed):
            let article = ArticleAnalyzer.analyze(parsed, fileDay: fileDay)
            precondition(!article.headline.isEmpty || parsed.headline.isEmpty)
            let print = ArticleFingerprint.of(headline: article.headline, body: article.body)
            let score = Similarity.articles(print, print)
            precondition(score.isFinite)
        case .failure(let rejection):
            precondition(!rejection.code.isEmpty)
        }
    }
}

/// Every file format: the first byte picks the format, the rest is the file, read and
/// analysed as the ingest service does.
enum FuzzFormats {
    static func run(_ bytes: [UInt8]) {
        guard let first = bytes.first else { return }
        let formats: [ArticleFormat] = [.text, .html, .markdown, .json, .jsonLines, .email]
        let format = formats[Int(first) % formats.count]
        let body = Array(bytes.dropFirst())
        let fileDay = CalendarDay(year: 2024, month: 6, day: 1)!
        switch ArticleFormats.read(body, format: format) {
        case .success(let reading):
            for member in reading.articles {
                let article = ArticleAnalyzer.analyze(member.article, fileDay: fileDay)
                precondition(!article.headline.isEmpty || member.article.headline.isEmpty)
            }
        case .failure(let rejection):
            precondition(!rejection.code.isEmpty && !rejection.description.isEmpty)
        }
        _ = ArticleFormats.readConverted(pdfText: body)
    }
}

/// Dates: date lines, ISO dates, wire datelines and year inference over any text and any day.
enum FuzzDates {
    static func run(_ bytes: [UInt8]) {
        var seconds: Int64 = 0
        for byte in bytes.prefix(8) { seconds = seconds << 8 | Int64(byte) }
        let fileDay = CalendarDay(unixSeconds: seconds)
        precondition(CalendarDay(iso: fileDay.iso) == fileDay)
        let text = String(decoding: bytes.dropFirst(min(8, bytes.count)), as: UTF8.self)
        _ = DateExtractor.dateLine(text)
        _ = DateExtractor.isoDate(in: text)
        _ = DateExtractor.dateLine(text, dayFirst: seconds & 1 == 0)
        _ = MetadataDate.day(from: text)
        if let wire = DateExtractor.wireDateline(text), wire.month > 0 {
            _ = DateExtractor.inferYear(month: wire.month, day: wire.day, fileDay: fileDay)
        }
        if let length = DateExtractor.wireDatelineLength(text) {
            // Within the first line, ending with the space after the dash; the fingerprint splits the text there.
            let scalars = Array(text.unicodeScalars)
            precondition(length <= scalars.count && scalars[length - 1] == " " && !scalars[..<length].contains("\n"))
            _ = ArticleFingerprint.of(headline: "", body: text)
        }
        _ = DateExtractor.inferYear(month: Int(seconds & 15), day: Int((seconds >> 4) & 31), fileDay: fileDay)
        _ = try? DateFilterParser.range(field: "date", value: text, column: 1, today: fileDay)
        // Relative dates and arrival times, from a clock and time zone anywhere in range.
        let clock = QueryClock(now: Double(seconds), utcOffset: Int(seconds % 50_400))
        _ = try? AddedFilterParser.range(text, column: 1, clock: clock)
        _ = RelativePeriod.period(text, today: clock.today)
        _ = FileTime.seconds(nanoseconds: seconds)
        _ = FileTime.nanoseconds(seconds: seconds, nanoseconds: Int64(bytes.count))
    }
}
