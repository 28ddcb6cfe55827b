import Dispatch
import GRDB
import Synchronization

/// Surveys the articles of one placement transaction (`StorySurvey`) ahead of the writer, on a
/// reader's connection and another thread, so that a bulk load's placement uses two cores: the
/// writer links and groups while the next articles' candidates are looked up and compared.
///
/// The reader sees the archive as it was when the transaction began; what the transaction
/// changes that a survey reads is only its story-key filings, and the forecast files each
/// surveyed article itself, as the writer does once it has placed it. So each survey is the one
/// the writer would make — as long as the writer's own filings are all new (`StoryCandidates.write`
/// says so); when one is not, the writer stops taking forecasts.
final class PlacementForecast: Sendable {
    /// One article's survey, or why there is none.
    enum Item: Sendable {
        /// The survey, and the story keys the article was filed under after it.
        case survey(StorySurvey, filedUnder: [Int64])
        /// No such article (any more).
        case gone
    }

    private let state = Mutex<State>(State())
    /// Signalled for each item added, and when the surveys end.
    private let ready = DispatchSemaphore(value: 0)
    /// Room for surveys not yet taken: the reader runs at most `ahead` articles before the writer.
    private let room: DispatchSemaphore
    private let finished = DispatchSemaphore(value: 0)

    private struct State {
        var items: [Item] = []
        var taken = 0
        /// No survey will be added: all were made, one failed, or `stop` came.
        var ended = false
        /// `stop` came: the reader makes no more surveys.
        var stopped = false
    }

    /// Surveys read ahead at most.
    static let ahead = 256

    /// Starts surveying `ids`, in order, with a read of `pool` on the thread `run` gives the
    /// job (it must run it: `stop` waits for it). `cacheKiB`: the reader's page cache meanwhile
    /// (with SQLite's default, a tenth of the survey's time went to `pread`), given back when
    /// the surveys end.
    /// `heartbeat` watches the reader's statements: while the writer waits for a survey, the
    /// survey is its progress. `failed`: told why the surveys ended early, when a read failed
    /// (the writer then surveys the rest itself).
    init(pool: DatabasePool, ids: [Int64], cacheKiB: Int, heartbeat: WriterHeartbeat, failed: @escaping @Sendable (any Error) -> Void,
         run: (@escaping @Sendable () -> Void) -> Void) {
        // Signalled up to `ahead`, not created with it: libdispatch stops the process when a
        // semaphore goes while its count is below the one it was created with, as this one's
        // is when the writer stops before taking every survey.
        room = DispatchSemaphore(value: 0)
        for _ in 0..<Self.ahead { room.signal() }
        run { [self] in
            defer { finished.signal() }
            do {
                try pool.read { db in
                    try db.execute(sql: "PRAGMA cache_size = \(-cacheKiB)")
                    defer { try? db.execute(sql: "PRAGMA cache_size = \(-ArticleIndex.defaultCacheKiB); PRAGMA shrink_memory") }
                    try heartbeat.watching(db) {
                        var surveyor = StorySurveyor(db)
                        for id in ids {
                            room.wait()
                            if state.withLock({ $0.stopped }) { return }
                            let survey = try surveyor.survey(articleId: id)
                            let item: Item = if let survey { .survey(survey, filedUnder: try surveyor.file(survey)) } else { .gone }
                            state.withLock { $0.items.append(item) }
                            ready.signal()
                        }
                    }
                }
            } catch {
                // The writer surveys the rest itself, and reports what fails then; a failure of
                // the reader's own (a connection it could not open) is only seen here.
                failed(error)
            }
            state.withLock { $0.ended = true }
            ready.signal()
        }
    }

    /// What the survey of the next article (in the order given) found, waiting for it; nil
    /// when the surveys ended before it (the writer surveys it itself).
    func next() -> Item? {
        while true {
            let outcome: Item?? = state.withLock { state in
                if state.taken < state.items.count {
                    let item = state.items[state.taken]
                    state.taken += 1
                    // Taken items are dropped in batches, not one by one from the front.
                    if state.taken == Self.ahead {
                        state.items.removeFirst(state.taken)
                        state.taken = 0
                    }
                    return .some(item)
                }
                return state.ended ? .some(nil) : nil
            }
            guard let outcome else {
                ready.wait()
                continue
            }
            if outcome != nil { room.signal() }
            return outcome
        }
    }

    /// Ends the surveys and waits until the reader has let go of its connection.
    func stop() {
        state.withLock { $0.stopped = true }
        room.signal()
        finished.wait()
    }
}
