import Foundation
import GRDB
import GRDBSQLite
@testable import NewsIndex
import Testing
import TestSupport

/// Snippets' token spans, read with a plain unicode61 tokenizer kept between searches, against the
/// spans the index's own tokenizer (`LanguageTokenizer`) gives the same text.
@Suite("Token spans: the index tokenizer's positions, read in part when asked")
struct TokenSpansTests {
    static let texts = [
        "",
        "Oil prices rose 3.5% on Tuesday: traders said OPEC's quota talks stalled.",
        "Die Straße nach Ålesund ist gesperrt, sagte der Bürgermeister über Funk. Naïve Fragen.",
        "Ёлка и ёж: «новости» — 2024 год…",
        "\u{E000}de Der Hafen blieb geschlossen. Die Kräne standen still.",
        "\u{E000}ru Ещё одна ёлка.",
        "\u{E000}noLanguageCodeSoNoMarker: no space within twelve bytes, so the character starts a token",
        "  leading spaces,\ttabs\nand new lines   between words  ",
    ]

    /// The spans the index's tokenizer reports for snippets (`.aux`), synonyms left out.
    static func indexSpans(_ db: Database, _ text: String) throws -> [Range<Int>] {
        let tokenizer = try db.makeTokenizer(FTS5TokenizerDescriptor(components: [LanguageTokenizer.name]))
        final class Spans { var all: [Range<Int>] = [] }
        let spans = Spans()
        let bytes = Array(text.utf8)
        let code = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { characters in
                withExtendedLifetime(spans) {
                    tokenizer.tokenize(context: Unmanaged.passUnretained(spans).toOpaque(), tokenization: .aux,
                                       pText: characters.baseAddress, nText: CInt(characters.count)) { context, flags, _, _, start, end in
                        guard flags & FTS5_TOKEN_COLOCATED == 0 else { return SQLITE_OK }
                        Unmanaged<Spans>.fromOpaque(context!).takeUnretainedValue().all.append(Int(start)..<Int(end))
                        return SQLITE_OK
                    }
                }
            }
        }
        #expect(code == SQLITE_OK)
        return spans.all
    }

    @Test("every text's spans are the index tokenizer's, the language marker skipped")
    func sameAsTheIndexTokenizer() throws {
        let folder = TemporaryFolder("newsd-token-spans")
        let index = try ArticleIndex(path: folder.file("index.sqlite"))
        try index.pool.read { db in
            for text in Self.texts {
                let expected = try Self.indexSpans(db, text)
                let read = try SpanTokenizers.shared.with(db) { try TokenSpans.spans(of: Array(text.utf8), tokenizer: try #require($0)) }
                #expect(read.spans == expected && !read.more, "\(text)")
            }
            let marked = try Self.indexSpans(db, Self.texts[4])
            #expect(marked.first == 6..<9, "the marker and its code make no token: \(marked)")
            let unmarked = try Self.indexSpans(db, Self.texts[6])
            #expect(unmarked.first?.lowerBound == 0, "without a code and a space, the character starts a token: \(unmarked)")
        }
    }

    @Test("with a limit, the first tokens only, and whether the text has more")
    func readInPart() throws {
        let folder = TemporaryFolder("newsd-token-spans-part")
        let index = try ArticleIndex(path: folder.file("index.sqlite"))
        try index.pool.read { db in
            let text = Self.texts[2]
            let all = try Self.indexSpans(db, text)
            #expect(all.count == 13)
            for limit in [0, 1, 5, all.count - 1, all.count, all.count + 1] {
                let read = try SpanTokenizers.shared.with(db) {
                    try TokenSpans.spans(of: Array(text.utf8), limit: limit, tokenizer: try #require($0))
                }
                #expect(read.spans == Array(all.prefix(limit)), "limit \(limit)")
                #expect(read.more == (limit < all.count), "limit \(limit): more \(read.more)")
            }
        }
    }
}
