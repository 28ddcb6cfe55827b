import Foundation
import GRDB
import NewsCore

/// A recorded alert match not yet announced (journal, `alert_command`).
public struct PendingAlertMatch: Sendable, Equatable {
    public let alert: String
    public let query: String
    public let articleId: Int64
    public let matchedAt: Double

    public init(alert: String, query: String, articleId: Int64, matchedAt: Double) {
        self.alert = alert
        self.query = query
        self.articleId = articleId
        self.matchedAt = matchedAt
    }
}

extension ArticleIndex {
    /// Matches every alert against the batch's new articles and records each new match (an
    /// article matches an alert once, however often its file is edited or dropped again).
    /// Returns how many it recorded. An alert whose query no longer parses is skipped.
    func recordAlertMatches(_ db: Database, _ percolator: Percolator, clock: QueryClock, now: Double) throws -> Int {
        let alerts = try Row.fetchAll(db.cachedStatement(sql: "SELECT name, query FROM alert ORDER BY name"))
        var recorded = 0
        for alert in alerts {
            guard let query = try? SearchQuery.parse(alert["query"], clock: clock) else { continue }
            for id in try percolator.matches(db, query) {
                try db.cachedStatement(sql: "INSERT OR IGNORE INTO alert_match(alert, articleId, matchedAt) VALUES (?, ?, ?)")
                    .execute(arguments: [alert["name"] as String, id, now])
                recorded += db.changesCount
            }
        }
        return recorded
    }

    /// Stores a new alert. Throws `AlertStoreError.exists` when the name is taken, `.full` when
    /// `limit` alerts exist already.
    public func addAlert(name: String, query: String, now: Double, limit: Int = .max) throws -> AlertInfo {
        try pool.write { db in
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM alert WHERE name = ?)", arguments: [name]) == true {
                throw AlertStoreError.exists(name)
            }
            if try Int.fetchOne(db, sql: "SELECT count(*) FROM alert") ?? 0 >= limit { throw AlertStoreError.full(limit) }
            try db.execute(sql: "INSERT INTO alert(name, query, createdAt) VALUES (?, ?, ?)", arguments: [name, query, now])
        }
        return AlertInfo(name: name, query: query, createdAt: now, matches: 0, lastMatchAt: nil)
    }

    /// Removes an alert and the record of its matches; false when there is none of that name.
    public func removeAlert(name: String) throws -> Bool {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM alert_match WHERE alert = ?", arguments: [name])
            try db.execute(sql: "DELETE FROM alert WHERE name = ?", arguments: [name])
            return db.changesCount > 0
        }
    }

    private static let alertColumns = """
        SELECT al.name, al.query, al.createdAt,
               (SELECT count(*) FROM alert_match m WHERE m.alert = al.name) AS matches,
               (SELECT max(matchedAt) FROM alert_match m WHERE m.alert = al.name) AS lastMatchAt
        FROM alert al
        """

    private static func alertInfo(_ row: Row) -> AlertInfo {
        AlertInfo(name: row["name"], query: row["query"], createdAt: row["createdAt"], matches: row["matches"], lastMatchAt: row["lastMatchAt"])
    }

    /// Every alert, by name.
    public func alerts() throws -> [AlertInfo] {
        try pool.read { db in try Row.fetchAll(db, sql: Self.alertColumns + " ORDER BY al.name").map(Self.alertInfo) }
    }

    /// One alert and the articles it matched, latest match first (at most `limit`); nil when
    /// there is no alert of that name.
    public func alert(name: String, limit: Int, clock: QueryClock) throws -> AlertResponse? {
        let found = try pool.read { db -> (AlertInfo, [Int64])? in
            guard let info = try Row.fetchOne(db, sql: Self.alertColumns + " WHERE al.name = ?", arguments: [name]).map(Self.alertInfo) else {
                return nil
            }
            return (info, try Int64.fetchAll(db, sql: """
                SELECT m.articleId FROM alert_match m JOIN article a ON a.id = m.articleId
                WHERE m.alert = ? ORDER BY m.matchedAt DESC, m.articleId DESC LIMIT ?
                """, arguments: [name, limit]))
        }
        guard let (info, ids) = found else { return nil }
        let query = (try? SearchQuery.parse(info.query, clock: clock)) ?? SearchQuery(root: .added(TimeRange(from: nil, before: nil)))
        return AlertResponse(alert: info, hits: try hits(ids: ids, matching: query))
    }

    /// Recorded matches not yet announced, oldest first.
    public func pendingAlertMatches(limit: Int) throws -> [PendingAlertMatch] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT m.alert, al.query, m.articleId, m.matchedAt FROM alert_match m JOIN alert al ON al.name = m.alert
                WHERE m.notifiedAt IS NULL ORDER BY m.matchedAt, m.articleId LIMIT ?
                """, arguments: [limit]).map {
                PendingAlertMatch(alert: $0["alert"], query: $0["query"], articleId: $0["articleId"], matchedAt: $0["matchedAt"])
            }
        }
    }

    /// Records that matches have been announced: they are not announced again, even after a restart.
    public func markAlertsNotified(_ matches: [PendingAlertMatch], at moment: Double) throws {
        guard !matches.isEmpty else { return }
        // One statement for the round: the writer is shared with ingest, so it is held briefly.
        // The pairs go as two JSON arrays, joined by position.
        let names = String(decoding: try JSONEncoder().encode(matches.map(\.alert)), as: UTF8.self)
        try pool.write { db in
            try db.execute(sql: """
                UPDATE alert_match SET notifiedAt = ? WHERE notifiedAt IS NULL AND (alert, articleId) IN
                    (SELECT n.value, i.value FROM json_each(?) n JOIN json_each(?) i ON i.key = n.key)
                """, arguments: [moment, names, StoryCandidates.jsonArray(matches.map(\.articleId))])
        }
    }

    /// The headline and first path of each of `ids` that still exists: what an alert's journal
    /// entry names.
    public func alertSubjects(ids: Set<Int64>) throws -> [Int64: (title: String, path: String)] {
        try pool.read { db in
            var subjects: [Int64: (title: String, path: String)] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT a.id, a.headline, (SELECT min(path) FROM file WHERE articleId = a.id) AS path
                FROM article a WHERE a.id IN (SELECT value FROM json_each(?))
                """, arguments: [StoryCandidates.jsonArray(ids)]) {
                subjects[row["id"]] = (row["headline"], row["path"] ?? "")
            }
            return subjects
        }
    }

    /// The articles `ids` as search hits, in that order, their snippets showing where `query`
    /// matches (the text's opening without a text query). Articles that are gone are left out.
    public func hits(ids: [Int64], matching query: SearchQuery) throws -> [SearchHit] {
        guard !ids.isEmpty else { return [] }
        let filter = SearchFilter(QueryTranslator.translate(query), minOutlets: nil)
        guard let search = WindowedSearch(filter, sort: .added) else { return [] }
        // Rank -0.0: a hit's score is the negated rank, and no order is scored here (0, not -0).
        let page = ids.map { WindowedSearch.Ranked(id: $0, rank: -0.0, group: $0) }
        do {
            return try pool.read { db in
                var rows = try Row.fetchAll(db, sql: search.detailSQL(count: page.count), arguments: search.detailArguments(page))
                if filter.match != nil && rows.count < page.count {
                    // An article the text query does not match (an alert on `-word` or a date):
                    // shown with the opening of its text instead.
                    let plain = WindowedSearch(SearchFilter(TranslatedQuery(match: nil, conditions: [], arguments: []), minOutlets: nil), sort: .added)!
                    let found = Set(rows.map { $0["id"] as Int64 })
                    let missing = page.filter { !found.contains($0.id) }
                    rows += try Row.fetchAll(db, sql: plain.detailSQL(count: missing.count), arguments: plain.detailArguments(missing))
                }
                guard let columns = try rows.first.map({ try HitColumns($0.columnNames) }) else { return [] }
                let byId = Dictionary(rows.map { ($0[columns.id] as Int64, $0) }, uniquingKeysWith: { first, _ in first })
                return try ids.compactMap { byId[$0] }.enumerated().map { try Self.hit($0.element, columns, rank: $0.offset + 1, group: .copies) }
            }
        } catch let error as DatabaseError {
            throw IndexError.queryFailed(error.message ?? String(describing: error))
        }
    }
}

/// Why an alert could not be stored.
public enum AlertStoreError: Error, CustomStringConvertible, Sendable {
    case exists(String)
    case full(Int)

    public var description: String {
        switch self {
        case .exists(let name): "an alert named '\(name)' exists already; remove it first (`newsctl alert remove \(name)`) or choose another name"
        case .full(let limit): "there are \(limit) alerts already, the most newsd keeps; remove some first (`newsctl alert list`)"
        }
    }
}
