/// The JSON bodies of the control API (`/v1/…`), shared by the daemon, newsctl and tests.

/// `GET /v1/status`.
public struct StatusResponse: Codable, Sendable, Equatable {
    /// `starting`, `indexing` (initial scan running) or `watching`.
    public var state: String
    /// Absolute path of the watched inbox.
    public var inbox: String
    /// Distinct articles in the index.
    public var articles: Int
    /// Inbox files that are indexed (several files may hold the same article).
    public var files: Int
    /// Files noticed but not yet indexed.
    public var pending: Int
    /// Files that could not be indexed (see the failures).
    public var failed: Int
    /// Bytes used by the database, its write-ahead log and shared memory.
    public var indexBytes: Int64
    /// Seconds since newsd started.
    public var uptimeSeconds: Double
    /// newsd's version.
    public var version: String

    public init(state: String, inbox: String, articles: Int, files: Int, pending: Int, failed: Int,
                indexBytes: Int64, uptimeSeconds: Double, version: String) {
        self.state = state
        self.inbox = inbox
        self.articles = articles
        self.files = files
        self.pending = pending
        self.failed = failed
        self.indexBytes = indexBytes
        self.uptimeSeconds = uptimeSeconds
        self.version = version
    }
}

/// A highlighted span of a snippet, in Unicode scalars (code points) from the snippet's start.
public struct Highlight: Codable, Sendable, Equatable {
    public var start: Int
    public var length: Int

    public init(start: Int, length: Int) {
        self.start = start
        self.length = length
    }
}

/// One search result.
public struct SearchHit: Codable, Sendable, Equatable {
    public var id: Int64
    /// Path relative to the inbox (the first, when the article is in several files).
    public var path: String
    /// Every inbox path holding this article.
    public var paths: [String]
    public var title: String
    /// Relevance: larger is better (FTS5's bm25 with the sign flipped).
    public var score: Double
    /// The best-matching passage, plain text.
    public var snippet: String
    /// Where the matched terms are in `snippet`.
    public var highlights: [Highlight]

    public init(id: Int64, path: String, paths: [String], title: String, score: Double, snippet: String, highlights: [Highlight]) {
        self.id = id
        self.path = path
        self.paths = paths
        self.title = title
        self.score = score
        self.snippet = snippet
        self.highlights = highlights
    }
}

/// `GET /v1/search`.
public struct SearchResponse: Codable, Sendable, Equatable {
    public var query: String
    /// All matching articles, not just this page.
    public var total: Int
    public var limit: Int
    public var offset: Int
    public var hits: [SearchHit]

    public init(query: String, total: Int, limit: Int, offset: Int, hits: [SearchHit]) {
        self.query = query
        self.total = total
        self.limit = limit
        self.offset = offset
        self.hits = hits
    }
}

/// Every error the API returns: `{"error": {"status": 400, "code": "…", "message": "…"}}`.
public struct APIErrorResponse: Codable, Sendable, Equatable {
    public struct Detail: Codable, Sendable, Equatable {
        public var status: Int
        /// Stable machine-readable code, such as `bad-query` or `not-found`.
        public var code: String
        /// What went wrong and what to do, for a person.
        public var message: String
        /// For query syntax errors: the 1-based column.
        public var column: Int?

        public init(status: Int, code: String, message: String, column: Int? = nil) {
            self.status = status
            self.code = code
            self.message = message
            self.column = column
        }
    }

    public var error: Detail

    public init(status: Int, code: String, message: String, column: Int? = nil) {
        self.error = Detail(status: status, code: code, message: message, column: column)
    }
}

/// Limits of the search API.
public enum SearchLimits {
    public static let defaultLimit = 10
    public static let maxLimit = 1000
    public static let maxQueryLength = 1024
}
