import Foundation
import Logging
import NewsCore
import NewsIndex
import PostgresNIO

/// Alerts on a shared archive. An alert belongs to the archive (any host lists and shows it) and
/// is kept by the host it was added on: that host announces its matches (journal, its own
/// `alert_command`), whichever host's inbox the matching article arrived in. Matches are recorded
/// by the transaction that adds the article, so each is recorded exactly once.
extension PostgresArchive {
    /// Matches every alert against the new articles `fresh` inside the batch's transaction and
    /// records each new match; returns how many. An alert whose query no longer parses is skipped.
    static func recordAlertMatches(of fresh: [Int64], _ connection: PostgresConnection, clock: QueryClock, now: Double,
                                   logger: Logger) async throws -> Int {
        guard !fresh.isEmpty else { return 0 }
        let alerts = try await connection.query("SELECT name, query FROM newsd_alert ORDER BY name", logger: logger).collect()
        guard !alerts.isEmpty else { return 0 }
        var queries: [StandingQuery] = []
        for row in alerts {
            let (name, text) = try row.decode((String, String).self)
            if let query = try? SearchQuery.parse(text, clock: clock) { queries.append(StandingQuery(key: name, query: query)) }
        }
        let matches = try await matches(of: fresh, against: queries, connection, logger: logger)
        guard !matches.isEmpty else { return 0 }
        let rows = try await connection.query("""
            INSERT INTO newsd_alert_match (alert, article_id, matched_at)
            SELECT * FROM unnest(\(matches.map(\.key))::text[], \(matches.map(\.articleId))::int8[]) AS m(alert, article_id), (SELECT \(now)::float8) t
            ON CONFLICT (alert, article_id) DO NOTHING
            RETURNING 1
            """, logger: logger).collect()
        return rows.count
    }

    private static let alertColumns = """
        SELECT al.name, al.query, al.created_at, al.host_id,
               (SELECT count(*) FROM newsd_alert_match m WHERE m.alert = al.name),
               (SELECT max(matched_at) FROM newsd_alert_match m WHERE m.alert = al.name)
        FROM newsd_alert al
        """

    private static func alertInfo(_ row: PostgresRow) throws -> AlertInfo {
        let (name, query, created, host, matches, last) = try row.decode((String, String, Double, String, Int, Double?).self)
        return AlertInfo(name: name, query: query, createdAt: created, matches: matches, lastMatchAt: last, host: host)
    }

    /// Stores a new alert kept by this host. Throws `AlertStoreError.exists` when the name is
    /// taken (on any host), `.full` when `limit` alerts exist already.
    public func addAlert(name: String, query: String, now: Double, limit: Int = .max) async throws -> AlertInfo {
        let host = self.host, logger = self.logger
        let stored = try await transaction(doing: "add alert \(name)") { connection -> Result<AlertInfo, AlertStoreError> in
            // One writer of the alert list at a time, so two hosts cannot both pass the limit.
            try await connection.query("LOCK TABLE newsd_alert IN SHARE ROW EXCLUSIVE MODE", logger: logger)
            let exists = try await connection.query("SELECT 1 FROM newsd_alert WHERE name = \(name)", logger: logger).collect()
            if !exists.isEmpty { return .failure(.exists(name)) }
            let count = try await connection.query("SELECT count(*) FROM newsd_alert", logger: logger).collect().first?.decode(Int.self) ?? 0
            if count >= limit { return .failure(.full(limit)) }
            try await connection.query("""
                INSERT INTO newsd_alert (name, query, host_id, created_at) VALUES (\(name), \(query), \(host), \(now))
                """, logger: logger)
            return .success(AlertInfo(name: name, query: query, createdAt: now, matches: 0, lastMatchAt: nil, host: host))
        }
        return try stored.get()
    }

    /// Removes an alert and the record of its matches, whichever host keeps it; false when there
    /// is none of that name.
    public func removeAlert(name: String) async throws(ArchiveError) -> Bool {
        let logger = self.logger
        return try await connected(doing: "remove alert \(name)") { connection in
            !(try await connection.query("DELETE FROM newsd_alert WHERE name = \(name) RETURNING 1", logger: logger).collect().isEmpty)
        }
    }

    /// Every alert of the archive, by name.
    public func alerts() async throws(ArchiveError) -> [AlertInfo] {
        let logger = self.logger
        return try await connected(doing: "list alerts") { connection in
            try await connection.query(PostgresQuery(unsafeSQL: Self.alertColumns + " ORDER BY al.name"), logger: logger).collect().map(Self.alertInfo)
        }
    }

    /// One alert and the articles it matched, latest match first (at most `limit`); nil when
    /// there is no alert of that name.
    public func alert(name: String, limit: Int, clock: QueryClock) async throws(ArchiveError) -> AlertResponse? {
        let logger = self.logger
        let found = try await connected(doing: "read alert \(name)") { connection -> (AlertInfo, [Int64])? in
            var bindings = PostgresBindings()
            bindings.append(name)
            guard let row = try await connection.query(PostgresQuery(unsafeSQL: Self.alertColumns + " WHERE al.name = $1", binds: bindings),
                                                       logger: logger).collect().first else { return nil }
            let ids = try await connection.query("""
                SELECT m.article_id FROM newsd_alert_match m JOIN newsd_article a ON a.id = m.article_id
                WHERE m.alert = \(name) ORDER BY m.matched_at DESC, m.article_id DESC LIMIT \(limit)
                """, logger: logger).collect().map { try $0.decode(Int64.self) }
            return (try Self.alertInfo(row), ids)
        }
        guard let (info, ids) = found else { return nil }
        let query = (try? SearchQuery.parse(info.query, clock: clock)) ?? SearchQuery(root: .added(TimeRange(from: nil, before: nil)))
        return AlertResponse(alert: info, hits: try await hits(ids: ids, matching: query))
    }

    /// The recorded matches of this host's alerts not yet announced, oldest first.
    public func pendingAlertMatches(limit: Int) async throws(ArchiveError) -> [PendingAlertMatch] {
        let logger = self.logger, host = self.host
        return try await connected(doing: "read the alert matches to announce") { connection in
            try await connection.query("""
                SELECT m.alert, al.query, m.article_id, m.matched_at FROM newsd_alert_match m JOIN newsd_alert al ON al.name = m.alert
                WHERE m.announced_at IS NULL AND al.host_id = \(host) ORDER BY m.matched_at, m.article_id LIMIT \(limit)
                """, logger: logger).collect().map { row in
                let (alert, query, id, matched) = try row.decode((String, String, Int64, Double).self)
                return PendingAlertMatch(alert: alert, query: query, articleId: id, matchedAt: matched)
            }
        }
    }

    /// Records that matches have been announced: they are not announced again, even after a restart.
    public func markAlertsAnnounced(_ matches: [PendingAlertMatch], at moment: Double) async throws(ArchiveError) {
        guard !matches.isEmpty else { return }
        let logger = self.logger
        _ = try await connected(doing: "mark \(matches.count) alert matches announced") { connection in
            try await connection.query("""
                UPDATE newsd_alert_match m SET announced_at = \(moment)
                FROM unnest(\(matches.map(\.alert))::text[], \(matches.map(\.articleId))::int8[]) AS done(alert, article_id)
                WHERE m.alert = done.alert AND m.article_id = done.article_id AND m.announced_at IS NULL
                """, logger: logger)
        }
    }

    /// The headline and first path (`host:path`) of each of `ids` that still exists: what an
    /// alert's journal entry names.
    public func alertSubjects(ids: Set<Int64>) async throws(ArchiveError) -> [Int64: (title: String, path: String)] {
        let logger = self.logger
        return try await connected(doing: "read the articles of alert matches") { connection in
            var subjects: [Int64: (title: String, path: String)] = [:]
            for row in try await connection.query("""
                SELECT a.id, a.headline, \(unescaped: Self.firstPath) FROM newsd_article a WHERE a.id = ANY(\(Array(ids)))
                """, logger: logger).collect() {
                let (id, title, path) = try row.decode((Int64, String, String?).self)
                subjects[id] = (title, path ?? "")
            }
            return subjects
        }
    }
}
