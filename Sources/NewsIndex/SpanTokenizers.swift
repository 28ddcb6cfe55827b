import GRDB
import Synchronization

/// unicode61 tokenizers for snippets' token spans, kept between searches: making one per
/// search prepares statements (each `makeTokenizer` asks SQLite for its FTS5 entry points), and
/// the index's own tokenizer adds stemming that spans never use. unicode61 keeps nothing of the
/// connection it was made on, only a buffer it folds into while tokenizing, so each tokenizer
/// serves one search at a time, on any connection.
final class SpanTokenizers: Sendable {
    /// The tokenizers of the process's searches.
    static let shared = SpanTokenizers()

    private let idle = Mutex<[Kept]>([])

    /// Runs `body` with a tokenizer no other search uses meanwhile (made on `db` when none is
    /// idle; nil when SQLite could not make one), and keeps it for the next search.
    func with<T>(_ db: Database, _ body: ((any FTS5Tokenizer)?) throws -> T) rethrows -> T {
        guard let kept = idle.withLock({ $0.popLast() }) ?? (try? db.makeTokenizer(LanguageTokenizer.folding)).map(Kept.init) else {
            return try body(nil)
        }
        defer { idle.withLock { $0.append(kept) } }
        return try body(kept.tokenizer)
    }

    /// One tokenizer, handed from search to search under the lock, never used by two at once.
    private struct Kept: @unchecked Sendable {
        let tokenizer: any FTS5Tokenizer
        init(_ tokenizer: any FTS5Tokenizer) { self.tokenizer = tokenizer }
    }
}
