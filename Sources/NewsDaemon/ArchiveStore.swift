import Logging
import NewsCore
import NewsIndex
import NewsPostgres

/// What the control API reads of the archive, whichever backend holds it: the embedded SQLite
/// index (its blocking reads run off the cooperative pool) or a shared PostgreSQL archive (whose
/// client is asynchronous).
protocol ArchiveStore: Sendable {
    /// The status call's counts.
    func status() async throws -> StoreStatus
    /// Counts for the systemd status line.
    func counts() async throws -> (articles: Int, files: Int, failed: Int)
    /// One page of a search and the number of hits, stopped by `budget` (its time limit, or its
    /// client going away) with `IndexError.queryStopped`.
    func search(_ query: SearchQuery, sort: SearchSort, group: SearchGrouping, minOutlets: Int?, limit: Int, offset: Int,
                budget: QueryBudget) async throws -> (total: Int, hits: [SearchHit])
    func article(id: Int64) async throws -> ArticleResponse?
    /// What a path names: its article, its recorded failure, or the articles of a multi-article file.
    func lookup(path: String) async throws -> PathLookup
    /// Recorded failures (or ignored files) and how many there are.
    func failures(limit: Int, ignored: Bool) async throws -> (total: Int, records: [FailureRecord])
    /// How many matching articles are dated on each day (per outlet), and how many have no
    /// date of their own; stopped by `budget` as `search`.
    func dayCounts(_ query: SearchQuery, budget: QueryBudget) async throws -> (days: [(day: String, outlet: String?, count: Int)], undated: Int)
    /// Up to when Unix user `uid` has seen what arrived (nil before their first look), and when
    /// the latest article arrived (nil in an empty archive).
    func arrivals(uid: UInt32) async throws -> (seenUpTo: Double?, latest: Double?)
    /// Records that `uid` has seen everything that arrived up to `moment` (never moves back).
    func markSeen(uid: UInt32, upTo moment: Double) async throws
    /// A story as a timeline; nil when there is no such story.
    func story(id: Int64) async throws -> StoryResponse?
    /// The stories of a period (see `ArticleIndex.stories`), and how many there are.
    func stories(since: String?, minArticles: Int, sort: StoryListSort, limit: Int) async throws -> (total: Int, stories: [StoryListEntry])
    /// The articles most like one, whether or not they share its story; nil when there is no such article.
    func related(id: Int64, limit: Int) async throws -> RelatedResponse?
    /// Every alert, by name.
    func alerts() async throws -> [AlertInfo]
    /// Stores a new alert; throws `AlertStoreError` when the name is taken or `limit` alerts exist.
    func addAlert(name: String, query: String, now: Double, limit: Int) async throws -> AlertInfo
    /// Removes an alert and its matches; false when there is none of that name.
    func removeAlert(name: String) async throws -> Bool
    /// One alert and its latest `limit` matches; nil when there is none of that name.
    func alert(name: String, limit: Int, clock: QueryClock) async throws -> AlertResponse?
}

/// The status call's counts from one backend.
struct StoreStatus: Sendable {
    var overview: IndexOverview
    var bytes: Int64
    var archive: SharedArchiveInfo?
}

/// What an inbox path names.
struct PathLookup: Sendable {
    var article: ArticleResponse?
    var failure: FailureRecord?
    var members: [String]
}

/// The embedded SQLite index.
struct EmbeddedStore: ArchiveStore {
    let index: ArticleIndex

    func status() async throws -> StoreStatus {
        let index = self.index
        return try await BlockingWork.run { StoreStatus(overview: try index.overview(), bytes: index.sizeOnDisk(), archive: nil) }
    }

    func counts() async throws -> (articles: Int, files: Int, failed: Int) {
        let index = self.index
        return try await BlockingWork.run { try index.counts() }
    }

    func search(_ query: SearchQuery, sort: SearchSort, group: SearchGrouping, minOutlets: Int?, limit: Int, offset: Int,
                budget: QueryBudget) async throws -> (total: Int, hits: [SearchHit]) {
        let index = self.index
        return try await BlockingWork.run(onCancel: { budget.cancel() }) {
            try index.search(query, sort: sort, group: group, minOutlets: minOutlets, limit: limit, offset: offset, budget: budget)
        }
    }

    func article(id: Int64) async throws -> ArticleResponse? {
        let index = self.index
        return try await BlockingWork.run { try index.article(id: id) }
    }

    func lookup(path: String) async throws -> PathLookup {
        let index = self.index
        return try await BlockingWork.run {
            PathLookup(article: try index.articleId(path: path).flatMap { try index.article(id: $0) }, failure: try index.failure(path: path),
                       members: try index.memberPaths(of: path, limit: 5))
        }
    }

    func failures(limit: Int, ignored: Bool) async throws -> (total: Int, records: [FailureRecord]) {
        let index = self.index
        return try await BlockingWork.run {
            let overview = try index.overview(outletLimit: 0)
            return (ignored ? overview.ignored : overview.failed, try index.failures(limit: limit, ignored: ignored))
        }
    }
}

extension EmbeddedStore {
    func dayCounts(_ query: SearchQuery, budget: QueryBudget) async throws -> (days: [(day: String, outlet: String?, count: Int)], undated: Int) {
        let index = self.index
        return try await BlockingWork.run(onCancel: { budget.cancel() }) { try index.dayCounts(query, budget: budget) }
    }

    func arrivals(uid: UInt32) async throws -> (seenUpTo: Double?, latest: Double?) {
        let index = self.index
        return try await BlockingWork.run { (try index.readerCursor(uid: uid), try index.latestArrival()) }
    }

    func markSeen(uid: UInt32, upTo moment: Double) async throws {
        let index = self.index
        try await BlockingWork.run { try index.advanceReaderCursor(uid: uid, to: moment) }
    }

    func story(id: Int64) async throws -> StoryResponse? {
        let index = self.index
        return try await BlockingWork.run { try index.story(id: id) }
    }

    func related(id: Int64, limit: Int) async throws -> RelatedResponse? {
        let index = self.index
        return try await BlockingWork.run { try index.related(id: id, limit: limit) }
    }

    func stories(since: String?, minArticles: Int, sort: StoryListSort, limit: Int) async throws -> (total: Int, stories: [StoryListEntry]) {
        let index = self.index
        return try await BlockingWork.run { try index.stories(since: since, minArticles: minArticles, sort: sort, limit: limit) }
    }

    func alerts() async throws -> [AlertInfo] {
        let index = self.index
        return try await BlockingWork.run { try index.alerts() }
    }

    func addAlert(name: String, query: String, now: Double, limit: Int) async throws -> AlertInfo {
        let index = self.index
        return try await BlockingWork.run { try index.addAlert(name: name, query: query, now: now, limit: limit) }
    }

    func removeAlert(name: String) async throws -> Bool {
        let index = self.index
        return try await BlockingWork.run { try index.removeAlert(name: name) }
    }

    func alert(name: String, limit: Int, clock: QueryClock) async throws -> AlertResponse? {
        let index = self.index
        return try await BlockingWork.run { try index.alert(name: name, limit: limit, clock: clock) }
    }
}

/// A PostgreSQL archive shared with other newsd hosts.
struct SharedStore: ArchiveStore {
    let archive: PostgresArchive

    func status() async throws -> StoreStatus {
        let overview = try await archive.overview()
        var replica: ReplicaInfo?
        if let address = archive.replicaAddress {
            do {
                let lag = try await archive.replicaLag()
                replica = ReplicaInfo(database: address.display, lagBytes: lag?.bytes, lagSeconds: lag?.seconds)
            } catch {
                replica = ReplicaInfo(database: address.display, error: error.description)
            }
        }
        return StoreStatus(
            overview: ownOverview(overview),
            bytes: overview.databaseBytes,
            archive: SharedArchiveInfo(backend: "postgresql", database: archive.address.display, host: archive.host,
                                       hosts: overview.hosts.map { HostCount(host: $0.host, files: $0.files, failed: $0.failed, lastSeen: $0.lastSeen) },
                                       replica: replica))
    }

    /// The archive's counts as this host's status shows them: every article, this host's files.
    private func ownOverview(_ overview: ArchiveOverview) -> IndexOverview {
        let own = overview.hosts.first { $0.host == archive.host }
        return IndexOverview(articles: overview.articles, files: own?.files ?? 0, failed: own?.failed ?? 0, ignored: own?.ignored ?? 0,
                             stories: overview.stories, unplaced: overview.unplaced, outlets: overview.outlets, languages: overview.languages)
    }

    func counts() async throws -> (articles: Int, files: Int, failed: Int) {
        let overview = ownOverview(try await archive.overview())
        return (overview.articles, overview.files, overview.failed)
    }

    func search(_ query: SearchQuery, sort: SearchSort, group: SearchGrouping, minOutlets: Int?, limit: Int, offset: Int,
                budget: QueryBudget) async throws -> (total: Int, hits: [SearchHit]) {
        do {
            return try await archive.search(query, sort: sort, group: group, minOutlets: minOutlets, limit: limit, offset: offset,
                                            timeLimit: budget.limit)
        } catch {
            throw Self.stopped(error, budget: budget)
        }
    }

    func article(id: Int64) async throws -> ArticleResponse? { try await archive.article(id: id) }

    func lookup(path: String) async throws -> PathLookup {
        let article = try await archive.articleId(path: path)
        return PathLookup(article: try await article.asyncMap { try await archive.article(id: $0) } ?? nil,
                          failure: try await archive.failure(path: path), members: try await archive.memberPaths(of: path, limit: 5))
    }

    func dayCounts(_ query: SearchQuery, budget: QueryBudget) async throws -> (days: [(day: String, outlet: String?, count: Int)], undated: Int) {
        do {
            return try await archive.dayCounts(query, timeLimit: budget.limit)
        } catch {
            throw Self.stopped(error, budget: budget)
        }
    }

    /// A search the server stopped at its time limit is `query-too-expensive`, as in the embedded index.
    static func stopped(_ error: ArchiveError, budget: QueryBudget) -> any Error {
        error.sqlState == PostgresArchive.statementTimeoutState ? IndexError.queryStopped(.overTime, limit: budget.limit) : error
    }

    func arrivals(uid: UInt32) async throws -> (seenUpTo: Double?, latest: Double?) {
        (try await archive.readerCursor(uid: uid), try await archive.latestArrival())
    }

    func markSeen(uid: UInt32, upTo moment: Double) async throws {
        try await archive.advanceReaderCursor(uid: uid, to: moment)
    }

    func story(id: Int64) async throws -> StoryResponse? { try await archive.story(id: id) }

    func related(id: Int64, limit: Int) async throws -> RelatedResponse? { try await archive.related(id: id, limit: limit) }

    func stories(since: String?, minArticles: Int, sort: StoryListSort, limit: Int) async throws -> (total: Int, stories: [StoryListEntry]) {
        try await archive.stories(since: since, minArticles: minArticles, sort: sort, limit: limit)
    }

    func failures(limit: Int, ignored: Bool) async throws -> (total: Int, records: [FailureRecord]) {
        let overview = ownOverview(try await archive.overview())
        return (ignored ? overview.ignored : overview.failed, try await archive.failures(limit: limit, ignored: ignored))
    }

    func alerts() async throws -> [AlertInfo] { try await archive.alerts() }

    func addAlert(name: String, query: String, now: Double, limit: Int) async throws -> AlertInfo {
        try await archive.addAlert(name: name, query: query, now: now, limit: limit)
    }

    func removeAlert(name: String) async throws -> Bool { try await archive.removeAlert(name: name) }

    func alert(name: String, limit: Int, clock: QueryClock) async throws -> AlertResponse? {
        try await archive.alert(name: name, limit: limit, clock: clock)
    }
}

extension Optional where Wrapped: Sendable {
    /// `map` for an async transform.
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
