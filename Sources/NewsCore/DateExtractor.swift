/// Finds calendar dates in the short lines of an article: "11 March 2017", "March 11, 2017",
/// "2017-03-11", and wire datelines without a year ("TOKYO, March 2 -").
enum DateExtractor {
    /// Month names and abbreviations, lower case, in English, German, French, Spanish, Italian,
    /// Portuguese, Dutch and Russian (nominative and the genitive dates use: "5 сентября").
    static let months: [String: Int] = {
        let names: [[String]] = [
            ["jan", "january", "januar", "jänner", "janvier", "janv", "enero", "ene", "gennaio", "gen", "janeiro", "januari",
             "январь", "января", "янв"],
            ["feb", "february", "februar", "février", "févr", "fevrier", "febrero", "febbraio", "fevereiro", "fev", "februari",
             "февраль", "февраля", "фев"],
            ["mar", "march", "märz", "maerz", "mars", "marzo", "março", "marco", "maart", "mrt", "март", "марта"],
            ["apr", "april", "avril", "avr", "abril", "abr", "aprile", "апрель", "апреля", "апр"],
            ["may", "mai", "mayo", "maggio", "mag", "maio", "mei", "май", "мая"],
            ["jun", "june", "juni", "juin", "junio", "giugno", "giu", "junho", "июнь", "июня", "июн"],
            ["jul", "july", "juli", "juillet", "juil", "julio", "luglio", "lug", "julho", "июль", "июля", "июл"],
            ["aug", "august", "août", "aout", "agosto", "ago", "augustus", "август", "августа", "авг"],
            ["sep", "sept", "september", "septembre", "septiembre", "setiembre", "settembre", "set", "setembro",
             "сентябрь", "сентября", "сен", "сент"],
            ["oct", "october", "oktober", "okt", "octobre", "octubre", "ottobre", "ott", "outubro", "out",
             "октябрь", "октября", "окт"],
            ["nov", "november", "novembre", "noviembre", "novembro", "ноябрь", "ноября", "ноя"],
            ["dec", "december", "dezember", "dez", "décembre", "déc", "decembre", "diciembre", "dic", "dicembre",
             "dezembro", "декабрь", "декабря", "дек"],
        ]
        var table: [String: Int] = [:]
        for (index, spellings) in names.enumerated() {
            for spelling in spellings { table[spelling] = index + 1 }
        }
        return table
    }()

    /// Words that may stand beside a date on a date line without making it prose, in the
    /// languages of `months`.
    static let dateLineWords: Set<String> = [
        "published", "updated", "posted", "on", "date", "first", "last", "at", "am", "pm", "gmt", "utc", "bst", "est", "edt",
        "pst", "pdt", "cet", "cest", "msk", "z", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "mon", "tue", "wed", "thu", "fri", "sat", "sun", "the", "of", "st", "nd", "rd", "th", "modified", "dated",
        // German, French, Spanish, Italian, Portuguese, Dutch, Russian
        "veröffentlicht", "aktualisiert", "stand", "um", "uhr", "vom", "montag", "dienstag", "mittwoch", "donnerstag",
        "freitag", "samstag", "sonntag", "publié", "publie", "le", "mis", "à", "a", "jour", "modifié", "h", "lundi", "mardi",
        "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "publicado", "actualizado", "el", "las", "de", "del",
        "lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo", "pubblicato", "aggiornato", "il", "alle",
        "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica", "em", "às", "atualizado",
        "gepubliceerd", "bijgewerkt", "op", "om", "опубликовано", "обновлено", "в", "г", "года", "понедельник",
        "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье",
    ]

    /// Words joining day, month and year in some languages ("1 de noviembre de 2024").
    static let dateConnectors: Set<String> = ["de", "del", "di", "of", "the", "г", "года"]

    /// Letters (of any script) and ASCII digits make words; ASCII is answered without a property lookup.
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII
            ? (0x41...0x5A).contains(scalar.value) || (0x61...0x7A).contains(scalar.value) || (0x30...0x39).contains(scalar.value)
            : scalar.properties.isAlphabetic
    }

    /// Words of a line: runs of letters or digits, lowercased.
    static func words(_ line: String) -> [String] {
        var result: [String] = []
        var current = ""
        for scalar in line.unicodeScalars {
            if isWordScalar(scalar) {
                current.unicodeScalars.append(scalar)
            } else if !current.isEmpty {
                result.append(current.lowercased()); current = ""
            }
        }
        if !current.isEmpty { result.append(current.lowercased()) }
        return result
    }

    /// The date of a line that is nothing but a date (with weekday, time, zone or a "Published"
    /// word in one of the known languages), else `nil`. `dayFirst` settles `03/04/2024`: true
    /// reads it as 3 April, false as March 4, nil leaves an ambiguous numeric date unread.
    static func dateLine(_ line: String, dayFirst: Bool? = nil) -> CalendarDay? {
        guard line.utf8.count <= 160 else { return nil } // a date line is short; utf8.count costs nothing
        let scalars = Array(line.unicodeScalars)
        if let (day, span) = isoDateTime(in: scalars) ?? numericDate(in: scalars, dayFirst: dayFirst) {
            var rest = scalars
            rest.replaceSubrange(span, with: [" "])
            return onlyDateWords(words(String(String.UnicodeScalarView(rest)))) ? day : nil
        }
        let tokens = words(line)
        guard let (day, used) = fullDate(in: tokens) else { return nil }
        let others = tokens.enumerated().filter { !used.contains($0.offset) }.map(\.element)
        return onlyDateWords(others) ? day : nil
    }

    private static func onlyDateWords(_ tokens: [String]) -> Bool {
        tokens.allSatisfy { dateLineWords.contains($0) || dateConnectors.contains($0) || Int($0) != nil || isClockWord($0) }
    }

    /// "16h05", "9h": French clock times.
    private static func isClockWord(_ token: String) -> Bool {
        let parts = token.split(separator: "h", omittingEmptySubsequences: false)
        return parts.count == 2 && Int(parts[0]) != nil && (parts[1].isEmpty || Int(parts[1]) != nil)
    }

    /// A day of the month as written: "11", "11th", "1st", "1er", "1º".
    static func dayNumber(_ token: String) -> Int? {
        var digits = Substring(token)
        for suffix in ["st", "nd", "rd", "th", "er", "º", "ª"] where digits.hasSuffix(suffix) {
            digits = digits.dropLast(suffix.count)
            break
        }
        guard digits.count <= 2, let day = Int(digits), (1...31).contains(day) else { return nil }
        return day
    }

    /// "11 March 2017", "March 11th, 2017", "1 de noviembre de 2024" or "5 сентября 2024"
    /// among the words, with the positions it used.
    static func fullDate(in tokens: [String]) -> (CalendarDay, Set<Int>)? {
        // Connectors ("de", "of") are skipped; positions still refer to `tokens`.
        let kept = tokens.indices.filter { !dateConnectors.contains(tokens[$0]) }
        func year(_ position: Int) -> Int? {
            let token = tokens[kept[position]]
            return token.count == 4 ? Int(token) : nil
        }
        for (k, position) in kept.enumerated() {
            guard let month = months[tokens[position]] else { continue }
            // Month Day Year
            if k + 2 < kept.count, let day = dayNumber(tokens[kept[k + 1]]), let year = year(k + 2),
               let date = CalendarDay(year: year, month: month, day: day) {
                return (date, Set(kept[k...(k + 2)]).union(connectorPositions(tokens, kept[k]...kept[k + 2])))
            }
            // Day Month Year
            if k >= 1, k + 1 < kept.count, let day = dayNumber(tokens[kept[k - 1]]), let year = year(k + 1),
               let date = CalendarDay(year: year, month: month, day: day) {
                return (date, Set(kept[(k - 1)...(k + 1)]).union(connectorPositions(tokens, kept[k - 1]...kept[k + 1])))
            }
        }
        return nil
    }

    private static func connectorPositions(_ tokens: [String], _ range: ClosedRange<Int>) -> Set<Int> {
        Set(range.filter { dateConnectors.contains(tokens[$0]) })
    }

    /// The first `YYYY-MM-DD` in a line.
    static func isoDate(in line: String) -> CalendarDay? {
        isoDateTime(in: Array(line.unicodeScalars))?.0
    }

    private static func digit(_ s: Unicode.Scalar) -> Bool { (0x30...0x39).contains(s.value) }

    /// The first ISO 8601 date in `scalars`, `YYYY-MM-DD` optionally followed by a time and zone
    /// ("2024-03-27T16:05Z", "2024-03-27 16:05:00+01:00"), and the span it covers.
    static func isoDateTime(in scalars: [Unicode.Scalar]) -> (CalendarDay, Range<Int>)? {
        guard scalars.count >= 10 else { return nil }
        for start in 0...(scalars.count - 10) where digit(scalars[start]) {
            let window = scalars[start..<(start + 10)]
            let pattern = window.enumerated().allSatisfy { offset, scalar in
                offset == 4 || offset == 7 ? scalar == "-" : digit(scalar)
            }
            guard pattern, start == 0 || !digit(scalars[start - 1]),
                  start + 10 == scalars.count || !digit(scalars[start + 10]),
                  let day = CalendarDay(iso: String(String.UnicodeScalarView(window))) else { continue }
            var end = start + 10
            // A time ("T16:05:00.123") and zone ("Z", "+01:00") written right after the date.
            if end + 1 < scalars.count, scalars[end] == "T" || (scalars[end] == " " && digit(scalars[end + 1])),
               digit(scalars[end + 1]) {
                end += 1
                while end < scalars.count, digit(scalars[end]) || [":", ".", "Z", "+", "-"].contains(scalars[end]) { end += 1 }
            }
            return (day, start..<end)
        }
        return nil
    }

    /// The first `D.M.YYYY`, `D/M/YYYY` or `M/D/YYYY` in `scalars`. Dots are day first (as every
    /// language that writes them); with slashes, a part above 12 decides, else `dayFirst` does.
    static func numericDate(in scalars: [Unicode.Scalar], dayFirst: Bool?) -> (CalendarDay, Range<Int>)? {
        var index = 0
        while index < scalars.count {
            guard digit(scalars[index]), index == 0 || !digit(scalars[index - 1]) else { index += 1; continue }
            var cursor = index
            func number(maxDigits: Int) -> Int? {
                var value = 0, count = 0
                while cursor < scalars.count, digit(scalars[cursor]), count < maxDigits {
                    value = value * 10 + Int(scalars[cursor].value - 0x30); count += 1; cursor += 1
                }
                return count == 0 ? nil : value
            }
            let start = index
            index += 1
            guard let first = number(maxDigits: 2), cursor < scalars.count, scalars[cursor] == "." || scalars[cursor] == "/" else { continue }
            let separator = scalars[cursor]
            cursor += 1
            guard let second = number(maxDigits: 2), cursor < scalars.count, scalars[cursor] == separator else { continue }
            cursor += 1
            let yearStart = cursor
            guard let year = number(maxDigits: 4), cursor - yearStart == 4, cursor == scalars.count || !digit(scalars[cursor]) else { continue }
            let readDayFirst: Bool
            if separator == "." { readDayFirst = true }
            else if first > 12 { readDayFirst = true }
            else if second > 12 { readDayFirst = false }
            else if let dayFirst { readDayFirst = dayFirst }
            else { continue }
            let (day, month) = readDayFirst ? (first, second) : (second, first)
            if let date = CalendarDay(year: year, month: month, day: day) { return (date, start..<cursor) }
        }
        return nil
    }

    /// A wire dateline opening a paragraph.
    struct WireDateline: Equatable {
        /// Zero when the dateline gives no date ("MOSCOW (AFP) -").
        var month: Int
        var day: Int
        /// Set when the dateline gives one ("LONDON, April 3, 2023 (Reuters) -").
        var year: Int?
        /// The outlet named in parentheses.
        var outlet: String?

        /// The date it gives an article saved on `fileDay`: `published` with its year, `inferred`
        /// with the year taken from the file (`inferYear`); nil when it gives none.
        func date(fileDay: CalendarDay) -> ArticleDate? {
            guard month > 0 else { return nil }
            if let year {
                return CalendarDay(year: year, month: month, day: day).map { ArticleDate(day: $0, source: .published) }
            }
            return DateExtractor.inferYear(month: month, day: day, fileDay: fileDay).map { ArticleDate(day: $0, source: .inferred) }
        }
    }

    /// Scalars of a paragraph a wire dateline may take, up to its dash.
    private static let datelineScalars = 120

    /// The dash that ends a dateline (" - ", " — ", " – " or " -- "): its offset and the offset
    /// of the space after it.
    private static func datelineDash(_ scalars: [Unicode.Scalar]) -> (dash: Int, space: Int)? {
        for i in scalars.indices where i > 0 && scalars[i - 1] == " " && ["-", "—", "–"].contains(scalars[i]) {
            let next = scalars[i] == "-" && i + 1 < scalars.count && scalars[i + 1] == "-" ? i + 2 : i + 1
            if next < scalars.count && scalars[next] == " " { return (i, next) }
        }
        return nil
    }

    /// How many scalars of `text` a wire dateline opening it takes, its dash and the space after
    /// it included ("NEW YORK, March 2 - " of "NEW YORK, March 2 - Shr 72 cts"); nil when its
    /// first line opens with none.
    static func wireDatelineLength(_ text: String) -> Int? {
        // What `wireDateline` reads of the first line, not the whole of a long one.
        let line = String.UnicodeScalarView(text.unicodeScalars.prefix(datelineScalars).prefix { $0 != "\n" })
        guard let (_, space) = datelineDash(Array(line)), wireDateline(String(line)) != nil else { return nil }
        return space + 1
    }

    /// A wire dateline opening the first paragraph: "SALVADOR, Feb 26 - …", "LONDON, April 3
    /// (Reuters) -", "WASHINGTON, March 5, 2024 (AP) —", "MOSCOW (Sputnik) — …", "BERLIN, 12. März (dpa) -".
    static func wireDateline(_ paragraph: String) -> WireDateline? {
        let scalars = Array(paragraph.unicodeScalars.prefix(datelineScalars))
        guard let dash = datelineDash(scalars)?.dash else { return nil }
        var head = String(String.UnicodeScalarView(scalars[..<dash])).trimmingSpaces
        // The outlet: the last parenthesised name ("(Reuters)", "(AP)"); removed from the rest.
        var outlet: String?
        while let open = head.lastIndex(of: "("), let close = head[open...].firstIndex(of: ")") {
            let name = String(head[head.index(after: open)..<close]).trimmingSpaces
            if outlet == nil, !name.isEmpty, name.count <= 40 { outlet = name }
            head.removeSubrange(open...close)
        }
        // The place: capital letters (and spaces, dots, hyphens) up to a comma.
        let placeEnd = head.firstIndex(of: ",") ?? head.endIndex
        let place = head[..<placeEnd].trimmingSpaces
        guard !place.isEmpty, place.count <= 40, place.contains(where: \.isLetter),
              place.allSatisfy({ $0.isUppercase || $0 == " " || $0 == "." || $0 == "-" || $0 == "'" || $0 == "/" }) else { return nil }
        let tokens = words(String(head[placeEnd...])).filter { !dateConnectors.contains($0) }
        if tokens.isEmpty { return outlet != nil ? WireDateline(month: 0, day: 0, year: nil, outlet: outlet) : nil }
        if let date = datelineDate(tokens) {
            return WireDateline(month: date.month, day: date.day, year: date.year, outlet: outlet)
        }
        // A region between the place and the date: "SAN JOSE, Calif., March 3 -", "BRUNSWICK,
        // West Germany, March 16 -".
        guard placeEnd < head.endIndex else { return nil }
        let afterPlace = head[head.index(after: placeEnd)...]
        guard let regionEnd = afterPlace.firstIndex(of: ","), isRegion(afterPlace[..<regionEnd]),
              let date = datelineDate(words(String(afterPlace[regionEnd...])).filter { !dateConnectors.contains($0) }) else { return nil }
        return WireDateline(month: date.month, day: date.day, year: date.year, outlet: outlet)
    }

    /// The date a dateline's words after its place give: month and day either way round, and a
    /// year after them.
    private static func datelineDate(_ tokens: [String]) -> (month: Int, day: Int, year: Int?)? {
        guard (2...3).contains(tokens.count) else { return nil }
        var year: Int?
        if tokens.count == 3 {
            guard tokens[2].count == 4, let given = Int(tokens[2]) else { return nil }
            year = given
        }
        if let month = months[tokens[0]], let day = dayNumber(tokens[1]) { return (month, day, year) }
        if let month = months[tokens[1]], let day = dayNumber(tokens[0]) { return (month, day, year) }
        return nil
    }

    /// A state, province or country as datelines name it after the place: up to three
    /// capitalised words or abbreviations ("Calif.", "N.J.", "West Germany").
    private static func isRegion(_ text: Substring) -> Bool {
        let region = text.trimmingSpaces
        let words = region.split(separator: " ")
        return !region.isEmpty && region.count <= 30 && words.count <= 3
            && words.allSatisfy { $0.first?.isUppercase == true }
            && region.allSatisfy { $0.isLetter || $0 == " " || $0 == "." || $0 == "-" || $0 == "'" }
    }

    /// Days a dateline may lie after the file's day and still be of the file's year: a dateline
    /// is the local day, a file's modification day the UTC one, and a file may be dated a day
    /// or two early by a clock or a copy.
    static let datelineLead = 7

    /// The year for a month and day written without one: the file's year, moved back a year
    /// when that would put the day more than `datelineLead` days after the file was saved (a
    /// December dateline saved in January). Measured on Reuters by `Benchmarks/dates`; the
    /// text's own years lost to it (see the README, "Dates").
    static func inferYear(month: Int, day: Int, fileDay: CalendarDay) -> CalendarDay? {
        guard let candidate = CalendarDay(year: fileDay.year, month: month, day: day) else {
            // February 29th in a year without it: the latest leap year before.
            var year = fileDay.year - 1
            while year >= fileDay.year - 8 {
                if let day = CalendarDay(year: year, month: month, day: day) { return day }
                year -= 1
            }
            return nil
        }
        if candidate.dayNumber - fileDay.dayNumber > datelineLead,
           let earlier = CalendarDay(year: fileDay.year - 1, month: month, day: day) { return earlier }
        return candidate
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces.
    public var trimmingSpaces: String {
        // On scalars, not Characters: no grapheme breaking, so this stays cheap on long text.
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}

/// Dates as formats write them in metadata: ISO 8601 (`2024-03-27T16:05:00Z`), RFC 5322
/// (`Tue, 26 Mar 2024 08:00:00 +0000`), `27.03.2024`, `March 27, 2024`, `1 de noviembre de 2024`.
public enum MetadataDate {
    /// The day `text` names, or `nil`. Only dates with a year: metadata never lacks one.
    public static func day(from text: String) -> CalendarDay? {
        guard text.utf8.count <= 200 else { return nil }
        let scalars = Array(text.unicodeScalars)
        if let (day, _) = DateExtractor.isoDateTime(in: scalars) { return day }
        if let (day, _) = DateExtractor.numericDate(in: scalars, dayFirst: nil) { return day }
        return DateExtractor.fullDate(in: DateExtractor.words(text))?.0
    }
}
