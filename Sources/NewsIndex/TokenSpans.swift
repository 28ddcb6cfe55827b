import GRDB
import GRDBSQLite

/// The byte ranges of a text's tokens, as the full-text index's tokenizer (`LanguageTokenizer`)
/// places them: its unicode61 tokens after the language marker, whose positions and ranges
/// folding and stemming leave as they are. Token positions FTS5 reported are turned back into
/// text through them.
enum TokenSpans {
    /// The spans of `text`'s first `limit` tokens (all of them when it has no more), and whether
    /// the text has more. Fails as the tokenizer fails. `tokenizer`: `LanguageTokenizer.folding`.
    static func spans(of text: [UInt8], limit: Int = .max, tokenizer: any FTS5Tokenizer) throws -> (spans: [Range<Int>], more: Bool) {
        guard !text.isEmpty else { return ([], false) }
        let collector = Collector(limit: limit)
        let code = text.withUnsafeBufferPointer { buffer in
            let skip = LanguageTokenizer.markerLength(buffer)
            collector.offset = skip
            return buffer.withMemoryRebound(to: CChar.self) { characters in
                withExtendedLifetime(collector) {
                    tokenizer.tokenize(context: Unmanaged.passUnretained(collector).toOpaque(), tokenization: .aux,
                                       pText: characters.baseAddress.map { $0 + skip }, nText: CInt(characters.count - skip)) { context, _, _, _, start, end in
                        guard let context else { return SQLITE_OK }
                        // Borrowed for the call, which the collector outlives: no retain per token.
                        return Unmanaged<Collector>.fromOpaque(context)._withUnsafeGuaranteedRef { $0.add(Int(start)..<Int(end)) }
                    }
                }
            }
        }
        // The collector's own stop is how the tokenizer was told to stop early, not a failure.
        guard code == SQLITE_OK || (code == Collector.stop && collector.more) else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "tokenizing a snippet's text")
        }
        return (collector.spans, collector.more)
    }

    /// Filled by one tokenizer call on the thread that made it, and read after it: no two
    /// accesses overlap, so `add`, called for every token, skips the run-time exclusivity checks.
    private final class Collector {
        /// What a token past the limit answers the tokenizer, which then stops and returns it.
        static let stop = SQLITE_DONE

        let limit: Int
        @exclusivity(unchecked) var offset = 0
        @exclusivity(unchecked) var spans: [Range<Int>] = []
        @exclusivity(unchecked) var more = false

        init(limit: Int) { self.limit = limit }

        func add(_ span: Range<Int>) -> Int32 {
            guard spans.count < limit else {
                more = true
                return Self.stop
            }
            spans.append((span.lowerBound + offset)..<(span.upperBound + offset))
            return SQLITE_OK
        }
    }
}
