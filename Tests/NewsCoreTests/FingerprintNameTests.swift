import Foundation
@testable import NewsCore
import Testing

/// Which words of an article count as its names (`ArticleFingerprint.of`): reports of one event
/// share the people, places and organisations they name; a dateline, a month or a table's
/// label names nothing about the event.
@Suite("Fingerprint names")
struct FingerprintNameTests {
    /// The body's words that `fingerprint` holds as names, in the order they appear.
    static func names(_ body: String) -> [String] {
        let fingerprint = ArticleFingerprint.of(headline: "A HEADLINE", body: body)
        var seen = Set<String>()
        return body.split { !$0.isLetter }.map(String.init).filter { word in
            let hash = ArticleFingerprint.hash(wordHash: MinHash.hash(word.lowercased()), bits: ArticleFingerprint.nameBits)
            return fingerprint.names.contains(hash) && seen.insert(word.lowercased()).inserted
        }
    }

    @Test("a wire dateline's length, its dash and the space after it included", arguments: [
        ("NEW YORK, March 2 - Shr 72 cts vs 71 cts", 20),
        ("LONDON, April 3 (Reuters) — Ministers met.", 28),
        ("MOSCOW (Sputnik) -- Talks resumed.", 20),
        ("BERLIN, 12. März (dpa) - Die Regierung", 25),
        ("SAN JOSE, Calif., March 3 - Shr 41 cts", 28),
    ])
    func datelineLength(text: String, length: Int) {
        #expect(DateExtractor.wireDatelineLength(text) == length)
        let rest = String(text.unicodeScalars.dropFirst(length))
        #expect(rest.first?.isLetter == true, "\(rest)")
    }

    @Test("no dateline: prose with a dash, a dash on a later line, a lower-case place", arguments: [
        "Ministers met - and talked - until late.",
        "Ministers met.\nLONDON, April 3 - Talks",
        "london, April 3 - Talks resumed.",
        "",
    ])
    func noDateline(text: String) {
        #expect(DateExtractor.wireDatelineLength(text) == nil)
    }

    @Test("a dateline's place and month are no names; the earnings table after it has none")
    func earningsTable() {
        let body = "NEW YORK, March 3 - Qtr ended Jan 31\n\nShr 41 cts vs 36 cts\n\nNet 2,118,000 vs 1,874,000\n\nRevs 31.2 mln vs 28.9 mln"
        #expect(Self.names(body) == [])
        #expect(Self.names("BRUNSWICK, West Germany, March 16 - Prosecutors in Wolfsburg widened the inquiry.") == ["Wolfsburg"])
        // The same words inside a sentence are read as before.
        #expect(Self.names("Shares of Harwell rose in New York after the Qtr figures.") == ["Harwell", "York", "Qtr"])
    }

    @Test("month abbreviations are no names, in the languages dates are read in")
    func months() {
        #expect(Self.names("The notes, due Jan 31 and payable Okt 15, were sold by Belmar Savings.") == ["Belmar", "Savings"])
    }

    @Test("a sentence's first word is a name when a capitalised word follows it")
    func sentenceOpeners() {
        let body = "NEW YORK, March 19 - Nippon Life is in talks with Shearson. Chief executive Carl Ostrander declined to comment."
        #expect(Self.names(body) == ["Nippon", "Life", "Shearson", "Carl", "Ostrander"])
        #expect(Self.names("Volkswagen AG said profits rose. Profits rose.") == ["Volkswagen", "AG"])
    }

    @Test("two templated earnings reports from one city share no name; two reports of one event do")
    func templatedReports() {
        let harwell = ArticleFingerprint.of(headline: "HARWELL PUMP AND VALVE CORP 3RD QTR NET",
                                            body: "NEW YORK, March 3 - Qtr ended Jan 31\n\nShr 41 cts vs 36 cts\n\nNet 2,118,000 vs 1,874,000")
        let ostrander = ArticleFingerprint.of(headline: "OSTRANDER FOODS INC 4TH QTR NET",
                                              body: "NEW YORK, March 4 - Qtr ended Jan 31\n\nShr 18 cts vs 22 cts\n\nNet 904,000 vs 1,107,000")
        #expect(Similarity.names(harwell, ostrander) == 0)
        let first = ArticleFingerprint.of(headline: "PORT STRIKE", body: "FELIXSTOWE, May 2 - Dockers at Felixstowe walked out, the Unite union said.")
        let second = ArticleFingerprint.of(headline: "STRIKE GOES ON", body: "LONDON, May 3 - The Unite strike at Felixstowe entered a second day.")
        #expect(Similarity.names(first, second) > 0)
    }
}
