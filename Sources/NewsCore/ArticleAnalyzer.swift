/// An article with what its text says about itself, ready to index.
public struct AnalyzedArticle: Sendable, Equatable {
    public var headline: String
    /// The body paragraphs to index: boilerplate, repeated paragraphs and date lines left out.
    public var paragraphs: [String]
    /// The outlet named by the format, the article's address, a trailer, credit, copyright line
    /// or dateline, canonically spelt when known; `nil` when nothing names one.
    public var outlet: String?
    /// The byline ("By …") or the people credited ("… contributed to this report").
    public var byline: String?
    /// The day the article gives, with how sure that is; `nil` when it gives none (the file's day is used).
    public var date: ArticleDate?
    /// The article's own address, when the format or the text gives it.
    public var url: String?
    /// The language the format declares, as a lower-case ISO 639-1 code ("en", "de").
    public var language: String?
    public var encoding: TextEncoding

    /// The published day, when the article gives day and year.
    public var published: CalendarDay? { date?.source == .published ? date?.day : nil }

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

/// Reads headline, date, outlet, byline and address from an article's metadata and text, and
/// cleans its body. Pure and table-tested; unknown stays unknown (nothing is guessed from a file name).
public enum ArticleAnalyzer {
    /// What reading an article makes of it (its date, its fingerprint), as a number raised when
    /// a change gives other values for the same text. The embedded index renews what it stored
    /// from its own copy of the text (its schema migrations); a shared archive's readings are
    /// renewed by each host reading its files again when the archive says they were read by an
    /// older number. 1: wire datelines that name a region date their articles, and datelines
    /// and month names are no fingerprint names.
    public static let version = 1

    /// The date a wire dateline opening an analyzed body (`AnalyzedArticle.body`) gives an
    /// article saved on `fileDay`, as `analyze` reads it when nothing else dates the article.
    public static func datelineDate(body: String, fileDay: CalendarDay) -> ArticleDate? {
        let first = body.firstRange(of: "\n\n").map { String(body[..<$0.lowerBound]) } ?? body
        return DateExtractor.wireDateline(first)?.date(fileDay: fileDay)
    }

    /// `fileDay` is the day of the file's modification time: it supplies the year of a wire
    /// dateline ("TOKYO, March 2 -") when the text names none, and the date is then `inferred`.
    public static func analyze(_ parsed: ParsedArticle, fileDay: CalendarDay) -> AnalyzedArticle {
        let metadata = parsed.metadata
        var headline = parsed.headline
        var paragraphs = parsed.paragraphs
        var date = metadata.published.map { ArticleDate(day: $0, source: .published) }
        var outlet = metadata.outlet.flatMap(OutletNames.normalise)
        var byline = metadata.byline
        var url = metadata.url.flatMap(WebAddress.normalised)
        let language = metadata.language.flatMap(LanguageCode.normalised)
        let dayFirst = language.map { $0 != "en" }

        if metadata.headline == nil {
            // Lines above the headline: the outlet's name, the page's address, "Title:", a date.
            // Only while a headline and a body would remain below.
            for _ in 0..<4 {
                guard paragraphs.count >= 2, let next = paragraphs.first, next.utf8.count <= 600 else { break }
                if let address = WebAddress.normalised(headline) {
                    url = url ?? address
                } else if let name = OutletNames.known(headline) {
                    outlet = outlet ?? name
                } else if let day = DateExtractor.dateLine(headline, dayFirst: dayFirst) {
                    date = date ?? ArticleDate(day: day, source: .published)
                } else {
                    break
                }
                headline = next
                paragraphs.removeFirst()
            }
            for label in ["Title:", "Headline:", "TITLE:", "Titel:", "Titre:", "Título:"] where headline.hasPrefix(label) {
                let rest = headline.dropFirst(label.count).trimmingSpaces
                if !rest.isEmpty { headline = rest }
            }
        } else if let first = paragraphs.first, ContentHash.normalise(first) == ContentHash.normalise(headline) {
            // The page's own <h1> repeats the headline its metadata gave.
            paragraphs.removeFirst()
        }
        // Date, byline, address and outlet lines just below the headline.
        var index = 0
        while index < min(paragraphs.count, 4) {
            let paragraph = paragraphs[index]
            if let day = DateExtractor.dateLine(paragraph, dayFirst: dayFirst) {
                date = date ?? ArticleDate(day: day, source: .published); paragraphs.remove(at: index); continue
            }
            if byline == nil, let name = Credits.byline(paragraph) {
                byline = name; paragraphs.remove(at: index); continue
            }
            if let address = WebAddress.labelled(paragraph) {
                url = url ?? address; paragraphs.remove(at: index); continue
            }
            index += 1
        }
        // A wire dateline opening the body.
        if let first = paragraphs.first, let wire = DateExtractor.wireDateline(first) {
            date = date ?? wire.date(fileDay: fileDay)
            if let named = wire.outlet { outlet = outlet ?? OutletNames.known(named) }
        }
        // Trailers, credits and copyright lines, read from the end.
        var kept: [String] = []
        for (position, paragraph) in paragraphs.enumerated().reversed() {
            let nearEnd = paragraphs.count - position <= 6
            if nearEnd, let trailer = Credits.trailerOutlet(paragraph) {
                outlet = outlet ?? trailer
                continue
            }
            if nearEnd, let owner = Credits.copyrightOutlet(paragraph) {
                outlet = outlet ?? owner
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
            if date == nil, nearEnd, let day = DateExtractor.dateLine(paragraph, dayFirst: dayFirst) {
                date = ArticleDate(day: day, source: .published)
                continue
            }
            kept.append(paragraph)
        }
        kept.reverse()
        if outlet == nil, let url { outlet = OutletNames.fromAddress(url) }
        return AnalyzedArticle(headline: headline, paragraphs: Repeats.removed(from: kept), outlet: outlet,
                               byline: byline, date: date, url: url, language: language, encoding: parsed.encoding)
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

/// Newsletter, comment-form, sharing, advertising and cookie furniture that is not part of the
/// article, in the languages newsd reads dates in. A paragraph is dropped only when it opens
/// with one of `openings`, or is nothing but one of `wholeLines` or a row of sharing buttons:
/// a sentence that merely mentions an advertisement or Facebook stays.
enum Boilerplate {
    static let openings = [
        "subscribe to our", "subscribe to the", "sign up for our", "sign up to our", "sign up for the", "write a comment",
        "leave a comment", "leave a reply", "post a comment", "your email address will not be published",
        "required fields are marked", "click here to", "share this article", "share this story", "follow us on",
        "all rights reserved", "we use cookies", "get our free", "download our app", "scroll to continue",
        "this site uses cookies", "this website uses cookies", "by continuing to use this", "accept all cookies",
        "related topics:", "more on this story:", "sign up for the newsletter", "get the latest news",
        "wir verwenden cookies", "diese website verwendet cookies", "newsletter abonnieren", "mehr zum thema:",
        "nous utilisons des cookies", "inscrivez-vous à notre newsletter", "abonnez-vous à notre newsletter",
        "lire aussi :", "lire aussi:", "à lire aussi", "utilizamos cookies", "suscríbete a nuestro", "suscríbete al boletín",
        "te puede interesar:", "lee también:", "utilizziamo i cookie", "iscriviti alla newsletter", "leggi anche:",
        "utilizamos cookies", "assine a newsletter", "leia também:", "wij gebruiken cookies", "meld je aan voor",
        "lees ook:", "мы используем cookie", "мы используем файлы cookie", "подпишитесь на", "читайте также:",
    ]
    static let wholeLines: Set<String> = [
        "advertisement", "comments", "share", "related articles", "read more", "newsletter", "scroll to continue",
        "scroll to continue with content", "related topics", "more on this story", "related stories", "related content",
        "most read", "most popular", "top stories", "you may also like", "recommended", "sponsored", "sponsored content",
        "skip to content", "skip to main content", "back to top", "print", "email", "continue reading", "show comments",
        "anzeige", "werbung", "mehr zum thema", "teilen", "weitere artikel", "publicité", "lire aussi", "à lire aussi",
        "partager", "publicidad", "te puede interesar", "lee también", "compartir", "pubblicità", "leggi anche",
        "condividi", "publicidade", "leia também", "compartilhe", "advertentie", "lees ook", "delen", "реклама",
        "читайте также", "поделиться", "по теме",
    ]

    /// Words of a row of sharing buttons ("Share on Facebook Twitter WhatsApp Email Copy link").
    static let sharingWords: Set<String> = [
        "share", "on", "facebook", "twitter", "x", "whatsapp", "email", "e", "mail", "linkedin", "reddit", "copy", "link",
        "print", "telegram", "pinterest", "messenger", "tweet", "save", "gift", "article", "this", "flipboard", "bluesky",
        "threads", "sms", "via", "teilen", "partager", "compartir", "condividi", "compartilhe", "delen", "поделиться",
        "vk", "ok", "copied", "comments", "comment",
    ]
    static let networks: Set<String> = ["facebook", "twitter", "whatsapp", "linkedin", "reddit", "telegram", "pinterest", "flipboard", "bluesky", "vk"]

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
        if paragraph.utf8.count <= 200, isSharingRow(paragraph) { return true }
        // A whole line: nothing but spaces after the window (a long paragraph stops this at once).
        guard head.count <= longestPhrase + 1, scalars[window.endIndex...].allSatisfy(\.properties.isWhitespace) else { return false }
        let line = head.unicodeScalars.drop { $0 == ":" || $0 == "." }.reversed().drop { $0 == ":" || $0 == "." }.reversed()
        return wholeLines.contains(String(String.UnicodeScalarView(line)).trimmingSpaces)
    }

    /// Nothing but sharing words, naming at least one network.
    private static func isSharingRow(_ paragraph: String) -> Bool {
        // Every short paragraph passes here; a sentence (a full stop or comma in it) is no row of buttons.
        guard !paragraph.utf8.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: ",") }) else { return false }
        let words = DateExtractor.words(paragraph)
        guard (1...20).contains(words.count), words.contains(where: networks.contains) else { return false }
        return words.allSatisfy(sharingWords.contains)
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

    /// "Copyright 2024 Reuters", "© 2024 The Associated Press. All rights reserved.", "© SPIEGEL",
    /// "Le Monde avec AFP": the outlet that owns or supplied the text.
    static func copyrightOutlet(_ paragraph: String) -> String? {
        guard paragraph.utf8.count <= 200 else { return nil }
        // The last paragraphs of every article pass here: a byte test rules most out first.
        let opening = paragraph.utf8.drop { $0 == 0x20 || $0 == 0x09 }.prefix(9)
        let marked = opening.starts(with: [0xC2, 0xA9]) || opening.starts(with: Array("(c)".utf8)) || opening.starts(with: Array("(C)".utf8))
            || String(decoding: opening, as: UTF8.self).lowercased() == "copyright"
        guard marked || paragraph.containsUTF8(" avec ") else { return nil }
        let trimmed = paragraph.trimmingSpaces
        let lower = trimmed.lowercased()
        if let range = trimmed.firstRange(of: " avec "), let agency = OutletNames.known(String(trimmed[range.upperBound...])),
           OutletNames.known(String(trimmed[..<range.lowerBound])) != nil || agency == "AFP" {
            return OutletNames.known(String(trimmed[..<range.lowerBound])) ?? agency
        }
        guard lower.hasPrefix("©") || lower.hasPrefix("copyright") || lower.hasPrefix("(c)") else { return nil }
        // The owner: the words left once the marks, years and "all rights reserved" are gone.
        var words: [Substring] = []
        for word in trimmed.split(whereSeparator: { $0 == " " || $0 == "," }) {
            let plain = word.lowercased().trimming(".:;")
            if ["©", "(c)", "copyright", "copyright:", "©copyright"].contains(plain) || plain.allSatisfy(\.isNumber)
                || plain.allSatisfy({ $0.isNumber || $0 == "-" || $0 == "–" }) { continue }
            if plain == "all" || plain == "alle" || plain == "tous" || plain == "todos" { break }
            words.append(word)
        }
        let name = words.joined(separator: " ").trimming(". ")
        guard !name.isEmpty, name.count <= 60 else { return nil }
        return OutletNames.known(name) ?? OutletNames.known(name.replacing(" Inc", with: ""))
            ?? (words.count <= 5 ? name : nil)
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

extension StringProtocol {
    /// The text without any of `characters` at either end.
    func trimming(_ characters: String) -> String {
        let set = Set(characters)
        guard let first = firstIndex(where: { !set.contains($0) }), let last = lastIndex(where: { !set.contains($0) }) else { return "" }
        return String(self[first...last])
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
