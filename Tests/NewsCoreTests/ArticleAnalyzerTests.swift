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

    @Test("leaves the outlet unknown when the text names none", arguments: [
        "Headline\n\nBody text.\n\nBen Wolfgang contributed to this report.",
        "The Independent\n\nA headline that happens to be an outlet name is not a trailer.\n\nMore body.",
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

    @Test("reads dates: date lines, ISO dates, wire datelines with the year from context or the file", arguments: [
        ("11 March 2017\n\nHeadline\n\nBody.", "2017-03-11"),
        ("Headline\n\nPublished: Saturday, 27 June 2020 10:42 BST\n\nBody.", "2020-06-27"),
        ("Headline\n\nJune 27, 2020\n\nBody.", "2020-06-27"),
        ("Headline\n\n2020-06-27\n\nBody.", "2020-06-27"),
        ("Headline\n\nTOKYO, March 2 - Body of a wire story.", "2020-03-02"),
        ("Headline\n\nSALVADOR, Feb 26 - Output rose in 1987, the review said.", "1987-02-26"),
        ("Headline\n\nLONDON, Dec 30 - A wire story filed late in the year.", "2019-12-30"),
    ])
    func date(text: String, expected: String) throws {
        #expect(try analyze(text).published?.iso == expected)
    }

    @Test("finds no date in prose", arguments: [
        "Headline\n\nOn 11 March 2017 the ministry said many things about the talks and the region.",
        "Headline\n\nThe meeting is due in March.",
        "Headline\n\nIn Washington - a city - nothing happened.",
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
