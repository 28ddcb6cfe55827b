import GRDB

/// New articles of one write transaction, added to the full-text index together at its end.
///
/// SQLite gives each INSERT statement that fires a trigger its own statement savepoint, and FTS5
/// writes its pending terms out as a new segment at every savepoint: one segment per article,
/// merged again and again. Measured with the sqlite3 shell on 5,000 Reuters articles: 1.06 s with
/// the per-row trigger, 0.35 s with one INSERT … SELECT for all of them.
///
/// The text is read back (inflated) from `article_text`. An article whose text or metadata
/// changes is taken out of the index with `remove` before the change and added again after it;
/// before an article still waiting here is deleted it must be flushed, or the delete trigger
/// would remove terms the index never received.
struct PendingFullText {
    private var ids = Set<Int64>()

    mutating func add(_ id: Int64) { ids.insert(id) }

    /// Takes an article's entry out of the full-text index, from the values stored now: call it
    /// before changing them. An article still waiting here simply stops waiting.
    mutating func remove(_ db: Database, id: Int64) throws {
        if ids.remove(id) != nil { return }
        try db.cachedStatement(sql: """
            INSERT INTO article_fts(article_fts, rowid, headline, body, outlet, byline)
            SELECT 'delete', a.id, \(Self.marked("a.headline")), \(Self.marked("\(TextCodec.inflateFunction)(t.body)")), a.outlet, a.byline
            FROM article a JOIN article_text t ON t.id = a.id WHERE a.id = ?
            """).execute(arguments: [id])
        try db.cachedStatement(sql: IndexSchema.logFullTextRemoval).execute(arguments: [id])
    }

    private static func marked(_ value: String) -> String {
        LanguageTokenizer.markedExpression(language: "a.language", value: value)
    }

    /// Flushes if `id` is waiting (it is about to be updated or deleted).
    mutating func flush(_ db: Database, ifHolding id: Int64) throws {
        if ids.contains(id) { try flush(db) }
    }

    mutating func flush(_ db: Database) throws {
        guard !ids.isEmpty else { return }
        try Self.setAutomerge(db, ids.count >= Self.mergingBatch ? Self.bulkAutomerge : 0)
        let list = "[" + ids.map(String.init).joined(separator: ",") + "]"
        try db.cachedStatement(sql: """
            INSERT INTO article_fts(rowid, headline, body, outlet, byline)
            SELECT a.id, \(Self.marked("a.headline")), \(Self.marked("\(TextCodec.inflateFunction)(t.body)")), a.outlet, a.byline
            FROM article a JOIN article_text t ON t.id = a.id WHERE a.id IN (SELECT value FROM json_each(?)) ORDER BY a.id
            """).execute(arguments: [list])
        ids.removeAll(keepingCapacity: true)
    }

    /// Articles from which one flush merges segments as it writes them (FTS5's `automerge`).
    ///
    /// Automerge works in lumps: each time 64 more leaf pages have been written, the write that
    /// crosses the mark merges up to 64 pages per level. A bulk transaction writes many pages and
    /// takes that in its stride; a single-file drop that crosses the mark waits for a merge of
    /// hundreds of pages once an archive is large. Smaller writes therefore leave merging to the idle steps
    /// (`ArticleIndex.mergeFullText`), and between idle spells to FTS5's crisis merge of a level
    /// that reaches `crisismerge` segments; bulk transactions merge as before, so that no large
    /// merge is left for after the load.
    static let mergingBatch = 64

    /// FTS5's default `automerge`: a level is merged once it holds this many segments.
    static let bulkAutomerge = 4

    /// Sets FTS5's `automerge` (a setting stored in the index, in the same transaction) when it
    /// differs from `value`.
    private static func setAutomerge(_ db: Database, _ value: Int) throws {
        let stored = try Int.fetchOne(db.cachedStatement(sql: "SELECT v FROM article_fts_config WHERE k = 'automerge'")) ?? bulkAutomerge
        guard stored != value else { return }
        try db.cachedStatement(sql: "INSERT INTO article_fts(article_fts, rank) VALUES ('automerge', ?)").execute(arguments: [value])
    }
}
