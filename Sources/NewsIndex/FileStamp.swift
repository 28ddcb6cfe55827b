import GRDB
import NewsCore
/// What `stat` says about a file: enough to tell, without reading it, whether it changed.
public struct FileStamp: Sendable, Equatable, Hashable {
    public var inode: UInt64
    public var size: Int64
    /// Modification time in nanoseconds since the epoch.
    public var mtimeNs: Int64
    /// Status-change time (ctime) in nanoseconds: it moves with every change to the inode, a
    /// `chmod` or `chown` included, so a permission change missed during a crash is still seen.
    public var ctimeNs: Int64

    public init(inode: UInt64, size: Int64, mtimeNs: Int64, ctimeNs: Int64 = 0) {
        self.inode = inode
        self.size = size
        self.mtimeNs = mtimeNs
        self.ctimeNs = ctimeNs
    }
}

/// One change to apply to the index, produced by the ingest service from the inbox's state.
public enum IndexChange: Sendable, Equatable {
    /// The file at `path` (relative to the inbox) holds this article.
    case upsert(path: String, stamp: FileStamp, article: IndexableArticle)
    /// The file at `path` holds several articles, each indexed as `path#key`; members it no
    /// longer holds leave the index. `skipped` entries could not be read (`skippedReasons`
    /// says why, for the first few).
    case upsertMembers(path: String, stamp: FileStamp, members: [Member], skipped: Int, skippedReasons: String? = nil)
    /// The file at `path` could not be indexed; whatever it held before is gone from the index.
    case failed(path: String, stamp: FileStamp, code: String, reason: String)
    /// The file at `path` no longer exists (or is no longer an article).
    case remove(path: String)

    public var path: String {
        switch self {
        case .upsert(let path, _, _), .upsertMembers(let path, _, _, _, _), .failed(let path, _, _, _), .remove(let path): path
        }
    }

    /// One article of a multi-article file.
    public struct Member: Sendable, Equatable {
        /// Its position in the file ("17"): the article's path is `file#17`.
        public var key: String
        public var article: IndexableArticle

        public init(key: String, article: IndexableArticle) {
            self.key = key
            self.article = article
        }
    }
}

/// The parts of an analysed article the index stores. The stored form of its fingerprint is made
/// when it is created, by the thread that read the file, so that the index's single writer only
/// copies bytes; its text is compressed by the writer, which knows the archive's dictionary.
public struct IndexableArticle: Sendable, Equatable {
    public var contentHash: String
    public var headline: String { didSet { prepare() } }
    public var body: String { didSet { prepare() } }
    /// `ArticleFingerprint.of(headline, body)`, encoded.
    public private(set) var fingerprint: [UInt8] = []
    public var encoding: String
    public var wordCount: Int
    public var outlet: String?
    public var byline: String?
    /// `YYYY-MM-DD` when the text gives a date (a day, with or without its year).
    public var publishedDate: String?
    /// `published` or `inferred` with `publishedDate`; `file` without.
    public var dateSource: DateSource
    /// The article's own web address.
    public var url: String?
    /// ISO 639-1 code of its language.
    public var language: String?
    /// `YYYY-MM-DD` of the file's modification time: the article's date when the text gives none.
    public var fileDate: String
    /// Unix seconds of the file's modification time.
    public var fileTime: Double

    public init(contentHash: String, headline: String, body: String, encoding: String, wordCount: Int,
                outlet: String? = nil, byline: String? = nil, publishedDate: String? = nil, dateSource: DateSource? = nil,
                url: String? = nil, language: String? = nil, fileDate: String = "1970-01-01", fileTime: Double = 0) {
        self.fileTime = fileTime
        self.dateSource = publishedDate == nil ? .file : (dateSource ?? .published)
        self.url = url
        self.language = language
        self.contentHash = contentHash
        self.headline = headline
        self.body = body
        self.encoding = encoding
        self.wordCount = wordCount
        self.outlet = outlet
        self.byline = byline
        self.publishedDate = publishedDate
        self.fileDate = fileDate
        prepare()
    }

    private mutating func prepare() {
        fingerprint = ArticleFingerprint.of(headline: headline, body: body).encoded
    }

    /// The date articles are filtered and sorted by.
    public var articleDate: String { publishedDate ?? fileDate }

    /// `articleDate` as the index stores it: days since 1970-01-01.
    var articleDay: Int { (CalendarDay(iso: articleDate) ?? CalendarDay(iso: fileDate))?.dayNumber ?? 0 }

    /// `dateSource` as the shared archive stores it: NULL for the file's date.
    public var storedDateSource: String? { dateSource == .file ? nil : dateSource.rawValue }

    /// `dateSource` as the index stores it (`DateKind`): nil for the file's date.
    var storedDateKind: Int64? { DateKind.stored(dateSource) }
}

/// What one batch did, for logging.
public struct AppliedChange: Sendable, Equatable {
    public enum Outcome: String, Sendable { case indexed, duplicate, failed, removed, unchanged }
    public var path: String
    public var outcome: Outcome
    public var articleId: Int64?
    /// For indexed files: how the text was decoded.
    public var encoding: String?
    /// For failures: the code and reason.
    public var failure: (code: String, reason: String)?

    public init(path: String, outcome: Outcome, articleId: Int64? = nil, encoding: String? = nil, failure: (code: String, reason: String)? = nil) {
        self.path = path
        self.outcome = outcome
        self.articleId = articleId
        self.encoding = encoding
        self.failure = failure
    }

    public static func == (a: AppliedChange, b: AppliedChange) -> Bool {
        a.path == b.path && a.outcome == b.outcome && a.articleId == b.articleId && a.encoding == b.encoding
            && a.failure?.code == b.failure?.code && a.failure?.reason == b.failure?.reason
    }
}

/// A recorded failure, as listed to users.
public struct FailureRecord: Sendable, Equatable {
    public var path: String
    public var code: String
    public var reason: String
    public var stamp: FileStamp

    public init(path: String, code: String, reason: String, stamp: FileStamp) {
        self.path = path
        self.code = code
        self.reason = reason
        self.stamp = stamp
    }
}

extension FailureRecord {
    /// A row of `path, code, reason, inode, size, mtimeNs, ctimeNs`.
    init(row: Row) {
        self.init(path: row[0], code: row[1], reason: row[2],
                  stamp: FileStamp(inode: UInt64(bitPattern: row[3]), size: row[4], mtimeNs: row[5], ctimeNs: row[6]))
    }
}
