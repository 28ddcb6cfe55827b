import Logging
import NewsCore
import NewsIndex
import NewsPostgres

/// What the ingest writer needs of the archive. Called only on the writer's own thread
/// (`IndexWriterQueue`), never on Swift's cooperative pool: the embedded index does its SQLite
/// work right there; a shared archive waits there for its database.
protocol InboxStore: Sendable {
    /// The stamp of every file below `subtree` this host has indexed or recorded as failed,
    /// calling `onProgress` every few thousand rows.
    func knownStamps(under subtree: String, onProgress: @escaping @Sendable () -> Void) throws -> [String: FileStamp]
    /// The recorded stamps of just these paths.
    func knownStamps(for paths: [String]) throws -> [String: FileStamp]
    /// Writes one batch in one transaction; matches its new articles against `watches`.
    func apply(_ changes: [IndexChange], now: Double, clock: QueryClock, watches: [StandingQuery]) throws(IndexError) -> AppliedBatch
    /// Whether story placement has work.
    var hasUnplacedArticles: Bool { get }
    /// Places up to `limit` articles in stories within `budget`, writing what placing gathers
    /// every `flushEvery` articles and stopping early once `yield` says other work waits;
    /// returns how many. `forecastOn` runs the reading ahead that puts a second core to work
    /// (`ArticleIndex.placeStories`).
    func placeStories(limit: Int, budget: Duration, flushEvery: Int, forecastOn: ArticleIndex.JobRunner?, yield: () -> Bool) throws -> Int
    /// One step of merging full-text segments; false when there is nothing to merge.
    func mergeFullText(pages: Int) throws -> Bool
    /// Whether the full-text index has grown enough to be rewritten as one segment.
    func fullTextWantsConsolidating() throws -> Bool
    /// One step of rewriting the full-text index as one segment; false when it is one.
    func consolidateFullText(pages: Int) throws -> Bool
    /// Trains a dictionary for stored text if one is due (after a batch).
    func trainTextDictionaryIfDue() throws -> TextCompaction
    /// One step of recompressing stored text or training a dictionary (while idle).
    func compactText() throws -> TextCompaction
    /// Whether `compactText` has work (true when that cannot be read: the step then reports the error).
    var hasTextToCompact: Bool { get }
    /// Ends the `compactText` step running, if any, and every later one (`IndexError.stopping`):
    /// called from any thread when newsd stops.
    func stopIdleWork()
    /// The check before the first write (the embedded index's page check).
    func verifyAtStart(logger: Logger) throws
    /// The index running watches read their hits from; nil where watches are not served.
    var watchIndex: ArticleIndex? { get }
    /// Whether the articles were read by an older analysis (`ArticleAnalyzer.version`) than
    /// this build's and can only be renewed by reading every file again.
    func readByOlderAnalysis() throws -> Bool
    /// Records that every file has been read again by this build's analysis.
    func recordAnalysis() throws
}

extension ArticleIndex: InboxStore {
    func verifyAtStart(logger: Logger) throws {
        try IndexRecovery.verify(self, logger: logger)
        // Read now, the tables searches keep in memory do not slow the first search.
        do {
            try prepareSearches()
        } catch {
            logger.warning("could not read the tables searches keep in memory at start; the first search reads them instead", metadata: [
                "event": "search-tables-unread", "error": "\(error)",
            ])
        }
    }
    var watchIndex: ArticleIndex? { self }
    // The index renews its readings from the text it stores (its schema migrations).
    func readByOlderAnalysis() throws -> Bool { false }
    func recordAnalysis() throws {}
    func trainTextDictionaryIfDue() throws -> TextCompaction { try trainTextDictionaryIfDue(policy: .standard) }
    func compactText() throws -> TextCompaction { try compactText(policy: .standard) }
    var hasTextToCompact: Bool { hasTextToCompact(policy: .standard) }
}

/// The shared PostgreSQL archive as the ingest writer sees it. Stories are placed by the
/// archive's one placer (`SharedPlacementService`); full-text merges and text dictionaries are the
/// embedded index's, while PostgreSQL keeps its own indexes and compresses its own text.
struct SharedInboxStore: InboxStore {
    let archive: PostgresArchive

    func knownStamps(under subtree: String, onProgress: @escaping @Sendable () -> Void) throws -> [String: FileStamp] {
        try waiting { () async throws(ArchiveError) in try await archive.knownStamps(under: subtree, onProgress: onProgress) }
    }

    func knownStamps(for paths: [String]) throws -> [String: FileStamp] {
        try waiting { () async throws(ArchiveError) in try await archive.knownStamps(of: paths) }
    }

    func apply(_ changes: [IndexChange], now: Double, clock: QueryClock, watches: [StandingQuery]) throws(IndexError) -> AppliedBatch {
        // Watches are matched by every host when the batch's notification arrives
        // (`SharedArrivalsService`); alerts in the batch's transaction.
        let (applied, alertMatches) = try waiting { () async throws(ArchiveError) in try await archive.applyBatch(changes, now: now, clock: clock) }
        return AppliedBatch(changes: applied, alertMatches: alertMatches)
    }

    var hasUnplacedArticles: Bool { false }
    func placeStories(limit: Int, budget: Duration, flushEvery: Int, forecastOn: ArticleIndex.JobRunner?, yield: () -> Bool) throws -> Int { 0 }
    func mergeFullText(pages: Int) throws -> Bool { false }
    func fullTextWantsConsolidating() throws -> Bool { false }
    func consolidateFullText(pages: Int) throws -> Bool { false }
    func trainTextDictionaryIfDue() throws -> TextCompaction { .none }
    func compactText() throws -> TextCompaction { .none }
    var hasTextToCompact: Bool { false }
    func stopIdleWork() {}
    func verifyAtStart(logger: Logger) throws {}
    var watchIndex: ArticleIndex? { nil }

    func readByOlderAnalysis() throws -> Bool {
        try waiting { () async throws(ArchiveError) in try await archive.readByOlderAnalysis() }
    }

    func recordAnalysis() throws {
        try waiting { () async throws(ArchiveError) in try await archive.recordAnalysis() }
    }

    /// Blocks the writer's thread until the database answers. Every failure is one the ingest
    /// loop retries with its work kept (the message says whether the database is unreachable).
    private func waiting<T: Sendable>(_ work: @escaping @Sendable () async throws(ArchiveError) -> T) throws(IndexError) -> T {
        switch ThreadWait.result(work) {
        case .success(let value): return value
        case .failure(let error): throw .archiveUnavailable(error.description)
        }
    }
}
