import Foundation
import NewsCore
import Testing
import TestSupport

private let fileDay = CalendarDay(year: 2020, month: 7, day: 1)!

private func analyze(_ text: String, fileDay: CalendarDay = fileDay) throws -> AnalyzedArticle {
    let parsed = try ArticleParser.parse(Array(text.utf8)).get()
    return ArticleAnalyzer.analyze(parsed, fileDay: fileDay)
}

@Suite("Article metadata and cleanup")
struct ArticleAnalyzerTests {
    @Test("finds the outlet in trailers and credits, spelt one way", arguments: [
        ("Headline\n\nBody text here.\n\nThe Independent", "The Independent"),
        ("Headline\n\nBody text here.\n\nRead more at DailyMail.co.uk", "Daily Mail"),
        ("Headline\n\nBody text here.\n\nThis story first appeared on Sputnik & is reposted here with permission.", "Sputnik"),
        ("Headline\n\nBody.\n\nCNN’s Radina Gigova and Karen Smith contributed to this report.", "CNN"),
        ("Headline\n\nWASHINGTON (Reuters) - The body starts here.", "Reuters"),
        ("Headline\n\nBody.\n\nOriginally published at Example Gazette.", "Example Gazette"),
        ("Headline\n\nBody.\n\nRead more at www.dailymail.co.uk\n\nSubscribe to our daily newsletter", "Daily Mail"),
    ])
    func outlet(text: String, expected: String) throws {
        #expect(try analyze(text).outlet == expected)
    }

    @Test("an outlet's name, an address or a Title: label above the headline is read as such", arguments: [
        ("The Independent\n\nTalks resume in Geneva\n\nBody.", "Talks resume in Geneva", "The Independent"),
        ("Yahoo News\nTalks resume in Geneva\n\nBody.", "Talks resume in Geneva", "Yahoo News"),
        ("https://apnews.com/article/talks-geneva-123\nTitle: Talks resume in Geneva\n\nBody.", "Talks resume in Geneva", "Associated Press"),
    ])
    func labelsAboveHeadline(text: String, headline: String, outlet: String) throws {
        let article = try analyze(text)
        #expect(article.headline == headline)
        #expect(article.outlet == outlet)
    }

    @Test("leaves the outlet unknown when the text names none", arguments: [
        "Headline\n\nBody text.\n\nBen Wolfgang contributed to this report.",
        "Independent inquiry into the flooding is announced\n\nA headline that starts like an outlet name is not one.\n\nMore body.",
        "Headline\n\nThe Guardian said on Tuesday that the talks would go on.",
    ])
    func unknownOutlet(text: String) throws {
        #expect(try analyze(text).outlet == nil)
    }

    @Test("reads bylines and credits; a person is not an outlet", arguments: [
        ("Headline\n\nBy Jane Doe\n\nBody.", "Jane Doe"),
        ("Headline\n\nBody.\n\nBen Wolfgang contributed to this report.", "Ben Wolfgang"),
        ("Headline\n\nBody.\n\nCNN's Radina Gigova and Karen Smith contributed to this report.", "Radina Gigova and Karen Smith"),
    ])
    func byline(text: String, expected: String) throws {
        #expect(try analyze(text).byline == expected)
    }

    @Test("reads dates with their certainty: date lines in eight languages, ISO and numeric dates, wire datelines", arguments: [
        ("11 March 2017\n\nHeadline\n\nBody.", "2017-03-11", DateSource.published),
        ("Headline\n\nPublished: Saturday, 27 June 2020 10:42 BST\n\nBody.", "2020-06-27", .published),
        ("Headline\n\nJune 27, 2020\n\nBody.", "2020-06-27", .published),
        ("Headline\n\nJune 27th, 2020\n\nBody.", "2020-06-27", .published),
        ("Headline\n\n2020-06-27\n\nBody.", "2020-06-27", .published),
        ("Headline\n\n2024-03-27T16:05Z\n\nBody.", "2024-03-27", .published),
        ("Headline\n\nUpdated 2024-03-27 16:05:00+01:00\n\nBody.", "2024-03-27", .published),
        ("Headline\n\n26.03.2024\n\nBody.", "2024-03-26", .published),
        ("Headline\n\n03/27/2024\n\nBody.", "2024-03-27", .published),
        ("Headline\n\n27/03/2024\n\nBody.", "2024-03-27", .published),
        ("Headline\n\nPublié le 25 avril 2024 à 16h05\n\nCorps.", "2024-04-25", .published),
        ("Headline\n\nVeröffentlicht am 12. März 2024, 08:15 Uhr\n\nText.", "2024-03-12", .published),
        ("Headline\n\n1 de noviembre de 2024\n\nCuerpo.", "2024-11-01", .published),
        ("Headline\n\nPubblicato il 3 giugno 2024\n\nTesto.", "2024-06-03", .published),
        ("Headline\n\n5 сентября 2024\n\nТекст.", "2024-09-05", .published),
        ("Headline\n\nLONDON, April 3, 2023 (Reuters) - A wire story.", "2023-04-03", .published),
        ("Headline\n\nWASHINGTON, March 5, 2024 (AP) — A wire story.", "2024-03-05", .published),
        ("Headline\n\nLONDON, April 3 (Reuters) - A wire story.", "2020-04-03", .inferred),
        ("Headline\n\nTOKYO, March 2 - Body of a wire story.", "2020-03-02", .inferred),
        ("Headline\n\nSALVADOR, Feb 26 - Output rose in 1987, the review said.", "2020-02-26", .inferred),
        ("Headline\n\nLONDON, Dec 30 - A wire story filed late in the year.", "2019-12-30", .inferred),
        ("Headline\n\nSAN JOSE, Calif., March 3 - Shr 41 cts vs 36 cts.", "2020-03-03", .inferred),
        ("Headline\n\nBRUNSWICK, West Germany, March 16 - Prosecutors widened the inquiry.", "2020-03-16", .inferred),
        ("Headline\n\nNEWARK, N.J., April 3, 2023 (Reuters) - A wire story.", "2023-04-03", .published),
    ])
    func date(text: String, expected: String, source: DateSource) throws {
        let date = try analyze(text).date
        #expect(date?.day.iso == expected)
        #expect(date?.source == source)
    }

    @Test("an ambiguous numeric date is read only when the language decides it")
    func ambiguousNumericDate() {
        let text = ParsedArticle(headline: "Headline", paragraphs: ["03/04/2024", "Body."], encoding: .utf8)
        #expect(ArticleAnalyzer.analyze(text, fileDay: CalendarDay(year: 2024, month: 6, day: 1)!).date == nil)
        var german = text
        german.metadata.language = "de"
        #expect(ArticleAnalyzer.analyze(german, fileDay: CalendarDay(year: 2024, month: 6, day: 1)!).date?.day.iso == "2024-04-03")
    }

    @Test("finds no date in prose", arguments: [
        "Headline\n\nOn 11 March 2017 the ministry said many things about the talks and the region.",
        "Headline\n\nThe meeting is due in March.",
        "Headline\n\nIn Washington - a city - nothing happened.",
        "Headline\n\nPARIS, the capital, March 3 - a region in lower case is no dateline.",
        "Headline\n\nPARIS, A Long Region Of Four Words, March 3 - too long for a region.",
    ])
    func noDate(text: String) throws {
        #expect(try analyze(text).published == nil)
    }

    @Test("the headline comes after a date line")
    func headlineAfterDate() throws {
        let article = try analyze("11 March 2017\n\nNews Report: Moscow Reveals Its Aims\n\nBody.")
        #expect(article.headline == "News Report: Moscow Reveals Its Aims")
        #expect(article.paragraphs == ["Body."])
    }

    @Test("repeated paragraphs are indexed once; boilerplate and trailers are left out")
    func cleanup() throws {
        let caption = "File photo of Presidents Trump and Putin at a summit."
        let article = try analyze("""
            Headline

            \(caption)

            ADVERTISEMENT

            The story itself.

            Related articles:

            \(caption)

            Share this article on social media, please, with everyone you have ever met.

            Comments are closed, the editors said.

            More story.

            Read more at DailyMail.co.uk

            Subscribe to our daily newsletter

            Write a Comment

            Your email address will not be published. Required fields are marked *
            """)
        #expect(article.paragraphs == [caption, "The story itself.", "Comments are closed, the editors said.", "More story."])
    }

    @Test("the same text with other white space, quotes and case has the same hash")
    func normalisedHash() throws {
        let a = try analyze("Russia’s offer\n\nIt said “no”.")
        let b = try analyze("RUSSIA'S   OFFER\r\n\r\nIt  said \"no\".")
        #expect(a.contentHash == b.contentHash)
    }

    @Test("on the seeds: outlets, dates and the caption printed twice", .enabled(if: SeedCorpus.isAvailable, SeedCorpus.skipReason))
    func seeds() throws {
        func seed(_ prefix: String) throws -> AnalyzedArticle {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: SeedCorpus.folder + "/" + SeedCorpus.name(prefix))))
            return ArticleAnalyzer.analyze(try ArticleParser.parse(bytes).get(), fileDay: fileDay)
        }
        let (independent, mail, cnn, times, sputnik) = (try seed("000"), try seed("001"), try seed("002"), try seed("003"), try seed("004"))
        #expect([independent.outlet, mail.outlet, cnn.outlet, times.outlet, sputnik.outlet] == ["The Independent", "Daily Mail", "CNN", nil, "Sputnik"])
        #expect(cnn.byline == "Radina Gigova and Karen Smith")
        #expect(times.byline == "Ben Wolfgang")
        #expect(sputnik.published?.iso == "2017-03-11")
        #expect(sputnik.headline == "News Report: Moscow Reveals Its Aims in Contacts With Outlawed Taliban in Afghanistan")
        #expect(!times.paragraphs.contains { $0.hasPrefix("Subscribe") || $0.hasPrefix("Your email") })
        let caption = "File photo of Presidents Trump and Putin following reports of Russia’s interference in US election to help Trump win against Clinton."
        #expect(independent.paragraphs.filter { $0 == caption }.count == 1)
        #expect(Set(mail.paragraphs).count == mail.paragraphs.count, "the Daily Mail captions printed twice are kept once")
    }
}

@Suite("The outlet table")
struct OutletTableTests {
    @Test("docs/outlets.md lists every outlet of the table, and there are at least 150")
    func documented() throws {
        let folder = String(#filePath.split(separator: "/").dropLast(3).joined(separator: "/"))
        let doc = try String(decoding: FixtureFiles.read("/" + folder + "/docs/outlets.md"), as: UTF8.self)
        #expect(OutletNames.table.count >= 150)
        for (name, _) in OutletNames.table { #expect(doc.contains("| \(name) |"), "\(name)") }
    }

    @Test("short names, domains and spellings map to one outlet", arguments: [
        ("ap", "Associated Press"), ("bbc.co.uk", "BBC"), ("nyt", "The New York Times"), ("wapo", "The Washington Post"),
        ("spiegel", "Der Spiegel"), ("dpa", "dpa"), ("медуза", "Meduza"),
    ])
    func aliases(spelling: String, name: String) {
        #expect(OutletNames.known(spelling) == name)
    }

    @Test("an address names its outlet, an unknown one its domain")
    func addresses() {
        #expect(OutletNames.fromAddress("https://edition.cnn.com/2024/03/01/world/story") == "CNN")
        #expect(OutletNames.fromAddress("https://www.example.co.uk/news/1") == "example.co.uk")
    }
}

@Suite("Web furniture")
struct WebFurnitureTests {
    @Test("furniture lines in eight languages are dropped", arguments: [
        "Advertisement", "Scroll to continue", "Related Topics", "More on this story", "Sign up for our newsletter today",
        "We use cookies to improve your experience.", "Share on Facebook Share on Twitter Email", "Anzeige", "Mehr zum Thema",
        "Lire aussi :", "Publicidad", "Leggi anche:", "Leia também:", "Lees ook:", "Читайте также:", "Teilen Facebook WhatsApp E-Mail",
    ])
    func dropped(line: String) throws {
        let article = try analyze("Headline\n\nFirst real paragraph of the report.\n\n\(line)\n\nSecond real paragraph of the report.")
        #expect(article.paragraphs == ["First real paragraph of the report.", "Second real paragraph of the report."])
    }

    @Test("a real paragraph that mentions the same words stays", arguments: [
        "Advertisement spending by car makers fell 12% in the quarter, the agency said.",
        "The company said it would share the data with Facebook and Twitter regulators next week.",
        "Related topics such as pensions were left for the next round of talks.",
        "Cookies and biscuits were the fastest-growing category in the supermarket's results.",
        "Readers can sign up for the scheme until March, the council said.",
    ])
    func kept(line: String) throws {
        let article = try analyze("Headline\n\nFirst real paragraph of the report.\n\n\(line)\n\nSecond real paragraph of the report.")
        #expect(article.paragraphs.contains(line))
    }
}
