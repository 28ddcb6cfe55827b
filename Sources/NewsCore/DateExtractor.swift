/// Finds calendar dates in the short lines of an article: "11 March 2017", "March 11, 2017",
/// "2017-03-11", and wire datelines without a year ("TOKYO, March 2 -").
enum DateExtractor {
    static let months: [String: Int] = [
        "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
        "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
        "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
        "dec": 12, "december": 12,
    ]

    /// Words that may stand beside a date on a date line without making it prose.
    static let dateLineWords: Set<String> = [
        "published", "updated", "posted", "on", "date", "first", "last", "at", "am", "pm", "gmt", "utc", "bst", "est", "edt",
        "pst", "pdt", "cet", "cest", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "mon", "tue", "wed", "thu", "fri", "sat", "sun", "the", "of", "st", "nd", "rd", "th",
    ]

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

    /// The date of a line that is nothing but a date (with weekday, time or "Published"), else `nil`.
    static func dateLine(_ line: String) -> CalendarDay? {
        guard line.utf8.count <= 160 else { return nil } // a date line is short; utf8.count costs nothing
        if let iso = isoDate(in: line), words(line).allSatisfy({ dateLineWords.contains($0) || Int($0) != nil }) {
            return iso
        }
        let tokens = words(line)
        guard let (day, used) = fullDate(in: tokens) else { return nil }
        let others = tokens.enumerated().filter { !used.contains($0.offset) }.map(\.element)
        return others.allSatisfy({ dateLineWords.contains($0) || Int($0) != nil }) ? day : nil
    }

    /// "11 March 2017" or "March 11, 2017" among the words, with the positions it used.
    static func fullDate(in tokens: [String]) -> (CalendarDay, Set<Int>)? {
        for (i, token) in tokens.enumerated() {
            guard let month = months[token] else { continue }
            // Month Day Year
            if i + 2 < tokens.count, let day = Int(tokens[i + 1]), let year = Int(tokens[i + 2]), tokens[i + 2].count == 4,
               let date = CalendarDay(year: year, month: month, day: day) {
                return (date, [i, i + 1, i + 2])
            }
            // Day Month Year
            if i >= 1, i + 1 < tokens.count, let day = Int(tokens[i - 1]), let year = Int(tokens[i + 1]), tokens[i + 1].count == 4,
               let date = CalendarDay(year: year, month: month, day: day) {
                return (date, [i - 1, i, i + 1])
            }
        }
        return nil
    }

    /// The first `YYYY-MM-DD` in a line.
    static func isoDate(in line: String) -> CalendarDay? {
        let scalars = Array(line.unicodeScalars)
        guard scalars.count >= 10 else { return nil }
        func digit(_ s: Unicode.Scalar) -> Bool { ("0"..."9").contains(s) }
        for start in 0...(scalars.count - 10) {
            let window = scalars[start..<(start + 10)]
            let pattern = window.enumerated().allSatisfy { offset, scalar in
                offset == 4 || offset == 7 ? scalar == "-" : digit(scalar)
            }
            let bounded = (start == 0 || !digit(scalars[start - 1])) && (start + 10 == scalars.count || !digit(scalars[start + 10]))
            if pattern, bounded, let day = CalendarDay(iso: String(String.UnicodeScalarView(window))) { return day }
        }
        return nil
    }

    /// A wire dateline opening the first paragraph: "SALVADOR, Feb 26 - …" or "MOSCOW (Sputnik) — …".
    /// Returns the month and day when it gives them, and the outlet named in parentheses.
    static func wireDateline(_ paragraph: String) -> (month: Int, day: Int, outlet: String?)? {
        let scalars = Array(paragraph.unicodeScalars.prefix(100))
        // The dash that ends a dateline: " - ", " — " or " – ".
        guard let dash = scalars.indices.first(where: { i in
            ["-", "—", "–"].contains(scalars[i]) && i > 0 && scalars[i - 1] == " " && i + 1 < scalars.count && scalars[i + 1] == " "
        }) else { return nil }
        let head = String(String.UnicodeScalarView(scalars[..<dash])).trimmingSpaces
        // The place: capital letters (and spaces, dots, hyphens) up to a comma or a parenthesis.
        let placeEnd = head.firstIndex { $0 == "," || $0 == "(" } ?? head.endIndex
        let place = head[..<placeEnd].trimmingSpaces
        guard !place.isEmpty, place.count <= 40, place.contains(where: \.isLetter),
              place.allSatisfy({ $0.isUppercase || $0 == " " || $0 == "." || $0 == "-" || $0 == "'" }) else { return nil }
        var rest = head[placeEnd...]
        var outlet: String?
        if rest.first == "(", let close = rest.firstIndex(of: ")") {
            outlet = String(rest[rest.index(after: rest.startIndex)..<close]).trimmingSpaces
            rest = rest[rest.index(after: close)...]
        }
        let tokens = words(String(rest))
        if tokens.count == 2, let month = months[tokens[0]], let day = Int(tokens[1]), (1...31).contains(day) {
            return (month, day, outlet)
        }
        return tokens.isEmpty && outlet != nil ? (0, 0, outlet) : nil
    }

    /// The words of `text` that are exactly four ASCII digits, as numbers: `words(text)` without
    /// building a string per word (this runs over whole article bodies).
    static func fourDigitWords(_ text: String) -> [Int] {
        var found: [Int] = []
        var length = 0, value = 0, allDigits = true
        func endWord() {
            if length == 4 && allDigits { found.append(value) }
            length = 0; value = 0; allDigits = true
        }
        for scalar in text.unicodeScalars {
            guard isWordScalar(scalar) else { endWord(); continue }
            length += 1
            if (0x30...0x39).contains(scalar.value) { value = value &* 10 &+ Int(scalar.value - 0x30) } else { allDigits = false }
        }
        endWord()
        return found
    }

    /// The year for a month and day without one: the latest year the text mentions that is not
    /// after the file's, else the file's year; moved back a year if that puts the day after the file.
    static func inferYear(month: Int, day: Int, text: String, fileDay: CalendarDay) -> CalendarDay? {
        let mentioned = fourDigitWords(text).filter { $0 >= 1900 && $0 <= fileDay.year }.max()
        let year = mentioned ?? fileDay.year
        guard let candidate = CalendarDay(year: year, month: month, day: day) else { return nil }
        if candidate > fileDay, let earlier = CalendarDay(year: year - 1, month: month, day: day) { return earlier }
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
