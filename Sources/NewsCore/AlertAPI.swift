/// One alert: a query matched against every new article (`newsctl alert add NAME QUERY`).
public struct AlertInfo: Codable, Sendable, Equatable {
    public var name: String
    public var query: String
    /// When it was added (Unix seconds).
    public var createdAt: Double
    /// How many articles it has matched since.
    public var matches: Int
    /// When it last matched (Unix seconds); nil before its first match.
    public var lastMatchAt: Double?
    /// On a shared archive, the host that keeps the alert and announces its matches; nil with
    /// the embedded index.
    public var host: String?

    public init(name: String, query: String, createdAt: Double, matches: Int, lastMatchAt: Double?, host: String? = nil) {
        self.name = name
        self.query = query
        self.createdAt = createdAt
        self.matches = matches
        self.lastMatchAt = lastMatchAt
        self.host = host
    }
}

/// `GET /v1/alerts`.
public struct AlertListResponse: Codable, Sendable, Equatable {
    public var alerts: [AlertInfo]
    public init(alerts: [AlertInfo]) { self.alerts = alerts }
}

/// `GET /v1/alerts/NAME`: the alert and the articles it matched, latest match first.
public struct AlertResponse: Codable, Sendable, Equatable {
    public var alert: AlertInfo
    public var hits: [SearchHit]
    public init(alert: AlertInfo, hits: [SearchHit]) {
        self.alert = alert
        self.hits = hits
    }
}

/// What an alert's command reads on its standard input, and what the journal entry describes:
/// the alert and the article it matched.
public struct AlertEvent: Codable, Sendable, Equatable {
    public var alert: String
    public var query: String
    /// When newsd found the match (Unix seconds).
    public var matchedAt: Double
    public var article: SearchHit

    public init(alert: String, query: String, matchedAt: Double, article: SearchHit) {
        self.alert = alert
        self.query = query
        self.matchedAt = matchedAt
        self.article = article
    }
}

/// One line of `GET /v1/watch` (JSON lines): the first says what is watched, each later one
/// carries an article that arrived and matches.
public struct WatchMessage: Codable, Sendable, Equatable {
    /// The query, on the first line only: from then on every new match is sent.
    public var watching: String?
    /// A newly indexed article that matches.
    public var hit: SearchHit?

    public init(watching: String? = nil, hit: SearchHit? = nil) {
        self.watching = watching
        self.hit = hit
    }
}

/// The rules for alert names: they are typed on the command line and appear in the journal.
public enum AlertName {
    /// The longest name.
    public static let maxLength = 64

    /// Why `name` cannot name an alert, or nil when it can.
    public static func problem(_ name: String) -> String? {
        if name.isEmpty { return "an alert needs a name" }
        if name.count > maxLength { return "alert names are at most \(maxLength) characters; '\(name.prefix(20))…' has \(name.count)" }
        let allowed = name.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || "-_.".unicodeScalars.contains($0) }
        if !allowed || name.hasPrefix("-") || name.hasPrefix(".") {
            return "alert names use letters, digits, '-', '_' and '.', and start with a letter or digit; got '\(name)'"
        }
        return nil
    }
}
