import GRDB
import GRDBSQLite

/// The byte ranges of a text's tokens, as the full-text index's tokenizer reads the text for
/// snippets (`.aux`: positions only, no stems), so that token positions FTS5 reported can be
/// turned back into text.
enum TokenSpans {
    /// The spans of `text`'s tokens in order (a token FTS5 would take as a synonym of the one
    /// before is not one of them: it has no position of its own). Fails as the tokenizer fails.
    static func spans(of text: [UInt8], tokenizer: any FTS5Tokenizer) throws -> [Range<Int>] {
        let collector = Collector()
        let code = text.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { characters in
                withExtendedLifetime(collector) {
                    tokenizer.tokenize(context: Unmanaged.passUnretained(collector).toOpaque(), tokenization: .aux,
                                       pText: characters.baseAddress, nText: CInt(characters.count)) { context, flags, _, _, start, end in
                        guard let context, flags & FTS5_TOKEN_COLOCATED == 0 else { return SQLITE_OK }
                        Unmanaged<Collector>.fromOpaque(context).takeUnretainedValue().spans.append(Int(start)..<Int(end))
                        return SQLITE_OK
                    }
                }
            }
        }
        guard code == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "tokenizing a snippet's text") }
        return collector.spans
    }

    private final class Collector {
        var spans: [Range<Int>] = []
    }
}
