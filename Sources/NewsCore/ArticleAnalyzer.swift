/// An article with what its text says about itself, ready to index.
public struct AnalyzedArticle: Sendable, Equatable {
    public var headline: String
    /// The body paragraphs to index: boilerplate, repeated paragraphs and date lines left out.
    public var paragraphs: [String]
    /// The outlet named in a trailer, credit or dateline, canonically spelt; `nil` when the text names none.
    public var outlet: String?
    /// The byline ("By …") or the people credited ("… contributed to this report").
    public var byline: String?
    /// The published day the text gives; `nil` when it gives none.
    public var published: CalendarDay?
    public var encoding: TextEncoding

    /// The body as stored and indexed: paragraphs separated by a blank line.
    public var body: String { paragraphs.joined(separator: "\n\n") }

    /// Words in headline and body.
    public var wordCount: Int {
        WordCounter.count(in: headline) + paragraphs.reduce(0) { $0 + WordCounter.count(in: $1) }
    }

    /// The same text saved twice — even with other white space, quotes or case — has the same hash.
    public var contentHash: String {
        ContentHash.of(normalisedText: ContentHash.normalise(headline + "\n" + body))
    }
}

/// Reads headline, date, outlet and byline from an article's text and cleans its body.
/// Pure and table-tested; unknown stays unknown (nothing is guessed from a file name).
public enum ArticleAnalyzer {
    /// `fileDay` is the day of the file's modification time: it supplies the year of a wire
    /// dateline ("TOKYO, March 2 -") when the text names none.
    public static func analyze(_ parsed: ParsedArticle, fileDay: CalendarDay) -> AnalyzedArticle {
        var headline = parsed.headline
        var paragraphs = parsed.paragraphs
        var published: CalendarDay?
        var outlet: String?
        var byline: String?

        // A date line above the headline (seed 004: "11 March 2017", then the headline).
        if let day = DateExtractor.dateLine(headline), let first = paragraphs.first, first.utf8.count <= 600 {
            published = day
            headline = first
            paragraphs.removeFirst()
        }
        // Date and byline lines just below the headline.
        var index = 0
        while index < min(paragraphs.count, 3) {
            let paragraph = paragraphs[index]
            if published == nil, let day = DateExtractor.dateLine(paragraph) {
                published = day; paragraphs.remove(at: index); continue
            }
            if byline == nil, let name = Credits.byline(paragraph) {
                byline = name; paragraphs.remove(at: index); continue
            }
            index += 1
        }
        // A wire dateline opening the body.
        if let first = paragraphs.first, let wire = DateExtractor.wireDateline(first) {
            if published == nil, wire.month > 0 {
                published = DateExtractor.inferYear(month: wire.month, day: wire.day, text: parsed.body, fileDay: fileDay)
            }
            if let named = wire.outlet { outlet = OutletNames.known(named) ?? outlet }
        }
        // Trailers and credits, read from the end.
        var kept: [String] = []
        for (position, paragraph) in paragraphs.enumerated().reversed() {
            let nearEnd = paragraphs.count - position <= 6
            if nearEnd, let trailer = Credits.trailerOutlet(paragraph) {
                outlet = outlet ?? trailer
                continue
            }
            if nearEnd, kept.isEmpty,
               let name = OutletNames.known(paragraph) {
                outlet = outlet ?? name
                continue
            }
            if Boilerplate.isBoilerplate(paragraph) { continue }
            if nearEnd, let credit = Credits.contribution(paragraph) {
                if let credited = credit.outlet { outlet = outlet ?? credited }
                byline = byline ?? credit.people
            }
            if published == nil, nearEnd, let day = DateExtractor.dateLine(paragraph) {
                published = day
                continue
            }
            kept.append(paragraph)
        }
        kept.reverse()
        return AnalyzedArticle(headline: headline, paragraphs: Repeats.removed(from: kept), outlet: outlet,
                               byline: byline, published: published, encoding: parsed.encoding)
    }
}

/// Paragraphs printed twice verbatim (photo captions above and below a picture) are indexed once.
enum Repeats {
    static func removed(from paragraphs: [String]) -> [String] {
        var seen = Set<String>()
        return paragraphs.filter { paragraph in
            // Very short lines ("Photo", "Video") may repeat legitimately and cost nothing.
            guard paragraph.utf8.count >= 20 else { return true }
            return seen.insert(paragraph).inserted
        }
    }
}

/// Newsletter, comment-form and sharing furniture that is not part of the article.
enum Boilerplate {
    static let openings = [
        "subscribe to our", "subscribe to the", "sign up for our", "sign up to our", "sign up for the", "write a comment",
        "leave a comment", "leave a reply", "post a comment", "your email address will not be published",
        "required fields are marked", "click here to", "share this article", "share this story", "follow us on",
        "all rights reserved", "we use cookies", "get our free", "download our app",
    ]
    static let wholeLines: Set<String> = ["advertisement", "comments", "share", "related articles", "read more", "newsletter"]

    /// The longest opening or whole line, in characters: only that much of a paragraph is looked at.
    static let longestPhrase = (openings + wholeLines).map(\.count).max() ?? 0

    static func isBoilerplate(_ paragraph: String) -> Bool {
        guard paragraph.utf8.count <= 400 else { return false }
        // Every paragraph of every article passes here: lower-case its opening only, never all of it.
        let scalars = paragraph.unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return false }
        let window = scalars[start...].prefix(longestPhrase + 2)
        let head = String(String.UnicodeScalarView(window)).trimmingSpaces.lowercased()
        if openings.contains(where: head.hasPrefix) { return true }
        // A whole line: nothing but spaces after the window (a long paragraph stops this at once).
        guard head.count <= longestPhrase + 1, scalars[window.endIndex...].allSatisfy(\.properties.isWhitespace) else { return false }
        let line = head.unicodeScalars.drop { $0 == ":" || $0 == "." }.reversed().drop { $0 == ":" || $0 == "." }.reversed()
        return wholeLines.contains(String(String.UnicodeScalarView(line)))
    }
}

/// Credits and trailers that name an outlet or people.
enum Credits {
    /// "Read more at DailyMail.co.uk", "This story first appeared on Sputnik & is reposted here…".
    static let trailerOpenings = [
        "read more at ", "read more on ", "read more: ", "read the full story at ", "read the original at ",
        "this story first appeared on ", "this story first appeared in ", "this article first appeared on ",
        "this article first appeared in ", "this article originally appeared on ", "this article originally appeared in ",
        "this story originally appeared on ", "this story originally appeared in ", "originally published on ",
        "originally published at ", "originally published by ", "originally published in ", "source: ",
    ]

    static func trailerOutlet(_ paragraph: String) -> String? {
        guard paragraph.utf8.count <= 400 else { return nil }
        let lower = paragraph.lowercased()
        for opening in trailerOpenings where lower.hasPrefix(opening) {
            var name = Substring(paragraph.dropFirst(opening.count))
            // The name ends where the sentence goes on: "Sputnik & is reposted here with permission."
            for stop in [" & ", " and ", ", ", ". ", " - ", " — ", " ("] {
                if let range = name.firstRange(of: stop) { name = name[..<range.lowerBound] }
            }
            return OutletNames.normalise(String(name))
        }
        return nil
    }

    /// "By Jane Doe" (optionally ", Outlet" or "and John Roe") on a line of its own.
    static func byline(_ paragraph: String) -> String? {
        guard paragraph.utf8.count <= 160, paragraph.hasPrefix("By ") || paragraph.hasPrefix("BY ") else { return nil }
        let name = String(paragraph.dropFirst(3)).trimmingSpaces
        let words = name.split(separator: " ")
        guard (1...10).contains(words.count), words.first?.first?.isUppercase == true else { return nil }
        return name
    }

    /// "CNN's Radina Gigova and Karen Smith contributed to this report." names an outlet and people;
    /// "Ben Wolfgang contributed to this report." names a person only.
    static func contribution(_ paragraph: String) -> (outlet: String?, people: String)? {
        // A byte search rules out nearly every paragraph before the slower String search runs.
        guard paragraph.utf8.count <= 600, paragraph.containsUTF8(" contributed "),
              let range = paragraph.firstRange(of: " contributed to this report") ?? paragraph.firstRange(of: " contributed reporting")
        else { return nil }
        var credited = String(paragraph[..<range.lowerBound]).trimmingSpaces
        var outlet: String?
        for apostrophe in ["'s ", "’s "] {
            if let mark = credited.firstRange(of: apostrophe), let name = OutletNames.known(String(credited[..<mark.lowerBound])) {
                outlet = name
                credited = String(credited[mark.upperBound...]).trimmingSpaces
                break
            }
        }
        guard !credited.isEmpty, credited.count <= 200, credited.first?.isUppercase == true else { return nil }
        return (outlet, credited)
    }
}

extension String {
    /// Whether the UTF-8 bytes of `needle` occur in this string's: a plain byte search, for
    /// ruling paragraphs out cheaply before a Unicode-aware search.
    func containsUTF8(_ needle: String) -> Bool {
        let pattern = Array(needle.utf8)
        guard let first = pattern.first else { return true }
        let bytes = Array(utf8)
        guard bytes.count >= pattern.count else { return false }
        for start in 0...(bytes.count - pattern.count) where bytes[start] == first {
            if bytes[start..<(start + pattern.count)].elementsEqual(pattern) { return true }
        }
        return false
    }
}
