import Hummingbird
import NewsCore
import NewsIndex

/// The `/v1` routes of the control API. Handlers only read the index.
struct ControlRoutes: Sendable {
    let config: DaemonConfig
    let index: ArticleIndex
    let status: DaemonStatus
    let queue: IngestQueue
    static let version = "0.1.0"

    func register(on router: Router<BasicRequestContext>) {
        router.get("/v1/status") { _, _ in try statusResponse() }
        router.get("/v1/search") { request, _ in try search(request) }
    }

    func statusResponse() throws -> Response {
        let counts = try index.counts()
        return JSONResponse.make(StatusResponse(
            state: status.current.rawValue, inbox: config.inbox,
            articles: counts.articles, files: counts.files, pending: queue.pendingCount, failed: counts.failed,
            indexBytes: index.sizeOnDisk(), uptimeSeconds: status.uptime, version: Self.version))
    }

    func search(_ request: Request) throws -> Response {
        let parameters = request.uri.queryParameters
        guard let text = parameters["q"].map(String.init), !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw APIError(status: .badRequest, code: "missing-query", message: "missing query: pass the words to search for as ?q=")
        }
        guard text.count <= SearchLimits.maxQueryLength else {
            throw APIError(status: .uriTooLong, code: "query-too-long",
                           message: "the query is \(text.count) characters; the limit is \(SearchLimits.maxQueryLength)")
        }
        let limit = try integer(parameters["limit"].map(String.init), name: "limit", default: SearchLimits.defaultLimit, range: 1...SearchLimits.maxLimit)
        let offset = try integer(parameters["offset"].map(String.init), name: "offset", default: 0, range: 0...1_000_000)
        let query: SearchQuery
        do {
            query = try SearchQuery.parse(text)
        } catch {
            throw APIError(status: .badRequest, code: "bad-query", message: error.description, column: error.column)
        }
        let result = try index.search(query, limit: limit, offset: offset)
        return JSONResponse.make(SearchResponse(query: text, total: result.total, limit: limit, offset: offset, hits: result.hits))
    }

    private func integer(_ raw: String?, name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let raw else { return value }
        guard let number = Int(raw), range.contains(number) else {
            throw APIError(status: .badRequest, code: "bad-parameter",
                           message: "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), got '\(raw)'")
        }
        return number
    }
}
