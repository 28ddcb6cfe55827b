import NewsCore
import NewsSystem
import Testing
import TestSupport
@testable import NewsFormats

/// Every fixture in Tests/Fixtures/articles read as newsd reads it, and compared field by field
/// with Tests/Fixtures/articles/expected.tsv. Prints the accuracy per field (the README quotes it).
@Suite("Fixture articles: headline, outlet, byline, date, certainty, address and language")
struct FixtureTableTests {
    static let folder = String(#filePath.split(separator: "/").dropLast(2).joined(separator: "/")).withLeadingSlash + "/Fixtures/articles"
    static let fileDay = CalendarDay(year: 2024, month: 12, day: 31)!

    struct Expected {
        var file: String
        var fields: [String: String]
    }

    static func expectations() throws -> [Expected] {
        let text = try String(decoding: FixtureFiles.read(folder + "/expected.tsv"), as: UTF8.self)
        let lines = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        let header = lines[0].split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        return lines.dropFirst().map { line in
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Expected(file: cells[0], fields: Dictionary(uniqueKeysWithValues: zip(header.dropFirst(), cells.dropFirst())))
        }
    }

    /// The analysed article at `file` ("export.jsonl#2" for a member).
    static func read(_ file: String) throws -> AnalyzedArticle? {
        let parts = file.split(separator: "#", maxSplits: 1).map(String.init)
        let bytes = try FixtureFiles.read(folder + "/" + parts[0])
        let format = ArticleFormat(fileName: parts[0])!
        let reading = format == .pdf
            ? PDFConverter().text(of: bytes).flatMap(ArticleFormats.readConverted(pdfText:))
            : ArticleFormats.read(bytes, format: format)
        let found = try reading.get()
        let key = parts.count == 2 ? parts[1] : nil
        guard let member = found.articles.first(where: { $0.key == key }) else { return nil }
        return ArticleAnalyzer.analyze(member.article, fileDay: fileDay)
    }

    static func actual(_ article: AnalyzedArticle) -> [String: String] {
        [
            "headline": article.headline, "outlet": article.outlet ?? "-", "byline": article.byline ?? "-",
            "date": article.date?.day.iso ?? "-", "certainty": article.date?.source.rawValue ?? "file",
            "url": article.url ?? "-", "language": article.language ?? "-",
        ]
    }

    @Test("every fixture gives the expected fields")
    func fixtures() throws {
        let expectations = try Self.expectations()
        #expect(expectations.count >= 18)
        var right: [String: Int] = [:]
        for expected in expectations {
            let article = try Self.read(expected.file)
            #expect(article != nil, "\(expected.file) gave no article")
            guard let article else { continue }
            let actual = Self.actual(article)
            for (field, value) in expected.fields {
                #expect(actual[field] == value, "\(expected.file): \(field)")
                if actual[field] == value { right[field, default: 0] += 1 }
            }
        }
        let fields = ["headline", "outlet", "byline", "date", "certainty", "url", "language"]
        print("fixture accuracy over \(expectations.count) articles: "
              + fields.map { "\($0) \(right[$0, default: 0])/\(expectations.count)" }.joined(separator: ", "))
    }

    @Test("web furniture never reaches the indexed text, and the real paragraphs all do")
    func furniture() throws {
        let guardian = try #require(try Self.read("harbour-strike.html"))
        let body = guardian.body
        for furniture in ["Share on Facebook", "Advertisement", "Related stories", "We use cookies", "All rights reserved", "By Harriet"] {
            #expect(!body.contains(furniture), "\(furniture)")
        }
        #expect(guardian.paragraphs.count == 6, "five paragraphs and one sub-heading: \(guardian.paragraphs)")
        #expect(body.contains("Shipping lines divert vessels"))
        #expect(body.contains("Negotiators are due to meet again"))
        let spiegel = try #require(try Self.read("vaccine-rollout.html"))
        #expect(!spiegel.body.contains("Anzeige") && !spiegel.body.contains("WhatsApp"))
        #expect(spiegel.paragraphs.count == 3)
        let markdown = try #require(try Self.read("flood-warning.md"))
        #expect(!markdown.body.contains("**") && !markdown.body.contains("](") && !markdown.headline.contains("#"))
        #expect(markdown.body.contains("national flood service"))
    }

    @Test("a file of another format is not an article, and the extension tables agree")
    func formatsAgree() {
        #expect(ArticleFormat(fileName: "interview-notes.docx") == nil)
        #expect(Set(ArticleFormat.allExtensions) == Set(InboxNamePolicy.readExtensions))
    }
}

extension String {
    var withLeadingSlash: String { hasPrefix("/") ? self : "/" + self }
}
