import Foundation
import GRDB
import Synchronization

/// Stores and reads article text for one open index: knows the archive's compression
/// dictionaries (`text_dictionary`) and which one new text is compressed with.
///
/// A dictionary is known here before the transaction that stores it commits, so a reader whose
/// snapshot holds it always finds it; one that never committed stays known but unused (its
/// number comes from its bytes, so no other dictionary can take it).
final class TextCodec: Sendable {
    private struct State {
        var dictionaries: [Int64: TextDictionary] = [:]
        var current: TextDictionary?
        /// The archive's size when training last found nothing to learn (not stored: a restart tries again).
        var declinedAt: Int?
    }

    private let state = Mutex(State())

    /// The dictionary new text is compressed with; nil before the archive has one.
    var current: TextDictionary? { state.withLock { $0.current } }

    /// Makes `dictionary` readable (not yet used for new text).
    func know(_ dictionary: TextDictionary) {
        state.withLock { $0.dictionaries[dictionary.id] = $0.dictionaries[dictionary.id] ?? dictionary }
    }

    /// Compresses new text with `dictionary` from now on (it must be stored in the index).
    func use(_ dictionary: TextDictionary) {
        let previous = state.withLock { state -> TextDictionary? in
            state.dictionaries[dictionary.id] = state.dictionaries[dictionary.id] ?? dictionary
            defer { state.current = state.dictionaries[dictionary.id] }
            return state.current
        }
        if let previous, previous.id != dictionary.id { previous.releaseCompression() }
    }

    /// Whether training is worth trying at `articles`: not again until the archive has doubled
    /// since it last found nothing to learn.
    func mayTrain(articles: Int) -> Bool {
        state.withLock { state in state.declinedAt.map { articles >= $0 * 2 } ?? true }
    }

    func declined(articles: Int) { state.withLock { $0.declinedAt = articles } }

    func dictionary(_ id: Int64) -> TextDictionary? { state.withLock { $0.dictionaries[id] } }

    /// `text` in its stored form, with the current dictionary if there is one.
    func encode(_ text: String) -> [UInt8] { TextCompression.compress(text, dictionary: current) }

    /// A stored text, or its first `prefix` bytes.
    func decode(_ stored: some Collection<UInt8>, prefix: Int = .max) throws -> String {
        try TextCompression.decompress(stored, prefix: prefix) { self.dictionary($0) }
    }

    /// Reads every dictionary the index holds; the newest becomes the one new text is compressed
    /// with. A dictionary zstd does not accept is skipped: texts that need it then fail to read
    /// with an error naming it, and nothing is guessed.
    func load(_ db: Database) throws {
        guard try db.tableExists("text_dictionary") else { return }
        let rows = try Row.fetchAll(db, sql: "SELECT bytes FROM text_dictionary ORDER BY trainedAt, id")
        for row in rows {
            guard let dictionary = TextDictionary(bytes: [UInt8](row[0] as Data)) else { continue }
            use(dictionary)
        }
    }

    // MARK: SQL

    /// The SQL function that turns a stored text back into text: the full-text index's content
    /// view calls it for snippets, and the index's own statements for what they show.
    static let inflateFunction = "newsd_inflate"

    /// What snippets see of an article: `newsd_snippet_text(blob)`, the first `snippetBytes` of
    /// its text. Snippets tokenize all they are given, so a text of megabytes (a log pasted into
    /// a note) would make every search that shows it slow; search engines bound this the same
    /// way (Lucene's highlighter reads 50,000 characters by default). A match further in still
    /// finds the article; its snippet then shows the opening.
    static let snippetFunction = "newsd_snippet_text"
    static let snippetBytes = 256 * 1024

    /// Registers `newsd_inflate(blob)` and `newsd_snippet_text(blob)` on a connection. NULL stays
    /// NULL; a damaged text is an SQL error naming the damage (the statement fails, nothing is guessed).
    func register(_ db: Database) {
        db.add(function: DatabaseFunction(Self.inflateFunction, argumentCount: 1, pure: true) { [self] values in
            guard let data = Data.fromDatabaseValue(values[0]) else { return nil }
            return try decode(data)
        })
        db.add(function: DatabaseFunction(Self.snippetFunction, argumentCount: 1, pure: true) { [self] values in
            guard let data = Data.fromDatabaseValue(values[0]) else { return nil }
            return try decode(data, prefix: Self.snippetBytes)
        })
    }
}
