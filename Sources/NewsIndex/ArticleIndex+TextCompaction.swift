import Foundation
import GRDB

/// When the archive gets a compression dictionary for its text, and how big it is.
public struct TextDictionaryPolicy: Sendable {
    /// The first dictionary is trained once the archive holds this many articles: fewer give
    /// too little to learn from, and until then the text is deflated.
    public var minimumArticles = 1_000
    /// A new dictionary is trained once the archive holds this many times the articles the
    /// newest was trained at (1,000, 8,000, 64,000…), so it follows what the archive became.
    public var growth = 8
    /// At most this many bytes of dictionary: zstd's own default size, which
    /// `Benchmarks/text-compression` prints beside a smaller one.
    public var capacity = 110 * 1024
    /// Samples read for training, spread over the archive, and the bytes kept of each. Training
    /// time grows with the sample (zstd's fast COVER with its default search), so it is bounded.
    public var maximumSamples = 4_000
    public var sampleBytes = 8 * 1024
    /// Texts recompressed per transaction.
    public var recompressBatch = 500
    /// The file is rewritten once copies stored as differences freed this many bytes and this
    /// share of it: below that, the room is left for the archive to grow into.
    public var rewriteAfterFreedBytes: Int64 = 4 << 20
    public var rewriteAfterFreedPercent = 5
    /// The file is also rewritten once its slack (`FileSlack`: free pages, room in pages for
    /// more rows) is this share of it and this many bytes; measured once after start and again
    /// each time the file grew by `slackMeasuredAfterGrowthPercent`.
    public var rewriteAfterSlackPercent = 5
    public var rewriteAfterSlackBytes: Int64 = 1 << 20
    public var slackMeasuredAfterGrowthPercent = 10

    public init() {}

    public static let standard = TextDictionaryPolicy()
}

/// What one step of `ArticleIndex.compactText` did.
public enum TextCompaction: Sendable, Equatable {
    /// Nothing was due.
    case none
    /// A dictionary was trained on `samples` texts of an archive of `articles`.
    case trained(dictionaryBytes: Int, samples: Int, articles: Int)
    /// No dictionary could be trained from the archive's text as it is (too little, or too
    /// uniform); tried again once the archive has doubled.
    case declined(articles: Int)
    /// Texts stored before the newest dictionary were rewritten with it: `texts` of them in
    /// this step, `unreadable` could not be read and were left as they were; `finished` once
    /// every older text is done.
    case recompressed(texts: Int, unreadable: Int, finished: Bool)
    /// Articles whose copy group changed were looked at (`examined`); the texts of `stored` of
    /// them are now stored as their differences from the texts they copy, and the fingerprints
    /// of `fingerprints` of them likewise.
    case copiesStored(examined: Int, stored: Int, fingerprints: Int)
    /// The file was rewritten (`VACUUM`) to give back room, for `reason`: it went from
    /// `bytesBefore` to `bytesAfter` on disk.
    case rewritten(bytesBefore: Int64, bytesAfter: Int64, reason: FileRewriteReason)
}

/// Why `ArticleIndex.compactText` rewrote the file.
public enum FileRewriteReason: String, Sendable {
    /// Copies stored as differences freed room (`TextDictionaryPolicy.rewriteAfterFreedBytes`).
    case copiesStored = "copies-stored"
    /// Free pages and unused room in pages came to a share of the file (`FileSlack`).
    case slack
}

extension ArticleIndex {
    /// One step of keeping stored text small, for the writer while newsd is idle: recompresses
    /// a batch of texts stored before the newest dictionary or since the last pass (ingest
    /// compresses quickly, this pass tightly: `TextDictionary.Effort`), else trains a dictionary
    /// when one is due (`policy`). Returns `.none` when there is nothing to do; call it again
    /// otherwise.
    ///
    /// With no dictionary work left: copies that regrouping left whole (see
    /// `IndexSchema.copyTextsSQL`), in batches, then the file's rewrite once they freed enough,
    /// or once its slack is measured worth it (`FileSlack`).
    ///
    /// Only the stored form changes: the full-text index reads text through `newsd_inflate`,
    /// which reads every form, so no search result or snippet changes.
    ///
    /// After `stopIdleWork`, throws `IndexError.stopping`, the step running then included.
    @discardableResult
    public func compactText(policy: TextDictionaryPolicy) throws -> TextCompaction {
        try IdleWorkStop.stoppingAsIndexError {
            try idleWork.check()
            return try compactionStep(policy: policy)
        }
    }

    private func compactionStep(policy: TextDictionaryPolicy) throws -> TextCompaction {
        let state = try compactionState()
        if let (dictionary, newest) = unfinishedPass(state) {
            return try recompress(with: dictionary, from: newest.recompressedThrough, through: state.newestText, batch: policy.recompressBatch)
        }
        let trained = try train(ifDue: state, policy: policy)
        guard trained == .none else { return trained }
        if state.copiesWaiting { return try storeCopies(after: state.copyCursor, batch: policy.recompressBatch) }
        if rewriteDue(state, policy: policy) { return try rewriteFile(freedBytes: state.freedBytes, reason: .copiesStored) }
        guard try slackWorthRewriting(policy: policy) else { return .none }
        return try rewriteFile(freedBytes: state.freedBytes, reason: .slack)
    }

    /// Measures the file's slack when it is due (`SlackGauge`), and whether that is worth a rewrite.
    private func slackWorthRewriting(policy: TextDictionaryPolicy) throws -> Bool {
        guard slackGauge.due(fileBytes: databaseFileBytes(), growthPercent: policy.slackMeasuredAfterGrowthPercent) else { return false }
        let slack = try pool.read { try FileSlack.measure($0) }
        slackGauge.measured(fileBytes: databaseFileBytes())
        return slack?.worthRewriting(percent: policy.rewriteAfterSlackPercent, minimumBytes: policy.rewriteAfterSlackBytes) ?? false
    }

    /// Whether copies stored as differences freed enough room to rewrite the file for: a row
    /// shrunk in place leaves its page part empty, and SQLite joins pages only once they are
    /// two-thirds empty, so the room comes back only when the file is rewritten.
    private func rewriteDue(_ state: CompactionState, policy: TextDictionaryPolicy) -> Bool {
        state.freedBytes >= policy.rewriteAfterFreedBytes && state.freedBytes * 100 >= sizeOnDisk() * Int64(policy.rewriteAfterFreedPercent)
            && texts.mayRewrite(freedBytes: state.freedBytes)
    }

    /// Rewrites the file (`VACUUM`: the writer waits for it), then empties the write-ahead log,
    /// which held the whole file meanwhile. A rewrite needs room for a second copy of the file;
    /// when it fails it is not tried again until more is freed (for copies) or the file has
    /// grown (for slack: its gauge was set when measured).
    private func rewriteFile(freedBytes: Int64, reason: FileRewriteReason) throws -> TextCompaction {
        let before = sizeOnDisk()
        do {
            try pool.writeWithoutTransaction { db in
                try idleWork.interruptible(db) {
                    try heartbeat.watching(db) { try db.execute(sql: "VACUUM") }
                }
                try db.execute(sql: "UPDATE copy_text_cursor SET freedBytes = 0")
            }
        } catch let stopped as IdleWorkStop.Stopped {
            // Not a failure: tried again after the next start.
            throw stopped
        } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL {
            if reason == .copiesStored { texts.rewriteFailed(freedBytes: freedBytes) }
            throw IndexError.diskFull(path: path)
        } catch {
            if reason == .copiesStored { texts.rewriteFailed(freedBytes: freedBytes) }
            throw error
        }
        // Readers in the way leave the log for the idle checkpoint to empty.
        _ = try? checkpoint(truncating: true)
        slackGauge.measured(fileBytes: databaseFileBytes())
        return .rewritten(bytesBefore: before, bytesAfter: sizeOnDisk(), reason: reason)
    }

    /// Whether text stored before the newest dictionary waits to be recompressed, a dictionary
    /// is due, copies wait to be looked at, or the file's slack to be measured (true when that
    /// cannot be read: `compactText` then reports the error).
    public func hasTextToCompact(policy: TextDictionaryPolicy) -> Bool {
        guard let state = try? compactionState() else { return true }
        return unfinishedPass(state) != nil || dueArticles(state, policy: policy) != nil || state.copiesWaiting
            || rewriteDue(state, policy: policy)
            || slackGauge.due(fileBytes: databaseFileBytes(), growthPercent: policy.slackMeasuredAfterGrowthPercent)
    }

    /// Stores as differences the texts and fingerprints of the copies among the next `batch`
    /// articles of the copy-group log; a group's first article stored as a difference from a
    /// former first is stored whole for it (see `IndexSchema.storeWholeStatements`).
    /// A log that dropped entries before they were looked at leaves those copies whole: that
    /// costs room, never a text.
    private func storeCopies(after cursor: Int64, batch: Int) throws -> TextCompaction {
        try heartbeat.write(pool) { db in try idleWork.interruptible(db) {
            let entries = "SELECT seq, id FROM copy_group_change WHERE seq > ?1 ORDER BY seq LIMIT ?2"
            let (examined, reached) = try Row.fetchOne(db, sql: "SELECT count(*), max(seq) FROM (\(entries))", arguments: [cursor, batch])
                .map { ($0[0] as Int, $0[1] as Int64? ?? cursor) } ?? (0, cursor)
            // Only copies whose text or fingerprint is still stored whole (placing stores neither
            // as a difference: that is done here).
            let whole = try Row.fetchAll(db, sql: """
                SELECT DISTINCT e.id, a.copyOf, t.base IS NULL, f.base IS NULL FROM (\(entries)) e
                JOIN article a ON a.id = e.id AND a.copyOf IS NOT NULL
                JOIN article_text t ON t.id = e.id
                JOIN article_fingerprint f ON f.id = e.id
                WHERE t.base IS NULL OR f.base IS NULL
                """, arguments: [cursor, batch])
            let differences = "SELECT count(*) FROM article_text WHERE base IS NOT NULL"
            let before = try Int.fetchOne(db, sql: differences) ?? 0
            var fingerprints = 0
            func run(_ statements: [String], _ arguments: StatementArguments) throws {
                for sql in statements { try db.cachedStatement(sql: sql).execute(arguments: arguments) }
            }
            for row in whole {
                try idleWork.check()
                let (id, copyOf, textWhole, fingerprintWhole): (Int64, Int64, Bool, Bool) = (row[0], row[1], row[2], row[3])
                let pair: StatementArguments = ["first": copyOf, "copy": id]
                if textWhole {
                    try run(IndexSchema.storeWholeStatements(.text), pair)
                    try db.execute(sql: IndexSchema.storeAsCopySQL(article: "\(id)", of: "\(copyOf)"))
                }
                if fingerprintWhole {
                    try run(IndexSchema.storeWholeStatements(.fingerprint), pair)
                    try run(IndexSchema.storeFingerprintAsCopyStatements, pair)
                    fingerprints += db.changesCount
                }
            }
            let stored = try (Int.fetchOne(db, sql: differences) ?? 0) - before
            try db.execute(sql: "UPDATE copy_text_cursor SET seq = ?", arguments: [reached])
            return .copiesStored(examined: examined, stored: stored, fingerprints: fingerprints)
        } }
    }

    /// Trains a dictionary if one is due, and compresses new text with it from then on; for the
    /// writer after each batch, so that a bulk load stores most of its text with a dictionary
    /// rather than leaving it all to be recompressed. Returns `.none` when none is due.
    /// After `stopIdleWork`, training that is due throws `IndexError.stopping`.
    @discardableResult
    public func trainTextDictionaryIfDue(policy: TextDictionaryPolicy) throws -> TextCompaction {
        try IdleWorkStop.stoppingAsIndexError { try train(ifDue: try compactionState(), policy: policy) }
    }

    private struct StoredDictionary {
        var id: Int64
        var articles: Int
        /// Texts up to this id are stored with it, as tightly as the idle pass stores them.
        var recompressedThrough: Int64
    }

    /// The newest stored dictionary and the archive's article count, read together.
    private struct CompactionState {
        var newest: StoredDictionary?
        var articles: Int
        /// The copy-group log's entry last looked at for copies to store as differences, and
        /// whether newer ones wait.
        var copyCursor: Int64
        var copiesWaiting: Bool
        /// Bytes copies stored as differences saved since the file was last rewritten.
        var freedBytes: Int64
        /// The highest id of a stored text.
        var newestText: Int64
    }

    private func compactionState() throws -> CompactionState {
        try pool.read { db in
            let newest = try Row.fetchOne(db, sql: """
                SELECT id, articles, recompressedThrough FROM text_dictionary ORDER BY trainedAt DESC, id DESC LIMIT 1
                """).map { StoredDictionary(id: $0[0], articles: $0[1], recompressedThrough: $0[2]) }
            let articles = try RowTally.read(db, .articles)
            let row = try Row.fetchOne(db, sql: "SELECT seq, freedBytes FROM copy_text_cursor")
            let cursor: Int64 = row?[0] ?? 0
            let waiting = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM copy_group_change WHERE seq > ?)", arguments: [cursor]) ?? false
            let newestText = try Int64.fetchOne(db, sql: "SELECT max(id) FROM article_text") ?? 0
            return CompactionState(newest: newest, articles: articles, copyCursor: cursor, copiesWaiting: waiting, freedBytes: row?[1] ?? 0,
                                   newestText: newestText)
        }
    }

    /// The newest dictionary, when texts stored before it or since the last pass wait and it
    /// is the one in use.
    private func unfinishedPass(_ state: CompactionState) -> (TextDictionary, StoredDictionary)? {
        guard let newest = state.newest, newest.recompressedThrough < state.newestText,
              let current = texts.current, current.id == newest.id else { return nil }
        return (current, newest)
    }

    /// The archive's article count when a dictionary is due, else nil.
    private func dueArticles(_ state: CompactionState, policy: TextDictionaryPolicy) -> Int? {
        let due = state.newest.map { state.articles >= $0.articles * policy.growth } ?? (state.articles >= policy.minimumArticles)
        return due && texts.mayTrain(articles: state.articles) ? state.articles : nil
    }

    private func train(ifDue state: CompactionState, policy: TextDictionaryPolicy) throws -> TextCompaction {
        guard let articles = dueArticles(state, policy: policy) else { return .none }
        return try train(articles: articles, policy: policy)
    }

    private func train(articles: Int, policy: TextDictionaryPolicy) throws -> TextCompaction {
        let texts = self.texts
        let samples = try pool.read { db -> [[UInt8]] in
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM article_text") ?? 0
            let step = max(1, count / policy.maximumSamples)
            // Copies are left out: their text is another's, and stored as a difference.
            let rows = try Data.fetchCursor(db, sql: "SELECT body FROM article_text WHERE id % ? = 0 AND base IS NULL ORDER BY id LIMIT ?",
                                            arguments: [step, policy.maximumSamples])
            var samples: [[UInt8]] = []
            while let body = try rows.next() {
                // A text that cannot be read teaches nothing; reading it elsewhere reports the damage.
                if let text = try? texts.decode(body, prefix: policy.sampleBytes) { samples.append(Array(text.utf8)) }
            }
            return samples
        }
        // One C call of up to a second on a loaded machine: the writer's heartbeat goes on
        // meanwhile, and a stop does not wait for it.
        let capacity = policy.capacity
        let idleWork = self.idleWork
        guard let trained = heartbeat.beating({ TextDictionary.train(samples: samples, capacity: capacity) },
                                              abandonedWhen: { idleWork.isStopped }) else { throw IdleWorkStop.Stopped() }
        guard let dictionary = trained else {
            texts.declined(articles: articles)
            return .declined(articles: articles)
        }
        let stored = try heartbeat.write(pool) { db -> Bool in
            if let existing = try Data.fetchOne(db, sql: "SELECT bytes FROM text_dictionary WHERE id = ?", arguments: [dictionary.id]) {
                // The same number for other bytes (one chance in two million): keep the one stored.
                return [UInt8](existing) == dictionary.bytes
            }
            let through = try Int64.fetchOne(db, sql: "SELECT max(id) FROM article_text") ?? 0
            try db.execute(sql: """
                INSERT INTO text_dictionary(id, bytes, trainedAt, articles, throughId, recompressedThrough) VALUES (?, ?, ?, ?, ?, 0)
                """, arguments: [dictionary.id, Data(dictionary.bytes), Date().timeIntervalSince1970, articles, through])
            // Known before the commit: a reader whose snapshot holds the dictionary finds it.
            texts.know(dictionary)
            return true
        }
        guard stored else {
            texts.declined(articles: articles)
            return .declined(articles: articles)
        }
        texts.use(dictionary)
        return .trained(dictionaryBytes: dictionary.bytes.count, samples: samples.count, articles: articles)
    }

    private func recompress(with dictionary: TextDictionary, from start: Int64, through end: Int64, batch: Int) throws -> TextCompaction {
        let texts = self.texts
        return try heartbeat.write(pool) { db in try idleWork.interruptible(db) {
            // A copy stored as a difference uses no dictionary, so it stays as it is.
            let rows = try Row.fetchAll(db, sql: "SELECT id, body, base IS NOT NULL FROM article_text WHERE id > ? AND id <= ? ORDER BY id LIMIT ?",
                                        arguments: [start, end, batch])
            var rewritten = 0
            var unreadable = 0
            for row in rows {
                try idleWork.check()
                let (id, body, isCopy): (Int64, Data, Bool) = (row[0], row[1], row[2])
                guard !isCopy else { continue }
                guard let text = try? texts.decode(body) else {
                    unreadable += 1
                    continue
                }
                let tighter = TextCompression.compress(text, dictionary: dictionary, effort: .idle)
                // Never larger: a text already stored this tightly, or one that does not compress, stays.
                guard tighter.count < body.count || TextCompression.dictionaryID(of: body) != dictionary.id else { continue }
                try db.cachedStatement(sql: "UPDATE article_text SET body = ? WHERE id = ?").execute(arguments: [Data(tighter), id])
                rewritten += 1
            }
            let reached: Int64 = rows.count < batch ? end : rows.last?[0] ?? end
            let finished = reached >= end
            if finished { dictionary.releaseIdleCompression() }
            try db.execute(sql: "UPDATE text_dictionary SET recompressedThrough = ?, unreadable = unreadable + ? WHERE id = ?",
                           arguments: [reached, unreadable, dictionary.id])
            if finished {
                // Every older text now uses the newest dictionary, unless some could not be read:
                // then the older ones stay, for whatever still needs them.
                try db.execute(sql: """
                    DELETE FROM text_dictionary WHERE id != ?1 AND (SELECT unreadable FROM text_dictionary WHERE id = ?1) = 0
                    """, arguments: [dictionary.id])
            }
            return .recompressed(texts: rewritten, unreadable: unreadable, finished: finished)
        } }
    }
}
