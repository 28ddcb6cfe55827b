#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
@_exported import NewsCore

/// Requests that change what the ingest loop does.
public enum ControlAction: String, Sendable, CaseIterable {
    case pause, resume, reconcile, reindex
}

/// The typed client of newsd's control API, used by newsctl and the tests.
public struct NewsClient: Sendable {
    public let http: UnixHTTPClient

    /// The socket newsd listens on unless told otherwise.
    public static let defaultSocketPath = "/run/newsd/newsd.sock"

    /// `--socket`, else `$NEWSD_SOCKET`, else the default.
    public static func socketPath(flag: String?, environment: [String: String]) -> String {
        if let flag, !flag.isEmpty { return flag }
        if let env = environment["NEWSD_SOCKET"], !env.isEmpty { return env }
        return defaultSocketPath
    }

    public init(socketPath: String, timeoutSeconds: Int = 30) {
        http = UnixHTTPClient(socketPath: socketPath, timeoutSeconds: timeoutSeconds)
    }

    /// `GET /v1/status`.
    public func status() throws(ClientError) -> StatusResponse {
        try decode(StatusResponse.self, from: http.get("/v1/status"))
    }

    /// `GET /v1/search`.
    public func search(_ query: String, sort: SearchSort = .relevance, group: SearchGrouping = .copies, minOutlets: Int? = nil,
                       limit: Int = SearchLimits.defaultLimit, offset: Int = 0) throws(ClientError) -> SearchResponse {
        var path = "/v1/search?q=\(Self.percentEncoded(query))&sort=\(sort.rawValue)&group=\(group.rawValue)&limit=\(limit)&offset=\(offset)"
        if let minOutlets { path += "&min_outlets=\(minOutlets)" }
        return try decode(SearchResponse.self, from: http.get(path))
    }

    /// `POST /v1/new` (or `GET` with `peek`: the mark stays where it was).
    public func newArticles(limit: Int = SearchLimits.defaultLimit, peek: Bool = false) throws(ClientError) -> NewArticlesResponse {
        let path = "/v1/new?limit=\(limit)"
        return try decode(NewArticlesResponse.self, from: peek ? http.get(path) : http.post(path))
    }

    /// `GET /v1/timeline`.
    public func timeline(_ query: String, by period: CoveragePeriod = .day, byOutlet: Bool = false) throws(ClientError) -> TimelineResponse {
        let path = "/v1/timeline?q=\(Self.percentEncoded(query))&by=\(period.rawValue)\(byOutlet ? "&by_outlet=true" : "")"
        return try decode(TimelineResponse.self, from: http.get(path))
    }

    /// `GET /v1/stories`.
    public func stories(since: String? = nil, minArticles: Int = 2, sort: StoryListSort = .latest, limit: Int = 20) throws(ClientError) -> StoryListResponse {
        var path = "/v1/stories?sort=\(sort.rawValue)&min_articles=\(minArticles)&limit=\(limit)"
        if let since { path += "&since=\(Self.percentEncoded(since))" }
        return try decode(StoryListResponse.self, from: http.get(path))
    }

    /// `GET /v1/stories/ID`.
    public func story(id: Int64) throws(ClientError) -> StoryResponse {
        try decode(StoryResponse.self, from: http.get("/v1/stories/\(id)"))
    }

    /// `GET /v1/articles/ID/related`.
    public func related(id: Int64, limit: Int = 10) throws(ClientError) -> RelatedResponse {
        try decode(RelatedResponse.self, from: http.get("/v1/articles/\(id)/related?limit=\(limit)"))
    }

    /// `GET /v1/articles/ID`.
    public func article(id: Int64) throws(ClientError) -> ArticleResponse {
        try decode(ArticleResponse.self, from: http.get("/v1/articles/\(id)"))
    }

    /// `GET /v1/articles?path=P`, with `path` relative to the inbox.
    public func article(path: String) throws(ClientError) -> ArticleResponse {
        try decode(ArticleResponse.self, from: http.get("/v1/articles?path=\(Self.percentEncoded(path))"))
    }

    /// `GET /v1/articles/ID/raw`: the bytes of the article's file, untouched.
    public func rawArticle(id: Int64) throws(ClientError) -> [UInt8] {
        let reply = try http.get("/v1/articles/\(id)/raw")
        guard (200..<300).contains(reply.status) else {
            _ = try decode(ArticleResponse.self, from: reply) // throws the API error
            throw .badResponse("HTTP \(reply.status)")
        }
        return reply.body
    }

    /// `GET /v1/failures`.
    public func failures(limit: Int = 1000, ignored: Bool = false) throws(ClientError) -> FailuresResponse {
        try decode(FailuresResponse.self, from: http.get("/v1/failures?limit=\(limit)\(ignored ? "&ignored=true" : "")"))
    }

    /// `POST /v1/pause`, `/v1/resume` or `/v1/reindex`.
    public func control(_ action: ControlAction) throws(ClientError) -> ControlResponse {
        try decode(ControlResponse.self, from: http.post("/v1/\(action.rawValue)"))
    }

    /// `GET /v1/watch`: hands `onMatch` each newly indexed article matching `query` as it
    /// arrives, until newsd ends the stream or `onMatch` returns false. `onStart` runs once
    /// the watch is live (articles indexed from then on are sent).
    public func watch(_ query: String, onStart: () -> Void = {}, onMatch: (SearchHit) -> Bool) throws(ClientError) {
        var stoppedByCaller = false
        let reply = try http.stream("/v1/watch?q=\(Self.percentEncoded(query))") { line throws(ClientError) in
            // An error line (the watch fell behind, newsd is stopping) ends the watch with its reason.
            if let failure = try? JSONDecoder().decode(APIErrorResponse.self, from: Data(line.utf8)) {
                throw .api(status: failure.error.status, failure)
            }
            guard let message = try? JSONDecoder().decode(WatchMessage.self, from: Data(line.utf8)) else {
                throw .badResponse("a watch line is not JSON: \(line.prefix(200))")
            }
            if message.watching != nil { onStart() }
            let more = message.hit.map(onMatch) ?? true
            if !more { stoppedByCaller = true }
            return more
        }
        if let reply {
            _ = try decode(WatchMessage.self, from: reply)
        } else if !stoppedByCaller {
            throw .badResponse("newsd ended the watch without saying why")
        }
    }

    /// `GET /v1/alerts`.
    public func alerts() throws(ClientError) -> AlertListResponse {
        try decode(AlertListResponse.self, from: http.get("/v1/alerts"))
    }

    /// `GET /v1/alerts/NAME`: the alert and its latest matches.
    public func alert(name: String, limit: Int = 20) throws(ClientError) -> AlertResponse {
        try decode(AlertResponse.self, from: http.get("/v1/alerts/\(Self.percentEncoded(name))?limit=\(limit)"))
    }

    /// `POST /v1/alerts`.
    public func addAlert(name: String, query: String) throws(ClientError) -> AlertInfo {
        try decode(AlertInfo.self, from: http.post("/v1/alerts", form: "name=\(Self.percentEncoded(name))&q=\(Self.percentEncoded(query))"))
    }

    /// `DELETE /v1/alerts/NAME`.
    public func removeAlert(name: String) throws(ClientError) -> ControlResponse {
        try decode(ControlResponse.self, from: http.delete("/v1/alerts/\(Self.percentEncoded(name))"))
    }

    /// Decodes a 2xx body as `type`, or an error body as `ClientError.api`.
    public func decode<T: Decodable>(_ type: T.Type, from reply: HTTPReply) throws(ClientError) -> T {
        let data = Data(reply.body)
        guard (200..<300).contains(reply.status) else {
            if let body = try? JSONDecoder().decode(APIErrorResponse.self, from: data) { throw .api(status: reply.status, body) }
            throw .badResponse("HTTP \(reply.status) without an error body")
        }
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw .badResponse("\(error)")
        }
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters.
    public static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(Character(Unicode.Scalar(byte)))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }
}
