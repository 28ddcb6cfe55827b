import Foundation
import GRDB
import NewsCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The embedded full-text index: one SQLite database in WAL mode with one writer
/// (the ingest service) and concurrent readers (queries never wait for ingest).
public final class ArticleIndex: Sendable {
    /// Path of the database file.
    public let path: String
    /// The open database: a pool (one writer, concurrent readers) and a connection of its own
    /// for checkpoints. Replaced only by `replaceDamaged()`, before ingest writes anything.
    private let database: Mutex<(pool: DatabasePool, checkpointer: DatabaseQueue, tables: SearchTables, texts: TextCodec)>
    /// Databases `replaceDamaged()` replaced, closed only by `close()`.
    private let retired = Mutex<[(pool: DatabasePool, checkpointer: DatabaseQueue)]>([])
    var pool: DatabasePool { database.withLock { $0.pool } }
    /// What searches hold in memory about the open database.
    var tables: SearchTables { database.withLock { $0.tables } }
    /// The pool and its tables, read at once: a damaged database may be replaced between two reads.
    var poolAndTables: (pool: DatabasePool, tables: SearchTables) { database.withLock { ($0.pool, $0.tables) } }
    /// How the open database's article text is compressed.
    var texts: TextCodec { database.withLock { $0.texts } }
    /// Beats while the writer's transactions run (see `WriterHeartbeat`).
    let heartbeat = WriterHeartbeat()
    /// The write-ahead log's size after each of the writer's commits.
    private let logWatch = WriteAheadLogWatch(writerLimit: writerCheckpointFrames)
    /// When the file's slack is next measured (see `compactText`).
    let slackGauge = SlackGauge()
    /// Ends text compaction when newsd stops (see `stopIdleWork`).
    let idleWork = IdleWorkStop()

    /// Ends the text compaction step the writer is running, if any, and refuses every later
    /// one (they throw `IndexError.stopping`): for a stop, which should not wait for work that
    /// can be done after the next start.
    public func stopIdleWork() { idleWork.stop() }

    /// Calls `beat` every few milliseconds while an ingest, placement or merge transaction
    /// runs, so a watchdog can tell a long write from a stuck one.
    public func onWriterProgress(_ beat: @escaping @Sendable () -> Void) { heartbeat.set(beat) }

    /// What is told why a survey read ahead of placement (`PlacementForecast`) failed.
    private let surveyFailure = Mutex<(@Sendable (any Error) -> Void)?>(nil)

    /// Calls `report` with the error when the surveys read ahead of a placement transaction end
    /// on a failed read: placement goes on without them, on one core, so nothing else says so.
    public func onSurveyFailure(_ report: @escaping @Sendable (any Error) -> Void) { surveyFailure.withLock { $0 = report } }

    /// bm25 column weights (headline, body), chosen by measurement (`Benchmarks/ranking-weights`,
    /// Reuters-21578 topic words as queries, topic labels as judgements, 2 cores): mean P@10 was
    /// 0.758 at 1, 0.750 at 1.5, 0.737 at 2 and 0.704 at 4. bm25's length normalisation already
    /// lifts a word in a short headline, so a large extra weight buries articles that discuss a
    /// subject under passing headline mentions. 1.5 keeps a headline match ahead of an equal body
    /// match, as readers expect, at a cost of 0.008 in P@10.
    static let headlineWeight = 1.5
    static let bodyWeight = 1.0

    /// How many searches may read at once (the control server queues the others).
    public static let searchReaders = 3

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    /// A file that is not a database, or whose schema cannot be read, throws `.corrupt`; damage
    /// deeper in the file is found by `verify()`, which reads every page.
    ///
    /// Bringing an older index up to date can rewrite every row (`pendingMigrations`);
    /// `upgradeProgress` is called every few thousand SQLite steps while that runs, so that a
    /// caller can tell a long upgrade from a stuck one.
    public init(path: String, upgradeProgress: (@Sendable () -> Void)? = nil) throws(IndexError) {
        self.path = path
        database = Mutex(try Self.open(path, watch: logWatch, upgradeProgress: upgradeProgress))
    }

    /// The schema migrations the index at `path` has not had (empty when it is current, new or
    /// unreadable: opening it then says what is wrong). Opening it runs them first; on an
    /// archive each may take in proportion to its size.
    public static func pendingMigrations(path: String) -> [String] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        SQLiteProcessSettings.apply()
        var configuration = Configuration()
        configuration.readonly = true
        guard let queue = try? DatabaseQueue(path: path, configuration: configuration) else { return [] }
        defer { try? queue.close() }
        let migrator = IndexSchema.migrator
        let applied = (try? queue.read { db in try db.tableExists("grdb_migrations") ? migrator.appliedIdentifiers(db) : [] }) ?? []
        return applied.isEmpty ? [] : migrator.migrations.filter { !applied.contains($0) }
    }

    private static func open(_ path: String, watch: WriteAheadLogWatch, upgradeProgress: (@Sendable () -> Void)? = nil) throws(IndexError)
        -> (pool: DatabasePool, checkpointer: DatabaseQueue, tables: SearchTables, texts: TextCodec) {
        SQLiteProcessSettings.apply()
        let tables = SearchTables()
        let texts = TextCodec()
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        // Searches may hold `searchReaders` of them (up to their time budget each); the rest
        // stay free for status, articles and the watchdog's check.
        configuration.maximumReaderCount = searchReaders + 3
        configuration.prepareDatabase { db in
            // The full-text index's tokenizer lives in newsd: every connection needs it.
            db.add(tokenizer: LanguageTokenizer.self)
            // … and so do the content view and statements that read stored text.
            texts.register(db)
            FingerprintCodec.register(db)
            RankFunction.register(db, tables: tables)
            // NORMAL is crash-safe in WAL mode: a power loss may drop the last commits, never corrupt.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // A bulk transaction grows the write-ahead log to tens of megabytes; without a limit
            // the file keeps that size for good after its pages are checkpointed.
            try db.execute(sql: "PRAGMA journal_size_limit = 4194304")
        }
        return try reading(path) {
            let pool = try DatabasePool(path: path, configuration: configuration)
            // Checkpoints run on a connection of their own (`checkpoint()`): when newsd is idle,
            // and beside a writer at work once the log has grown (`writeAheadLogFrames`). One
            // inside a commit (SQLite's default, every 1,000 pages) made an occasional
            // single-file drop wait tens of milliseconds. The watch takes the place of the
            // writer's automatic checkpoint (only the writer commits): past
            // `writerCheckpointFrames` the writer still checkpoints itself, and the log starts
            // over at its next transaction.
            pool.writeWithoutTransaction { watch.install(on: $0) }
            let migrator = IndexSchema.migrator
            if try pool.read({ try migrator.hasBeenSuperseded($0) }) { throw IndexError.newerSchema(path: path) }
            let (hasArticles, applied) = try pool.read { db in (try db.tableExists("article"), try migrator.appliedIdentifiers(db)) }
            let compacting = hasArticles && !IndexSchema.compactingMigrations.isSubset(of: applied)
            // One migration at a time, the write-ahead log emptied after each: run in one go, a
            // new index's nine migrations left 370 KB of log before the first article.
            // The dictionaries first: a migration may read stored text (v21 stores copies anew).
            try pool.read { try texts.load($0) }
            let progress = WriterHeartbeat()
            progress.set(upgradeProgress)
            pool.writeWithoutTransaction { progress.attach($0) }
            defer { pool.writeWithoutTransaction { progress.detach($0) } }
            for migration in migrator.migrations where !applied.contains(migration) {
                try migrator.migrate(pool, upTo: migration)
                try pool.writeWithoutTransaction { _ = try $0.checkpoint(.truncate) }
            }
            // Moving the text out of the article rows, or writing the full-text index again, left
            // much of the file's pages free.
            if compacting { try pool.vacuum() }
            let checkpointer = try DatabaseQueue(path: path)
            // A connection learns that the database is in WAL mode on its first read; until then a
            // checkpoint on it silently does nothing.
            _ = try checkpointer.read { try Int.fetchOne($0, sql: "PRAGMA schema_version") }
            return (pool, checkpointer, tables, texts)
        }
    }

    /// Runs `body`, reporting a damaged file as `.corrupt` and anything else SQLite says as `.cannotOpen`.
    private static func reading<T>(_ path: String, _ body: () throws -> T) throws(IndexError) -> T {
        do {
            return try body()
        } catch let error as DatabaseError where [.SQLITE_CORRUPT, .SQLITE_NOTADB].contains(error.resultCode) {
            throw .corrupt(path: path, detail: error.message ?? "\(error.resultCode)")
        } catch let error as IndexError {
            throw error
        } catch {
            throw .cannotOpen(path: path, underlying: String(describing: error))
        }
    }

    /// Reads every page of the database (`PRAGMA quick_check`) and throws `.corrupt` on damage.
    /// Takes time in proportion to the index (0.05 s at 19k Reuters articles on 2 cores), so the
    /// daemon runs it after announcing itself ready, before ingest writes anything.
    public func verify() throws(IndexError) {
        try Self.reading(path) {
            let check = try pool.read { try String.fetchAll($0, sql: "PRAGMA quick_check") }
            guard check == ["ok"] else { throw IndexError.corrupt(path: path, detail: check.prefix(3).joined(separator: "; ")) }
        }
    }

    /// Moves a damaged database's files aside (never deletes them) and opens a new, empty one in
    /// their place; returns where the old one went. Meant for start-up, before ingest writes: a
    /// query running meanwhile ends with an answer from the old file or an error, never a crash.
    public func replaceDamaged() throws(IndexError) -> String {
        // The old pool stays open until `close()`: a search may hold it, and GRDB's `close()`
        // does not wait for reads that already took a connection (it frees the connection under
        // them). Its open connections keep reading the moved file; readers it opens later (they
        // open read-only, so never create a file) read the new one.
        let aside = try Self.moveAside(path)
        let fresh = try Self.open(path, watch: logWatch)
        let old = database.withLock { current in
            defer { current = fresh }
            return current
        }
        retired.withLock { $0.append((old.pool, old.checkpointer)) }
        return aside
    }

    /// Moves a database and its write-ahead log and shared-memory files to `<path>.corrupt-<time>`
    /// (with `-2`, `-3`… when that name is taken: an earlier copy is never overwritten).
    public static func moveAside(_ path: String) throws(IndexError) -> String {
        let stem = path + ".corrupt-\(Int(Date().timeIntervalSince1970))"
        var aside = stem
        var number = 1
        while ["", "-wal", "-shm"].contains(where: { FileManager.default.fileExists(atPath: aside + $0) }) {
            number += 1
            aside = stem + "-\(number)"
        }
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            guard rename(path + suffix, aside + suffix) == 0 else {
                throw .cannotOpen(path: path, underlying: "the damaged database cannot be moved aside: \(String(cString: strerror(errno)))")
            }
        }
        return aside
    }

    // MARK: Writing

    /// Applies changes in one transaction: a burst of files costs one commit.
    /// A failed write is rolled back whole and reported as `IndexError.diskFull` or `.writeFailed`.
    @discardableResult
    public func apply(_ changes: [IndexChange], now: Double) throws(IndexError) -> [AppliedChange] {
        try apply(changes, now: now, clock: QueryClock(now: now, utcOffset: 0), watches: []).changes
    }

    /// Applies changes in one transaction, as `apply(_:now:)`, and matches the articles it adds
    /// against every alert (recording each match once, in the same transaction: a match is never
    /// lost to a crash nor recorded twice) and against `watches` (returned). `clock` gives
    /// relative dates in alerts their meaning.
    public func apply(_ changes: [IndexChange], now: Double, clock: QueryClock, watches: [StandingQuery]) throws(IndexError) -> AppliedBatch {
        do {
            return try write(changes, now: now, clock: clock, watches: watches)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL {
            throw .diskFull(path: path)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
            throw .lockedByAnother(path: path)
        } catch let error as DatabaseError where [.SQLITE_CORRUPT, .SQLITE_NOTADB].contains(error.resultCode) {
            throw .corrupt(path: path, detail: error.message ?? "\(error.resultCode)")
        } catch let error as IndexError {
            throw error
        } catch {
            throw .writeFailed("\(error)")
        }
    }

    private func write(_ changes: [IndexChange], now: Double, clock: QueryClock, watches: [StandingQuery]) throws -> AppliedBatch {
        try heartbeat.write(pool, journalsInMemory: true) { db in
            var orphanCandidates = Set<Int64>()
            var applied: [AppliedChange] = []
            var stories = StoryBook(db)
            var fullText = PendingFullText()
            for change in changes {
                switch change {
                case .upsert(let path, let stamp, let article):
                    orphanCandidates.formUnion(try detachMembers(db, of: path))
                    applied.append(try upsert(db, path: path, stamp: stamp, article: article, now: now,
                                              orphans: &orphanCandidates, stories: &stories, fullText: &fullText))
                case .upsertMembers(let path, let stamp, let members, let skipped, let skippedReasons):
                    if let old = try detachFile(db, path: path) { orphanCandidates.insert(old) }
                    let kept = Set(members.map { "\(path)#\($0.key)" })
                    orphanCandidates.formUnion(try detachMembers(db, of: path, keeping: kept))
                    for member in members {
                        let change = try upsert(db, path: "\(path)#\(member.key)", stamp: stamp, article: member.article, container: path,
                                                now: now, orphans: &orphanCandidates, stories: &stories, fullText: &fullText)
                        if change.outcome != .unchanged { applied.append(change) }
                    }
                    // An upsert, not `INSERT OR REPLACE`: the tally triggers see the change.
                    try db.cachedStatement(sql: """
                        INSERT INTO container(path, inode, size, mtimeNs, ctimeNs, articles, skipped, skippedReasons)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT(path) DO UPDATE SET inode = excluded.inode, size = excluded.size, mtimeNs = excluded.mtimeNs,
                            ctimeNs = excluded.ctimeNs, articles = excluded.articles, skipped = excluded.skipped,
                            skippedReasons = excluded.skippedReasons
                        """).execute(arguments: [path, Int64(bitPattern: stamp.inode), stamp.size, stamp.mtimeNs, stamp.ctimeNs, members.count,
                                         skipped, skippedReasons])
                    if skipped > 0 {
                        applied.append(AppliedChange(path: path, outcome: .failed, articleId: nil,
                                                     failure: (Self.entriesSkippedCode, skippedReasons ?? "\(skipped) entries could not be read")))
                    }
                    try db.execute(sql: "DELETE FROM failure WHERE path = ?", arguments: [path])
                case .failed(let path, let stamp, let code, let reason):
                    if let old = try detachFile(db, path: path) { orphanCandidates.insert(old) }
                    orphanCandidates.formUnion(try detachMembers(db, of: path))
                    try db.cachedStatement(sql: """
                        INSERT INTO failure(path, code, reason, inode, size, mtimeNs, ctimeNs, failedAt)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT(path) DO UPDATE SET code = excluded.code, reason = excluded.reason, inode = excluded.inode,
                            size = excluded.size, mtimeNs = excluded.mtimeNs, ctimeNs = excluded.ctimeNs, failedAt = excluded.failedAt
                        """).execute(arguments: [path, code, reason, Int64(bitPattern: stamp.inode), stamp.size, stamp.mtimeNs, stamp.ctimeNs, now])
                    applied.append(AppliedChange(path: path, outcome: .failed, articleId: nil, failure: (code, reason)))
                case .remove(let path):
                    orphanCandidates.formUnion(try detachMembers(db, of: path))
                    let old = try detachFile(db, path: path)
                    try db.execute(sql: "DELETE FROM failure WHERE path = ?", arguments: [path])
                    if let old { orphanCandidates.insert(old) }
                    applied.append(AppliedChange(path: path, outcome: .removed, articleId: old))
                }
            }
            try fullText.flush(db)
            // An article goes when its last file goes. Done last, so that a file renamed
            // within one batch (removed, then added) keeps its article and id.
            for id in orphanCandidates {
                let files = try Int.fetchOne(db, sql: "SELECT count(*) FROM file WHERE articleId = ?", arguments: [id]) ?? 0
                if files == 0 { try stories.remove(articleId: id) }
            }
            try stories.finish()
            let fresh = Set(applied.lazy.filter { $0.outcome == .indexed }.compactMap(\.articleId))
            guard !fresh.isEmpty else { return AppliedBatch(changes: applied, watchMatches: [], alertMatches: 0) }
            let percolator = Percolator(fresh: fresh)
            let alertMatches = try recordAlertMatches(db, percolator, clock: clock, now: now)
            var watchMatches: [StandingMatch] = []
            for watch in watches {
                watchMatches += try percolator.matches(db, watch.query).map { StandingMatch(key: watch.key, articleId: $0) }
            }
            return AppliedBatch(changes: applied, watchMatches: watchMatches, alertMatches: alertMatches)
        }
    }

    /// Cached statements throughout: a burst runs these thousands of times, and parsing the SQL
    /// (with the triggers behind it) each time showed in the writer's profile.
    private func upsert(_ db: Database, path: String, stamp: FileStamp, article: IndexableArticle, container: String? = nil,
                        now: Double, orphans: inout Set<Int64>, stories: inout StoryBook,
                        fullText: inout PendingFullText) throws -> AppliedChange {
        let previous = try Int64.fetchOne(db.cachedStatement(sql: "SELECT articleId FROM file WHERE path = ?"), arguments: [path])
        let sameText = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM article WHERE contentHash = ?"),
                                          arguments: [StoredContentHash.value(article.contentHash)])
        let articleId: Int64
        let outcome: AppliedChange.Outcome
        let metadata: [DatabaseValueConvertible?] = [article.outlet, article.byline, article.articleDay, article.storedDateKind,
                                                     article.url, article.language]
        if let sameText {
            articleId = sameText
            outcome = previous == sameText ? .unchanged : .duplicate
            if outcome == .unchanged {
                // Read again (after an upgrade, say): a newer extractor may know more about the same text.
                let differs = try Bool.fetchOne(db.cachedStatement(sql: """
                    SELECT EXISTS (SELECT 1 FROM article WHERE id = ?7 AND (outlet IS NOT ?1 OR byline IS NOT ?2 OR articleDay IS NOT ?3
                                   OR dateKind IS NOT ?4 OR url IS NOT ?5 OR language IS NOT ?6))
                    """), arguments: StatementArguments(metadata + [sameText])) ?? false
                if differs {
                    try fullText.remove(db, id: sameText)
                    try db.cachedStatement(sql: """
                        UPDATE article SET outlet = ?, byline = ?, articleDay = ?, dateKind = ?, url = ?, language = ?
                        WHERE id = ?
                        """).execute(arguments: StatementArguments(metadata + [sameText]))
                    fullText.add(sameText)
                }
            }
        } else if let previous,
                  try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM file WHERE articleId = ?"), arguments: [previous]) == 1 {
            // The file was edited and nothing else holds its old text: keep the article id,
            // and place it again (its story may have changed with its text).
            try fullText.remove(db, id: previous)
            try stories.unplace(articleId: previous)
            try db.cachedStatement(sql: """
                UPDATE article SET contentHash = ?, headline = ?, encoding = NULLIF(?, '\(IndexSchema.utf8)'), wordCount = ?, ingestedAt = ?,
                    outlet = ?, byline = ?, articleDay = ?, dateKind = ?, url = ?, language = ?, fileTime = ?,
                    storyId = NULL, copyOf = NULL, copySimilarity = NULL
                WHERE id = ?
                """).execute(arguments: StatementArguments([StoredContentHash.value(article.contentHash), article.headline, article.encoding,
                                                    article.wordCount, now] + metadata + [article.fileTime, previous]))
            try storeText(db, article, id: previous)
            fullText.add(previous)
            articleId = previous
            outcome = .indexed
        } else {
            try db.cachedStatement(sql: """
                INSERT INTO article(contentHash, headline, encoding, wordCount, ingestedAt, outlet, byline,
                                    articleDay, dateKind, url, language, fileTime)
                VALUES (?, ?, NULLIF(?, '\(IndexSchema.utf8)'), ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: StatementArguments([StoredContentHash.value(article.contentHash), article.headline, article.encoding,
                                                    article.wordCount, now] + metadata + [article.fileTime]))
            articleId = db.lastInsertedRowID
            try storeText(db, article, id: articleId)
            fullText.add(articleId)
            outcome = .indexed
        }
        if let previous, previous != articleId { orphans.insert(previous) }
        try db.cachedStatement(sql: """
            INSERT INTO file(path, articleId, inode, size, mtimeNs, ctimeNs, container) VALUES (?1, ?2, ?3, ?4, ?5, NULLIF(?6, ?5), ?7)
            ON CONFLICT(path) DO UPDATE SET articleId = excluded.articleId, inode = excluded.inode, size = excluded.size,
                mtimeNs = excluded.mtimeNs, ctimeNs = excluded.ctimeNs, container = excluded.container
            """).execute(arguments: [path, articleId, Int64(bitPattern: stamp.inode), stamp.size, stamp.mtimeNs, stamp.ctimeNs, container])
        try db.cachedStatement(sql: "DELETE FROM failure WHERE path = ?").execute(arguments: [path])
        return AppliedChange(path: path, outcome: outcome, articleId: articleId, encoding: article.encoding)
    }

    /// Stores (or replaces) an article's compressed text and its fingerprint.
    private func storeText(_ db: Database, _ article: IndexableArticle, id: Int64) throws {
        // An upsert: the copies stored against the old text are stored whole first (see `IndexSchema.copyTextsSQL`).
        try db.cachedStatement(sql: """
            INSERT INTO article_text(id, body) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET body = excluded.body, base = NULL
            """).execute(arguments: [id, Data(texts.encode(article.body))])
        try db.cachedStatement(sql: IndexSchema.storeFingerprintSQL).execute(arguments: [id, Data(article.fingerprint)])
    }

    /// Removes the member rows of a multi-article file (all, or those not in `keeping`) and its
    /// container row when none is kept, returning the articles they pointed to.
    private func detachMembers(_ db: Database, of path: String, keeping: Set<String> = []) throws -> Set<Int64> {
        let rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT path, articleId FROM file WHERE container = ?"), arguments: [path])
        var orphans = Set<Int64>()
        for row in rows where !keeping.contains(row[0]) {
            try db.cachedStatement(sql: "DELETE FROM file WHERE path = ?").execute(arguments: [row[0] as String])
            orphans.insert(row[1])
        }
        if keeping.isEmpty { try db.cachedStatement(sql: "DELETE FROM container WHERE path = ?").execute(arguments: [path]) }
        return orphans
    }

    /// Removes the file row for `path`, returning the article it pointed to.
    private func detachFile(_ db: Database, path: String) throws -> Int64? {
        let old = try Int64.fetchOne(db.cachedStatement(sql: "SELECT articleId FROM file WHERE path = ?"), arguments: [path])
        if old != nil { try db.cachedStatement(sql: "DELETE FROM file WHERE path = ?").execute(arguments: [path]) }
        return old
    }

    /// Places articles that have no story yet (new, edited, or indexed by an older newsd) in one
    /// write transaction: the `limit` dated first of all that wait, in the order of their dates, no more
    /// once `budget` has passed, and none after `yield` (asked between articles) says that other
    /// work waits, so that a file arriving meanwhile waits about one article's placement. What
    /// placing gathers (story-key filings, story counts and dates) is written every `flushEvery`
    /// articles and at the end. Returns how many it placed: 0 when none wait.
    ///
    /// By date across transactions, not in the order files were indexed (a folder's listing
    /// order, after a load, spans every day in each transaction): articles of one week share
    /// their candidates, so the fingerprints decoded for one (`StorySurveyor`) serve the next,
    /// the story keys' rows of a day are written by few transactions instead of by each, and
    /// the stories of a load placed after it ends do not depend on the order its files were
    /// indexed in.
    ///
    /// While articles wait, the writer's page cache is `placementCacheKiB(fileBytes:)`, and that
    /// of the reader that surveys ahead (`PlacementForecast`) `surveyCacheKiB`: placement reads
    /// the story keys, fingerprints and article rows of candidates all over the file, and with
    /// SQLite's default 2 MB most of those reads were system calls. When none wait, the caches
    /// go back to the default and their memory is returned.
    @discardableResult
    public func placeStories(limit: Int, budget: Duration = .seconds(3600), yield: () -> Bool = { false }) throws -> Int {
        try placeStories(limit: limit, budget: budget, flushEvery: Self.placementFlushEvery, yield: yield)
    }

    /// `placeStories(limit:budget:yield:)`, writing what placing gathers every `flushEvery`
    /// articles (0: only at the end). `forecastOn`: runs a job on a thread other than the
    /// caller's; given, a transaction of at least `forecastMinimum` articles surveys them there
    /// ahead of the writer (`PlacementForecast`), which places the same way, on two cores.
    @discardableResult
    public func placeStories(limit: Int, budget: Duration = .seconds(3600), flushEvery: Int, forecastOn: JobRunner? = nil,
                             yield: () -> Bool = { false }) throws -> Int {
        let deadline = ContinuousClock.now + budget
        let pool = self.pool
        let heartbeat = self.heartbeat
        let report = surveyFailure.withLock { $0 }
        let failed: @Sendable (any Error) -> Void = { report?($0) }
        return try heartbeat.write(pool, journalsInMemory: true) { db in
            let ids = try Int64.fetchAll(db, sql: """
                SELECT id FROM article INDEXED BY article_unplaced_by_day WHERE storyId IS NULL ORDER BY articleDay, id LIMIT ?
                """, arguments: [limit])
            guard !ids.isEmpty else {
                try db.execute(sql: "PRAGMA cache_size = \(-Self.defaultCacheKiB); PRAGMA shrink_memory")
                return 0
            }
            let fileBytes = try Int64.fetchOne(db, sql: "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()") ?? 0
            try db.execute(sql: "PRAGMA cache_size = \(-Self.placementCacheKiB(fileBytes: fileBytes))")
            var stories = StoryBook(db)
            var placed = 0
            var forecast = ids.count >= Self.forecastMinimum ? forecastOn.map { PlacementForecast(pool: pool, ids: ids, cacheKiB: Self.surveyCacheKiB, heartbeat: heartbeat, failed: failed, run: $0) } : nil
            defer { forecast?.stop() }
            for id in ids {
                let item = stories.forecastsHold ? forecast?.next() : nil
                if item == nil, let ended = forecast {
                    ended.stop()
                    forecast = nil
                }
                if case .survey(let survey, let keys)? = item, survey.articleId == id {
                    try stories.place(articleId: id, forecast: (survey, keys))
                } else {
                    try stories.place(articleId: id)
                }
                placed += 1
                if ContinuousClock.now >= deadline || yield() { break }
                // Written as it goes, so that a file arriving in a long transaction waits for
                // little more than one article.
                if flushEvery > 0, placed % flushEvery == 0 { try stories.finish() }
            }
            try stories.finish()
            return placed
        }
    }

    /// Runs a job on another thread (see `placeStories`).
    public typealias JobRunner = @Sendable (@escaping @Sendable () -> Void) -> Void

    /// Articles in one placement transaction from which it is worth surveying them ahead on
    /// another thread.
    public static let forecastMinimum = 64

    /// Articles placed between two writes of what a placement transaction gathers (see
    /// `placeStories`): more articles per write share more story keys' rows, for less
    /// placement time in all.
    public static let placementFlushEvery = 256

    /// The writer's page cache while placing, in KiB, for an index file of `fileBytes`: a
    /// quarter of the file, within `placementCacheKiBRange`. The candidates placement reads lie
    /// all over the file, and the articles it updates with them: in a large archive a cache of
    /// a fixed size evicts both, to be read back, or written out before the commit and again.
    static func placementCacheKiB(fileBytes: Int64) -> Int {
        let quarter = Int(clamping: max(fileBytes, 0) / 4 / 1024)
        return min(max(quarter, placementCacheKiBRange.lowerBound), placementCacheKiBRange.upperBound)
    }

    /// The smallest and largest page cache placement takes, in KiB.
    static let placementCacheKiBRange = 32768...262144
    /// The page cache of the reader that surveys ahead of placement, in KiB: what it reads again
    /// is the fingerprints and story keys of candidates within the story window, which do not
    /// grow with the archive as the writer's reads do.
    static let surveyCacheKiB = 32768
    /// SQLite's default page cache, in KiB.
    static let defaultCacheKiB = 2000

    /// Does up to `pages` leaf pages of full-text segment merging in one write transaction and
    /// returns whether there was any to do. A bulk load leaves FTS5 with levels full of small
    /// segments; left alone, single-file writes later pay for merging them, and an occasional
    /// drop waited over 100 ms (`Benchmarks/drop-latency`, 19k Reuters, 2 cores, right after a
    /// bulk load: p99 37.4 ms, max 124.8 ms; with FTS5's `optimize` first: p99 5.1, max 8.1; with
    /// these merge steps run while idle: p99 4.2, max 18.8). Run while idle, in small steps,
    /// until it returns false.
    @discardableResult
    public func mergeFullText(pages: Int) throws -> Bool {
        try heartbeat.write(pool) { db in
            let before = db.totalChangesCount
            // FTS5's own rule: levels holding `usermerge` (4) segments or more are merged.
            try db.execute(sql: "INSERT INTO article_fts(article_fts, rank) VALUES ('merge', ?)", arguments: [pages])
            // The command itself counts as one change; merging work adds more (FTS5 documents
            // total_changes as the way to tell).
            return db.totalChangesCount - before >= 2
        }
    }

    /// Whether the full-text index should be rewritten as one segment (`consolidateFullText`):
    /// when its segments other than the largest hold at least a quarter as much as the largest.
    /// Every lookup of a term by article (the page's snippets) and every match list is read
    /// from each segment in turn, so after a bulk load, whose segments merging by levels leaves
    /// side by side, searches pay for each of them. The quarter bounds the cost: the index is
    /// rewritten only after it has grown by a quarter since it was last one segment.
    /// Segments are weighed by their entries in FTS5's `_idx` table (one per leaf page that
    /// starts with a new term): read from a table of a few thousand rows, not the segments.
    public func fullTextWantsConsolidating() throws -> Bool {
        try pool.read { db in
            let sizes = try Int.fetchAll(db, sql: "SELECT count(*) FROM article_fts_idx GROUP BY segid")
            guard sizes.count > 1, let largest = sizes.max() else { return false }
            return (sizes.reduce(0, +) - largest) * Self.consolidationShare >= largest
        }
    }

    /// `fullTextWantsConsolidating` is true once the other segments hold 1/this of the largest.
    static let consolidationShare = 4

    /// Does up to `pages` leaf pages of rewriting the full-text index into a single segment in
    /// one write transaction (FTS5's `merge` with a negative page count: an incremental
    /// `optimize`), and returns whether there was any to do. Run while idle, in small steps,
    /// until it returns false; a step left unfinished is taken up by the next, or by the level
    /// merges of `mergeFullText`. Changes no search result.
    @discardableResult
    public func consolidateFullText(pages: Int) throws -> Bool {
        try heartbeat.write(pool) { db in
            let before = db.totalChangesCount
            try db.execute(sql: "INSERT INTO article_fts(article_fts, rank) VALUES ('merge', ?)", arguments: [-max(pages, 1)])
            return db.totalChangesCount - before >= 2
        }
    }

    /// Whether any article waits to be placed (true when that cannot be read: then placement
    /// itself runs and reports the error).
    public var hasUnplacedArticles: Bool {
        (try? pool.read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM article WHERE storyId IS NULL)") }) ?? true
    }

    // MARK: Reading

    /// A stamp's status-change time as read from a row: a file's is NULL when it equals the
    /// modification time (schema v28), which it nearly always does.
    static let ctime = "coalesce(ctimeNs, mtimeNs)"

    /// The stamp of every indexed or failed file below `subtree` (`""`: all), for reconciliation;
    /// `onProgress` is called every `stampsPerProgress` rows, so that reading those of a large
    /// archive is not taken for a stall.
    public func knownStamps(under subtree: String = "", onProgress: @escaping @Sendable () -> Void = {}) throws -> [String: FileStamp] {
        // Paths below "dir" sort between "dir/" and "dir0" ('0' follows '/'), so the primary key serves the range.
        let (filter, arguments): (String, StatementArguments) = subtree.isEmpty
            ? ("", [])
            : ("WHERE path >= ? AND path < ?", [subtree + "/", subtree + "0"])
        return try pool.read { db in
            var stamps: [String: FileStamp] = [:]
            var rowsRead = 0
            for table in ["file", "failure", "container"] {
                // Members of a multi-article file are known through their container's stamp.
                let members = table == "file" ? (filter.isEmpty ? "WHERE container IS NULL" : "AND container IS NULL") : ""
                let rows = try Row.fetchCursor(db, sql: "SELECT path, inode, size, mtimeNs, \(Self.ctime) FROM \(table) \(filter) \(members)",
                                               arguments: arguments)
                while let row = try rows.next() {
                    stamps[row[0]] = FileStamp(inode: UInt64(bitPattern: row[1]), size: row[2], mtimeNs: row[3], ctimeNs: row[4])
                    rowsRead += 1
                    if rowsRead % Self.stampsPerProgress == 0 { onProgress() }
                }
            }
            return stamps
        }
    }

    /// Rows of `knownStamps` between two calls of its `onProgress`.
    public static let stampsPerProgress = 4096

    /// Counts for the status call.
    public func counts() throws -> (articles: Int, files: Int, failed: Int) {
        try pool.read { db in
            let articles = try RowTally.read(db, .articles)
            let files = try RowTally.read(db, .files)
            return (articles, files, try RowTally.read(db, .failed))
        }
    }

    /// The failure code of files newsd does not read (a `.docx`, a photo): recorded, so that
    /// status counts them and `failures --ignored` lists them, but not counted as failures.
    public static let ignoredCode = "ignored"

    /// The failure code of a multi-article file some of whose entries could not be read (the
    /// others are indexed): listed with the failures, with the first few reasons.
    public static let entriesSkippedCode = "entries-skipped"

    /// Recorded failures, multi-article files with entries skipped among them (or, with
    /// `ignored`, the files of formats newsd does not read), ordered by path.
    public func failures(limit: Int = 1000, ignored: Bool = false) throws -> [FailureRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT path, code, reason, inode, size, mtimeNs, ctimeNs FROM failure WHERE (code = ?) = ?
                UNION ALL
                SELECT path, '\(Self.entriesSkippedCode)',
                       skipped || ' of ' || (skipped + articles) || ' entries could not be read (the others are indexed): '
                           || coalesce(skippedReasons, ''),
                       inode, size, mtimeNs, ctimeNs
                FROM container WHERE skipped > 0 AND NOT ?
                ORDER BY path LIMIT ?
                """, arguments: [Self.ignoredCode, ignored, ignored, limit]).map(FailureRecord.init(row:))
        }
    }

    /// Bytes of the database file alone (not its write-ahead log, whose size says how much was
    /// written lately, not how big the archive is).
    func databaseFileBytes() -> Int64 {
        var info = stat()
        return stat(path, &info) == 0 ? Int64(info.st_size) : 0
    }

    /// Bytes on disk: the database, its write-ahead log and shared-memory file.
    public func sizeOnDisk() -> Int64 {
        [path, path + "-wal", path + "-shm"].reduce(0) { total, file in
            var info = stat()
            return stat(file, &info) == 0 ? total + Int64(info.st_size) : total
        }
    }

    /// Log frames (pages of 4 KiB) beyond which the committing writer checkpoints: 40 MiB,
    /// ten times SQLite's default, reached only under back-to-back writes that no checkpoint
    /// beside the writer keeps up with.
    static let writerCheckpointFrames = 10_000

    /// Frames in the write-ahead log after the writer's last commit (see `WriteAheadLogWatch`):
    /// while the writer works without pause, a checkpoint beside it (`checkpoint()`) once this
    /// passes `busyCheckpointFrames` spares the commit that would otherwise pass
    /// `writerCheckpointFrames` a checkpoint of its own, and the file the next commit waits for.
    public var writeAheadLogFrames: Int { logWatch.frameCount }

    /// Frames (4 KiB pages) in the log past which a working writer's log is checkpointed beside it.
    public static let busyCheckpointFrames = 2_500

    /// Copies the pages committed to the write-ahead log into the database, on a connection
    /// of its own. PASSIVE (the default) never waits for, nor holds up, the writer or readers.
    /// `truncating` also empties the log file when no one is using it; it holds the writer for
    /// the time it takes, so it is for idle moments. Returns whether the whole log was copied
    /// (false when a reader or the writer was in the way: the next checkpoint goes on).
    @discardableResult
    public func checkpoint(truncating: Bool = false) throws(IndexError) -> Bool {
        do {
            let checkpointer = database.withLock { $0.checkpointer }
            let result = try checkpointer.writeWithoutTransaction { try $0.checkpoint(truncating ? .truncate : .passive) }
            return result.checkpointedFrameCount == result.walFrameCount
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
            return false
        } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL {
            throw .diskFull(path: path)
        } catch {
            throw .writeFailed("checkpoint: \(error)")
        }
    }

    /// Lets go of memory kept for speed: SQLite's page caches (idle readers close and reopen
    /// when next needed), zstd's contexts, and the current dictionary's compression tables
    /// (made again by the next text stored). Called when newsd has gone quiet after work.
    public func releaseMemory() {
        pool.releaseMemoryEventually()
        database.withLock { $0.checkpointer }.releaseMemory()
        texts.current?.releaseCompression()
        ZstdContexts.shared.releaseIdle()
    }

    /// Closes the database; later calls fail. Called once at shutdown.
    public func close() throws {
        let (pool, checkpointer) = database.withLock { ($0.pool, $0.checkpointer) }
        for (oldPool, oldCheckpointer) in retired.withLock({ $0 }) {
            try? oldCheckpointer.close()
            try? oldPool.close()
        }
        try checkpointer.close()
        try pool.close()
    }
}

extension ArticleIndex {
    /// The recorded stamps of just these paths (indexed or failed).
    public func knownStamps(for paths: [String]) throws -> [String: FileStamp] {
        try pool.read { db in
            // One statement, prepared once per connection, for every path: a batch of events
            // looks up each of its paths, and three statements compiled anew for each path
            // were work that a prepared statement does once.
            let lookup = try db.cachedStatement(sql: Self.stampLookup)
            var stamps: [String: FileStamp] = [:]
            for path in paths {
                let rows = try Row.fetchCursor(lookup, arguments: [path])
                // A path recorded in more than one table takes the stamp of the last, as reconciliation does.
                while let row = try rows.next() {
                    stamps[path] = FileStamp(inode: UInt64(bitPattern: row[0]), size: row[1], mtimeNs: row[2], ctimeNs: row[3])
                }
            }
            return stamps
        }
    }

    /// One path's recorded stamps, in `knownStamps(under:)`'s order of tables.
    private static let stampLookup = ["file", "failure", "container"].enumerated()
        .map { "SELECT inode, size, mtimeNs, \(ctime), \($0.offset) AS tableOrder FROM \($0.element) WHERE path = ?1" }
        .joined(separator: " UNION ALL ") + " ORDER BY tableOrder"
}
