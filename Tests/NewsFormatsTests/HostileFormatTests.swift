import Foundation
import NewsCore
import NewsSystem
import Testing
import TestSupport
@testable import NewsFormats

/// Broken, huge, deep and lying files of every format end as an article or as a failure with
/// its reason: never a crash or a hang.
@Suite("Hostile files of every format")
struct HostileFormatTests {
    /// Where a test's stand-in `pdftotext` lives (removed after the test).
    let converterFolder = TemporaryFolder("newsd-pdf")

    private func html(_ text: String) -> Result<FileReading, ArticleRejection> {
        ArticleFormats.read(Array(text.utf8), format: .html)
    }

    @Test("malformed and truncated pages are read as far as they go")
    func malformedHTML() throws {
        let truncated = html("<html><head><title>Budget vote delayed</title></head><body><article><p>The vote on the budget was put off until next week after the opposition walked out of the chamber in prot")
        let article = try truncated.get().articles[0].article
        #expect(article.headline == "Budget vote delayed")
        #expect(article.paragraphs.first?.hasPrefix("The vote on the budget") == true)
        let unclosed = html("<p>First paragraph of a story <b>bold <i>both</p><div><p>Second paragraph</span></div></table></html></html>")
        #expect(try unclosed.get().articles[0].article.paragraphs == ["Second paragraph"])
        #expect(throws: ArticleRejection.self) { try html("<html><head><script>var a = 1;</script></head><body><nav>Home</nav></body></html>").get() }
    }

    @Test("a page nested 100,000 elements deep is read without exhausting the stack")
    func deepNesting() throws {
        let depth = 100_000
        let page = "<html><body><h1>Deep page</h1>" + String(repeating: "<div>", count: depth) + "<p>Text at the bottom of the nesting.</p>"
            + String(repeating: "</div>", count: depth) + "</body></html>"
        let reading = html(page)
        // libxml2 stops descending at its own depth limit; whatever it gives, it is an answer, not a crash.
        switch reading {
        case .success(let found): #expect(found.articles[0].article.headline == "Deep page")
        case .failure(let rejection): #expect(rejection.code == "no-text")
        }
    }

    @Test("a 50 MB page is read whole")
    func hugePage() throws {
        let paragraph = "<p>" + String(repeating: "Harbour cranes stood idle as the strike went on. ", count: 20) + "</p>\n"
        var page = "<html><head><title>Long page</title></head><body><article>"
        while page.utf8.count < 50 << 20 { page += paragraph }
        page += "</article></body></html>"
        let article = try html(page).get().articles[0].article
        #expect(article.paragraphs.count > 40_000)
    }

    @Test("a page that is not UTF-8 and declares nothing is read as Latin-1")
    func latin1Page() throws {
        var bytes = Array("<html><body><h1>Menu of the ".utf8)
        bytes += [0x63, 0x61, 0x66, 0xE9] // "café" in Latin-1
        bytes += Array("</h1><p>A new caf".utf8) + [0xE9] + Array(" opened on the square.</p></body></html>".utf8)
        let article = try ArticleFormats.read(bytes, format: .html).get().articles[0].article
        #expect(article.headline == "Menu of the café")
        #expect(article.paragraphs == ["A new café opened on the square."])
    }

    @Test("JSON that holds no article says why", arguments: [
        ("[1, 2, 3]", "not-an-article"),
        ("{\"user\": \"x\", \"likes\": 3}", "not-an-article"),
        ("\"just a string\"", "not-an-article"),
        ("{\"title\": \"A\", \"text\": ", "malformed"),
        (String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000), "malformed"),
    ])
    func jsonWithoutArticle(text: String, code: String) {
        guard case .failure(let rejection) = ArticleFormats.read(Array(text.utf8), format: .json) else {
            Issue.record("\(text.prefix(40)) was read as an article"); return
        }
        #expect(rejection.code == code)
    }

    @Test("an e-mail with a broken MIME tree is a failure that names the break")
    func brokenMIME() {
        let noBoundary = "From: a@example.org\nSubject: Hello\nContent-Type: multipart/mixed\n\nbody\n"
        guard case .failure(let rejection) = ArticleFormats.read(Array(noBoundary.utf8), format: .email) else {
            Issue.record("read"); return
        }
        #expect(rejection.code == "malformed" && rejection.description.contains("boundary"))
        var nested = "From: a@example.org\nSubject: Deep\n"
        for level in 0..<30 { nested += "Content-Type: multipart/mixed; boundary=\"b\(level)\"\n\n--b\(level)\n" }
        nested += "Content-Type: text/plain\n\nText\n"
        guard case .failure(let deep) = ArticleFormats.read(Array(nested.utf8), format: .email) else { Issue.record("read"); return }
        #expect(deep.description.contains("nested"))
        #expect(throws: ArticleRejection.self) { try ArticleFormats.read(Array("no headers here at all\n".utf8), format: .email).get() }
    }

    /// A folder with a `pdftotext` that behaves as `script` says: the converter is the boundary.
    private func converter(_ script: String, timeLimit: Duration = .seconds(30)) throws -> PDFConverter {
        let program = converterFolder.file("pdftotext")
        try ("#!/bin/sh\n" + script + "\n").write(toFile: program, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: program)
        return PDFConverter(searchPath: converterFolder.path, timeLimit: timeLimit)
    }

    @Test("a PDF that hangs the converter is stopped at the time limit")
    func hangingConverter() throws {
        let started = ContinuousClock.now
        let result = try converter("exec sleep 600", timeLimit: .seconds(1)).text(of: Array("%PDF-1.4".utf8))
        guard case .failure(let rejection) = result else { Issue.record("converted"); return }
        #expect(rejection.code == "converter-failed" && rejection.description.contains("longer than"), "\(rejection)")
        #expect(ContinuousClock.now - started < .seconds(30))
    }

    @Test("a PDF that crashes the converter is a failure")
    func crashingConverter() throws {
        let result = try converter("kill -SEGV $$").text(of: Array("%PDF-1.4".utf8))
        guard case .failure(let rejection) = result else { Issue.record("converted"); return }
        #expect(rejection.description.contains("crashed"))
    }

    @Test("without pdftotext, the failure names the package to install")
    func missingConverter() {
        let result = PDFConverter(searchPath: "/nonexistent").text(of: Array("%PDF-1.4".utf8))
        guard case .failure(let rejection) = result else { Issue.record("converted"); return }
        #expect(rejection.code == "converter-missing" && rejection.description.contains("poppler-utils"))
    }

    @Test("a PDF of pictures only (no text) is a failure that says it is probably a scan")
    func scannedPDF() {
        guard case .failure(let rejection) = ArticleFormats.readConverted(pdfText: [0x0C, 0x0A, 0x0C]) else { Issue.record("read"); return }
        #expect(rejection.code == "no-text" && rejection.description.contains("scan"))
    }
}

@Suite("Markdown front matter")
struct FrontMatterTests {
    private func read(_ text: String) -> Result<FileReading, ArticleRejection> {
        ArticleFormats.read(Array(text.utf8), format: .markdown)
    }

    @Test("a colon inside an unquoted value is read as people mean it")
    func colonInValue() throws {
        let article = try read("---\ntitle: Strike: what it means\ndate: 2024-03-15\n---\n\nThe text of the note.\n").get().articles[0].article
        #expect(article.headline == "Strike: what it means")
        #expect(article.metadata.published?.iso == "2024-03-15")
    }

    @Test("front matter that is neither YAML nor key: value lines is a failure that says so")
    func brokenFrontMatter() {
        guard case .failure(let rejection) = read("---\ntitle: [unclosed\n  - and: {more\n---\n\nText.\n") else { Issue.record("read"); return }
        #expect(rejection.code == "malformed" && rejection.description.contains("front matter"))
    }

    @Test("a note without front matter takes its headline from the first heading, without the #")
    func headingAsHeadline() throws {
        let article = try read("# Budget talks resume\n\nThe **coalition** met again on [Monday](https://example.org).\n").get().articles[0].article
        #expect(article.headline == "Budget talks resume")
        #expect(article.paragraphs == ["The coalition met again on Monday."])
    }
}
