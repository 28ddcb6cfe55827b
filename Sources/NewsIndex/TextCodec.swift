import Foundation
import GRDB
import GRDBSQLite
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
        /// The bytes freed when rewriting the file last failed (not stored: a restart tries again).
        var rewriteFailedAt: Int64?
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

    /// Whether rewriting the file is worth trying at `freedBytes`: after a failure (a disk too
    /// full for the copy a rewrite makes), not again until half as much again was freed.
    func mayRewrite(freedBytes: Int64) -> Bool {
        state.withLock { state in state.rewriteFailedAt.map { freedBytes * 2 >= $0 * 3 } ?? true }
    }

    func rewriteFailed(freedBytes: Int64) { state.withLock { $0.rewriteFailedAt = freedBytes } }

    func dictionary(_ id: Int64) -> TextDictionary? { state.withLock { $0.dictionaries[id] } }

    /// `text` in its stored form, with the current dictionary if there is one.
    func encode(_ text: String) -> [UInt8] { TextCompression.compress(text, dictionary: current) }

    /// A stored text, or its first `prefix` bytes. A copy stored as its difference from another
    /// article's text reads that text from `database` (the connection the caller runs on).
    func decode(_ stored: some Collection<UInt8>, prefix: Int = .max, database: StoredTexts? = nil) throws -> String {
        try TextCompression.decompress(stored, prefix: prefix, dictionaries: { self.dictionary($0) }, bases: { id in
            guard let database else { throw TextCompression.Damaged(description: "stored text is a copy of article \(id), read without the index") }
            // The text a copy is stored against is never itself one (`IndexSchema.copyTextsSQL`): one step.
            return try TextCompression.decompress(try database.stored(id), dictionaries: { self.dictionary($0) })
        })
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

    /// `newsd_copy_text(blob, base, baseBlob)`: the text `blob` stored as its difference from
    /// `baseBlob`, the stored text of article `base`, when that is smaller; else `blob` as it is.
    static let copyFunction = "newsd_copy_text"
    /// `newsd_text_base(blob)`: the article a stored copy was stored against, else NULL.
    static let baseFunction = "newsd_text_base"
    /// `newsd_text_whole(blob)`: a stored copy stored again on its own; any other form as it is.
    static let wholeFunction = "newsd_text_whole"

    /// Registers the functions above on a connection. NULL stays NULL; a damaged text is an SQL
    /// error naming the damage (the statement fails, nothing is guessed). A copy's text is read
    /// with the text it was stored against, looked up on the same connection, so in the same
    /// transaction as the statement that asks.
    func register(_ db: Database) {
        let texts = StoredTexts(db)
        db.add(function: DatabaseFunction(Self.inflateFunction, argumentCount: 1, pure: true) { [self] values in
            guard let data = Data.fromDatabaseValue(values[0]) else { return nil }
            return try decode(data, database: texts)
        })
        db.add(function: DatabaseFunction(Self.snippetFunction, argumentCount: 1, pure: true) { [self] values in
            guard let data = Data.fromDatabaseValue(values[0]) else { return nil }
            return try decode(data, prefix: Self.snippetBytes, database: texts)
        })
        db.add(function: DatabaseFunction(Self.copyFunction, argumentCount: 3, pure: true) { [self] values in
            guard let data = Data.fromDatabaseValue(values[0]) else { return nil }
            guard let base = Int64.fromDatabaseValue(values[1]), let baseData = Data.fromDatabaseValue(values[2]),
                  TextCompression.baseID(of: data) == nil, TextCompression.baseID(of: baseData) == nil else { return data }
            let text = try decode(data), baseText = try decode(baseData)
            guard let stored = TextCompression.compressAsCopy(text, base: base, baseText: baseText, below: data.count) else { return data }
            return Data(stored)
        })
        db.add(function: DatabaseFunction(Self.baseFunction, argumentCount: 1, pure: true) { values in
            Data.fromDatabaseValue(values[0]).flatMap { TextCompression.baseID(of: $0) }
        })
        db.add(function: DatabaseFunction(Self.wholeFunction, argumentCount: 1, pure: false) { [self] values in
            guard let data = Data.fromDatabaseValue(values[0]) else { return nil }
            guard TextCompression.baseID(of: data) != nil else { return data }
            return Data(encode(try decode(data, database: texts)))
        })
    }
}

/// Reads stored texts by article id on one connection, from inside the SQL functions that run on
/// it (SQLite lets a function run statements on its own connection). Used only on that
/// connection's thread, while a statement of it runs. The statement is the connection's cached
/// one, not prepared again for every copy a page shows; the connection is held weakly, since it
/// holds the functions that hold this.
final class StoredTexts: @unchecked Sendable {
    private weak var database: Database?

    init(_ db: Database) { database = db }

    /// The stored form of article `id`'s text; throws when it has none.
    func stored(_ id: Int64) throws -> [UInt8] {
        guard let database else { throw TextCompression.Damaged(description: "cannot read the text of article \(id): its connection is closed") }
        let statement: Statement
        do {
            statement = try database.cachedStatement(sql: "SELECT body FROM article_text WHERE id = ?")
        } catch {
            throw TextCompression.Damaged(description: "cannot read the text of article \(id): \(error)")
        }
        guard let row = try Row.fetchOne(statement, arguments: [id]) else {
            throw TextCompression.Damaged(description: "a copy is stored against the text of article \(id), which the index does not hold")
        }
        return (row[0] as Data?).map { [UInt8]($0) } ?? []
    }
}
