/// The JSON bodies of the control API (`/v1/…`), shared by the daemon, newsctl and tests.

/// Progress of a reconciliation or reindex.
public struct ProgressInfo: Codable, Sendable, Equatable {
    /// Entries looked at so far, and in all.
    public var done: Int
    public var total: Int
    /// Seconds since it began.
    public var elapsedSeconds: Double

    public init(done: Int, total: Int, elapsedSeconds: Double) {
        self.done = done
        self.total = total
        self.elapsedSeconds = elapsedSeconds
    }
}

/// A folder inotify cannot watch, rescanned periodically instead.
public struct UnwatchedFolder: Codable, Sendable, Equatable {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}

/// `GET /v1/status`.
public struct StatusResponse: Codable, Sendable, Equatable {
    /// `starting`, `reconciling` (comparing inbox and index), `idle`, `indexing` (files pending),
    /// `placing` (every file indexed; new articles are being placed in stories),
    /// `paused`, or `error` (see `error`).
    public var state: String
    /// What is wrong, when `state` is `error` (disk full, say).
    public var error: String?
    /// Set while reconciling or reindexing.
    public var progress: ProgressInfo?
    /// Folders that could not be watched (the inotify watch limit).
    public var unwatched: [UnwatchedFolder]
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
    /// Files of formats newsd does not read (`newsctl failures --ignored` lists them).
    public var ignored: Int
    /// Articles per language, most first.
    public var languages: [LanguageCount]
    /// Stories the articles form.
    public var stories: Int
    /// Articles indexed but not yet placed in a story (state `placing`).
    public var unplaced: Int
    /// Articles per outlet, most first (the ten largest); unknown outlets are not counted.
    public var outlets: [OutletCount]
    /// Bytes used by the database, its write-ahead log and shared memory.
    public var indexBytes: Int64
    /// Seconds since newsd started.
    public var uptimeSeconds: Double
    /// newsd's version.
    public var version: String
    /// Where the archive is when it is not the embedded index: a shared PostgreSQL database.
    public var archive: SharedArchiveInfo?

    public init(state: String, error: String? = nil, progress: ProgressInfo? = nil, unwatched: [UnwatchedFolder] = [],
                inbox: String, articles: Int, files: Int, pending: Int, failed: Int, ignored: Int = 0, stories: Int = 0, unplaced: Int = 0,
                outlets: [OutletCount] = [], languages: [LanguageCount] = [],
                indexBytes: Int64, uptimeSeconds: Double, version: String) {
        self.ignored = ignored
        self.languages = languages
        self.stories = stories
        self.unplaced = unplaced
        self.outlets = outlets
        self.state = state
        self.error = error
        self.progress = progress
        self.unwatched = unwatched
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

/// The shared archive a newsd host writes to and reads from (`index_url`).
public struct SharedArchiveInfo: Codable, Sendable, Equatable {
    /// `postgresql`.
    public var backend: String
    /// The database's address, without any password.
    public var database: String
    /// This host's name in it (`host_id`); its files are shown as `host:path`.
    public var host: String
    /// Every host that has written to the archive, with its own counts.
    public var hosts: [HostCount]
    /// The streaming replica that answers searches (`index_read_url`), when there is one.
    public var replica: ReplicaInfo?

    public init(backend: String, database: String, host: String, hosts: [HostCount], replica: ReplicaInfo? = nil) {
        self.backend = backend
        self.database = database
        self.host = host
        self.hosts = hosts
        self.replica = replica
    }
}

/// A read replica of a shared archive, and how far behind its primary it is.
public struct ReplicaInfo: Codable, Sendable, Equatable {
    /// Its address, without any password.
    public var database: String
    /// Bytes of the primary's write-ahead log it has not replayed yet.
    public var lagBytes: Int64?
    /// Seconds since it last replayed a transaction, while it is behind (0 when caught up).
    public var lagSeconds: Double?
    /// Why the lag is unknown (the replica cannot be reached, say).
    public var error: String?

    public init(database: String, lagBytes: Int64? = nil, lagSeconds: Double? = nil, error: String? = nil) {
        self.database = database
        self.lagBytes = lagBytes
        self.lagSeconds = lagSeconds
        self.error = error
    }
}

/// One host of a shared archive.
public struct HostCount: Codable, Sendable, Equatable {
    public var host: String
    /// Its inbox files that are indexed.
    public var files: Int
    /// Its files that could not be indexed.
    public var failed: Int
    /// Unix seconds of its last start.
    public var lastSeen: Double

    public init(host: String, files: Int, failed: Int, lastSeen: Double) {
        self.host = host
        self.files = files
        self.failed = failed
        self.lastSeen = lastSeen
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
    /// Position in the whole result list, from 1 (offset + place on this page).
    public var rank: Int
    public var id: Int64
    /// Path relative to the inbox (the first, when the article is in several files).
    public var path: String
    /// Every inbox path holding this article.
    public var paths: [String]
    public var title: String
    /// The outlet, when the text names it.
    public var outlet: String?
    /// The byline or credit, when the text names one.
    public var byline: String?
    /// The article's day, `YYYY-MM-DD`: from the text when it gives one, else the file's.
    public var date: String
    /// How sure `date` is: `published` (day and year from the article), `inferred` (the year
    /// is the file's), `file` (the file's modification day).
    public var dateSource: DateSource
    /// The article's own web address, when known.
    public var url: String?
    /// ISO 639-1 code of the article's language, when known.
    public var language: String?
    /// Relevance: larger is better (FTS5's bm25 with the sign flipped); 0 when the query has no words.
    public var score: Double
    /// The best-matching passage, plain text.
    public var snippet: String
    /// Where the matched terms are in `snippet`.
    public var highlights: [Highlight]
    /// Near-duplicate articles (syndicated copies, light edits) shown as this one hit.
    public var copies: Int
    /// The story this article belongs to.
    public var story: StorySummary?
    /// With grouping by story: how many matching articles the story has (this hit is the best).
    public var storyHits: Int?

    public init(rank: Int = 1, id: Int64, path: String, paths: [String], title: String, outlet: String? = nil, byline: String? = nil,
                date: String = "", dateSource: DateSource = .file, url: String? = nil, language: String? = nil,
                score: Double, snippet: String, highlights: [Highlight],
                copies: Int = 0, story: StorySummary? = nil, storyHits: Int? = nil) {
        self.url = url
        self.language = language
        self.copies = copies
        self.story = story
        self.storyHits = storyHits
        self.rank = rank
        self.id = id
        self.path = path
        self.paths = paths
        self.title = title
        self.outlet = outlet
        self.byline = byline
        self.date = date
        self.dateSource = dateSource
        self.score = score
        self.snippet = snippet
        self.highlights = highlights
    }
}

/// A story: the reports of one event, from one or more outlets.
public struct StorySummary: Codable, Sendable, Equatable {
    public var id: Int64
    /// Articles in the story (copies counted).
    public var articles: Int
    /// Distinct outlets named by its articles.
    public var outlets: Int
    /// Dates of its first and last article, `YYYY-MM-DD`.
    public var firstDate: String
    public var lastDate: String

    public init(id: Int64, articles: Int, outlets: Int, firstDate: String, lastDate: String) {
        self.id = id
        self.articles = articles
        self.outlets = outlets
        self.firstDate = firstDate
        self.lastDate = lastDate
    }
}

/// `GET /v1/stories/ID`: a story as a timeline.
public struct StoryResponse: Codable, Sendable, Equatable {
    /// One report in the story.
    public struct Entry: Codable, Sendable, Equatable {
        public var id: Int64
        public var date: String
        public var dateSource: DateSource
        public var outlet: String?
        public var title: String
        public var path: String
        /// Set when this article is a near-duplicate of another in the story.
        public var copyOf: Int64?

        public init(id: Int64, date: String, dateSource: DateSource, outlet: String?, title: String, path: String, copyOf: Int64?) {
            self.id = id
            self.date = date
            self.dateSource = dateSource
            self.outlet = outlet
            self.title = title
            self.path = path
            self.copyOf = copyOf
        }
    }

    public var story: StorySummary
    /// Oldest first; the first entry reported first.
    public var timeline: [Entry]

    public init(story: StorySummary, timeline: [Entry]) {
        self.story = story
        self.timeline = timeline
    }
}

/// `GET /v1/articles/ID/related`: the most similar articles, whether or not they share a story.
public struct RelatedResponse: Codable, Sendable, Equatable {
    public struct Entry: Codable, Sendable, Equatable {
        public var id: Int64
        public var title: String
        public var outlet: String?
        public var date: String
        public var path: String
        /// Symmetric, stable similarity in 0…1 (the one stories are decided by).
        public var similarity: Double
        public var storyId: Int64?
        /// Whether it is in the same story as the article asked about.
        public var sameStory: Bool
        /// Whether it is a near-duplicate (a copy) of it.
        public var copy: Bool

        public init(id: Int64, title: String, outlet: String?, date: String, path: String, similarity: Double,
                    storyId: Int64?, sameStory: Bool, copy: Bool) {
            self.id = id
            self.title = title
            self.outlet = outlet
            self.date = date
            self.path = path
            self.similarity = similarity
            self.storyId = storyId
            self.sameStory = sameStory
            self.copy = copy
        }
    }

    public var id: Int64
    public var title: String
    public var related: [Entry]

    public init(id: Int64, title: String, related: [Entry]) {
        self.id = id
        self.title = title
        self.related = related
    }
}

/// How many articles are in one language.
public struct LanguageCount: Codable, Sendable, Equatable {
    /// ISO 639-1 code.
    public var language: String
    public var articles: Int

    public init(language: String, articles: Int) {
        self.language = language
        self.articles = articles
    }
}

/// How many articles name one outlet.
public struct OutletCount: Codable, Sendable, Equatable {
    public var outlet: String
    public var articles: Int

    public init(outlet: String, articles: Int) {
        self.outlet = outlet
        self.articles = articles
    }
}

/// How hits are grouped.
public enum SearchGrouping: String, Codable, Sendable, Equatable, CaseIterable {
    /// One hit per article; near-duplicates fold into the best of them ("+N copies").
    case copies
    /// One hit per story: its best-matching article, with the story's size and outlets.
    case stories
}

/// The order of search results.
public enum SearchSort: String, Codable, Sendable, Equatable, CaseIterable {
    /// Best match first (bm25, headline weighted above body); ties go to the newer article.
    case relevance
    /// Newest article date first.
    case newest
    /// Oldest article date first.
    case oldest
    /// Stories carried by the most outlets first, then by relevance.
    case coverage
    /// Latest to arrive in the index first.
    case added
}

/// `GET /v1/timeline`: how many matching articles are dated in each period.
public struct TimelineResponse: Codable, Sendable, Equatable {
    public struct Row: Codable, Sendable, Equatable {
        /// The period's first day, `YYYY-MM-DD` (weeks start on Monday).
        public var start: String
        /// With `by_outlet`: the outlet (nil for articles naming none).
        public var outlet: String?
        public var count: Int

        public init(start: String, outlet: String?, count: Int) {
            self.start = start
            self.outlet = outlet
            self.count = count
        }
    }

    public var query: String
    public var by: CoveragePeriod
    public var byOutlet: Bool
    /// Matching articles with a date of their own, all counted in `rows`.
    public var total: Int
    /// Matching articles dated only by their file: not in `rows`.
    public var undated: Int
    /// Every period from the first to the last with articles, oldest first (per outlet: each
    /// outlet's periods with articles, outlets with the most articles first).
    public var rows: [Row]

    public init(query: String, by: CoveragePeriod, byOutlet: Bool, total: Int, undated: Int, rows: [Row]) {
        self.query = query
        self.by = by
        self.byOutlet = byOutlet
        self.total = total
        self.undated = undated
        self.rows = rows
    }
}

/// How `GET /v1/stories` orders stories.
public enum StoryListSort: String, Codable, Sendable, Equatable, CaseIterable {
    /// The latest report first (by the story's last date).
    case latest
    /// The most articles first.
    case size
    /// The most outlets first.
    case outlets
}

/// One story in `GET /v1/stories`: its size and span, and the headline of its first report.
public struct StoryListEntry: Codable, Sendable, Equatable {
    public var story: StorySummary
    /// The headline of the story's first report (as `newsctl story` lists it first).
    public var headline: String

    public init(story: StorySummary, headline: String) {
        self.story = story
        self.headline = headline
    }
}

/// `GET /v1/stories`.
public struct StoryListResponse: Codable, Sendable, Equatable {
    /// Stories whose last report is dated on or after this day, when given.
    public var since: String?
    public var sort: StoryListSort
    /// Stories that match, not only the ones listed.
    public var total: Int
    public var stories: [StoryListEntry]

    public init(since: String?, sort: StoryListSort, total: Int, stories: [StoryListEntry]) {
        self.since = since
        self.sort = sort
        self.total = total
        self.stories = stories
    }
}

/// `GET /v1/new` (a look) and `POST /v1/new` (a look that moves the reader's mark).
public struct NewArticlesResponse: Codable, Sendable, Equatable {
    /// Articles that arrived after this moment (Unix seconds) are new: the reader's last look,
    /// or a day before now at their first.
    public var since: Double
    /// `since` in newsd's local time, `YYYY-MM-DD HH:MM`.
    public var sinceText: String
    /// True at the reader's first look: `since` is then a day ago.
    public var firstLook: Bool
    /// A query for every new article, for `find` (`added:>3h`): the page holds `limit` of them.
    public var allQuery: String
    /// New articles, one per copy group, latest arrival first.
    public var total: Int
    public var hits: [SearchHit]

    public init(since: Double, sinceText: String, firstLook: Bool, allQuery: String, total: Int, hits: [SearchHit]) {
        self.since = since
        self.sinceText = sinceText
        self.allQuery = allQuery
        self.firstLook = firstLook
        self.total = total
        self.hits = hits
    }
}

/// `GET /v1/search`.
public struct SearchResponse: Codable, Sendable, Equatable {
    public var query: String
    public var sort: SearchSort
    public var group: SearchGrouping
    /// Only stories carried by at least this many outlets, when set.
    public var minOutlets: Int?
    /// All matching articles, not just this page.
    public var total: Int
    public var limit: Int
    public var offset: Int
    public var hits: [SearchHit]
    /// True when no article holds every word of a query of plain words, and the hits are the
    /// articles sharing the most of them, rarer words weighing more (`SearchQuery.partialMatch`).
    public var partial: Bool?

    public init(query: String, sort: SearchSort = .relevance, group: SearchGrouping = .copies, minOutlets: Int? = nil,
                total: Int, limit: Int, offset: Int, hits: [SearchHit], partial: Bool? = nil) {
        self.partial = partial
        self.query = query
        self.sort = sort
        self.group = group
        self.minOutlets = minOutlets
        self.total = total
        self.limit = limit
        self.offset = offset
        self.hits = hits
    }
}

/// `GET /v1/articles/ID` or `GET /v1/articles?path=P`: one whole article with its metadata.
public struct ArticleResponse: Codable, Sendable, Equatable {
    public var id: Int64
    public var title: String
    public var outlet: String?
    public var byline: String?
    /// `YYYY-MM-DD`: from the text when it gives one, else the file's.
    public var date: String
    /// How sure `date` is (see `SearchHit.dateSource`).
    public var dateSource: DateSource
    /// The article's own web address, when known.
    public var url: String?
    /// ISO 639-1 code of the article's language, when known.
    public var language: String?
    public var wordCount: Int
    /// How the file's bytes were decoded: `utf-8` or `windows-1252`.
    public var encoding: String
    /// Every inbox path holding this article, sorted.
    public var paths: [String]
    /// The indexed body: paragraphs separated by a blank line, boilerplate and repeated paragraphs left out.
    public var body: String
    /// When newsd first indexed this text (Unix seconds).
    public var ingestedAt: Double
    /// The story the article belongs to.
    public var storyId: Int64?
    /// Set when the article is a near-duplicate of another: that article's id.
    public var copyOf: Int64?
    /// With `copyOf`: the estimated share of word shingles the two have in common (0…1).
    public var copySimilarity: Double?

    public init(id: Int64, title: String, outlet: String?, byline: String?, date: String, dateSource: DateSource,
                url: String? = nil, language: String? = nil,
                wordCount: Int, encoding: String, paths: [String], body: String, ingestedAt: Double,
                storyId: Int64? = nil, copyOf: Int64? = nil, copySimilarity: Double? = nil) {
        self.url = url
        self.language = language
        self.copySimilarity = copySimilarity
        self.storyId = storyId
        self.copyOf = copyOf
        self.id = id
        self.title = title
        self.outlet = outlet
        self.byline = byline
        self.date = date
        self.dateSource = dateSource
        self.wordCount = wordCount
        self.encoding = encoding
        self.paths = paths
        self.body = body
        self.ingestedAt = ingestedAt
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

/// One file that could not be indexed.
public struct FailureInfo: Codable, Sendable, Equatable {
    /// Path relative to the inbox (escaped when the name itself is the problem).
    public var path: String
    /// Stable code: `empty`, `whitespace-only`, `binary`, `too-large`, `permission-denied`,
    /// `not-regular`, `bad-name`, `io-error`.
    public var code: String
    /// What is wrong and what to do.
    public var reason: String

    public init(path: String, code: String, reason: String) {
        self.path = path
        self.code = code
        self.reason = reason
    }
}

/// `GET /v1/failures`.
public struct FailuresResponse: Codable, Sendable, Equatable {
    public var total: Int
    public var failures: [FailureInfo]

    public init(total: Int, failures: [FailureInfo]) {
        self.total = total
        self.failures = failures
    }
}

/// The answer to `POST /v1/pause`, `/v1/resume` and `/v1/reindex`.
public struct ControlResponse: Codable, Sendable, Equatable {
    /// The state after the request.
    public var state: String
    public var message: String

    public init(state: String, message: String) {
        self.state = state
        self.message = message
    }
}

/// Limits of the search API.
public enum SearchLimits {
    public static let defaultLimit = 10
    public static let maxLimit = 1000
    public static let maxQueryLength = 1024
}
