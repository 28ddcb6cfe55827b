import NewsCore
import NewsIndex
import NewsPostgres

/// What the alert announcer reads and marks. Called on the announcer's own thread, never on
/// Swift's cooperative pool: the embedded index does its SQLite work there; a shared archive
/// waits there for its database.
protocol AlertAnnouncementStore: Sendable {
    /// Recorded matches of this newsd's alerts not yet announced, oldest first.
    func pendingAlertMatches(limit: Int) throws -> [PendingAlertMatch]
    /// The articles `ids` as hits, snippets showing where `query` matches.
    func hits(ids: [Int64], matching query: SearchQuery) throws -> [SearchHit]
    /// The headline and first path of each article of `ids` that still exists.
    func alertSubjects(ids: Set<Int64>) throws -> [Int64: (title: String, path: String)]
    /// Records that `matches` have been announced.
    func markAlertsAnnounced(_ matches: [PendingAlertMatch], at moment: Double) throws
}

extension ArticleIndex: AlertAnnouncementStore {
    func markAlertsAnnounced(_ matches: [PendingAlertMatch], at moment: Double) throws { try markAlertsNotified(matches, at: moment) }
}

/// The matches of the alerts this host keeps on a shared archive (whichever host's ingest
/// recorded them).
struct SharedAlertAnnouncements: AlertAnnouncementStore {
    let archive: PostgresArchive

    func pendingAlertMatches(limit: Int) throws -> [PendingAlertMatch] {
        try ThreadWait.result { () async throws(ArchiveError) in try await archive.pendingAlertMatches(limit: limit) }.get()
    }

    func hits(ids: [Int64], matching query: SearchQuery) throws -> [SearchHit] {
        try ThreadWait.result { () async throws(ArchiveError) in try await archive.hits(ids: ids, matching: query) }.get()
    }

    func alertSubjects(ids: Set<Int64>) throws -> [Int64: (title: String, path: String)] {
        try ThreadWait.result { () async throws(ArchiveError) in try await archive.alertSubjects(ids: ids) }.get()
    }

    func markAlertsAnnounced(_ matches: [PendingAlertMatch], at moment: Double) throws {
        try ThreadWait.result { () async throws(ArchiveError) in try await archive.markAlertsAnnounced(matches, at: moment) }.get()
    }
}
