import NewsCore

/// A query kept running against what arrives (a `newsctl watch`), matched against the articles
/// of each write transaction as they are added, never against the archive.
public struct StandingQuery: Sendable {
    /// Who asked: the match comes back under this key.
    public let key: String
    public let query: SearchQuery

    public init(key: String, query: SearchQuery) {
        self.key = key
        self.query = query
    }
}

/// A new article that a standing query matches.
public struct StandingMatch: Sendable, Equatable {
    public let key: String
    public let articleId: Int64

    public init(key: String, articleId: Int64) {
        self.key = key
        self.articleId = articleId
    }
}

/// What one write transaction did: each file's outcome, the watches its new articles match, and
/// how many alert matches it recorded (to be announced by `pendingAlertMatches`).
public struct AppliedBatch: Sendable {
    public var changes: [AppliedChange]
    public var watchMatches: [StandingMatch]
    public var alertMatches: Int

    public init(changes: [AppliedChange], watchMatches: [StandingMatch] = [], alertMatches: Int = 0) {
        self.changes = changes
        self.watchMatches = watchMatches
        self.alertMatches = alertMatches
    }
}
