import Hummingbird
import NewsCore
import NewsIndex
import NewsSystem

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
        router.get("/v1/articles/:id") { request, context in try article(request, context) }
        router.get("/v1/articles/:id/raw") { _, context in try rawArticle(context) }
        router.get("/v1/articles/:id/related") { request, context in try related(request, context) }
        router.get("/v1/stories/:id") { _, context in try story(context) }
        router.get("/v1/articles") { request, _ in try articleByPath(request) }
        router.get("/v1/failures") { request, _ in try failures(request) }
        router.post("/v1/pause") { _, _ in
            queue.pause()
            return control("paused: new files are queued, not indexed, until `newsctl resume`")
        }
        router.post("/v1/resume") { _, _ in
            queue.resume()
            return control("resumed: queued files are being indexed")
        }
        router.post("/v1/reconcile") { _, _ in
            queue.add([.scan("", reread: false)])
            return control("reconciling: the inbox is compared with the index; changed files are read again")
        }
        router.post("/v1/reindex") { _, _ in
            queue.add([.scan("", reread: true)])
            let note = queue.isPaused ? " (starts when resumed)" : ""
            return control("reindexing: every inbox file is read again\(note)")
        }
    }

    private var stateWord: String { status.state(paused: queue.isPaused, pending: queue.pendingCount) }

    private func control(_ message: String) -> Response {
        JSONResponse.make(ControlResponse(state: stateWord, message: message))
    }

    func statusResponse() throws -> Response {
        let counts = try index.counts()
        let unwatched = queue.unwatchedFolders.sorted { $0.key < $1.key }.map { UnwatchedFolder(path: $0.key, reason: $0.value) }
        return JSONResponse.make(StatusResponse(
            state: stateWord, error: status.problem, progress: status.progress, unwatched: unwatched, inbox: config.inbox,
            articles: counts.articles, files: counts.files, pending: queue.pendingCount, failed: counts.failed,
            stories: try index.storyCount(), unplaced: try index.unplacedCount(), outlets: try index.outletCounts(limit: 10),
            indexBytes: index.sizeOnDisk(), uptimeSeconds: status.uptime, version: Self.version))
    }

    func failures(_ request: Request) throws -> Response {
        let limit = try integer(request.uri.queryParameters["limit"].map(String.init), name: "limit", default: 1000, range: 1...100_000)
        let total = try index.counts().failed
        let list = try index.failures(limit: limit).map { FailureInfo(path: $0.path, code: $0.code, reason: $0.reason) }
        return JSONResponse.make(FailuresResponse(total: total, failures: list))
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
        let sortName = parameters["sort"].map(String.init) ?? SearchSort.relevance.rawValue
        guard let sort = SearchSort(rawValue: sortName) else {
            throw APIError(status: .badRequest, code: "bad-parameter",
                           message: "sort must be one of \(SearchSort.allCases.map(\.rawValue).joined(separator: ", ")), got '\(sortName)'")
        }
        let query: SearchQuery
        do {
            query = try SearchQuery.parse(text)
        } catch {
            throw APIError(status: .badRequest, code: "bad-query", message: error.description, column: error.column)
        }
        let groupName = parameters["group"].map(String.init) ?? SearchGrouping.copies.rawValue
        guard let group = SearchGrouping(rawValue: groupName) else {
            throw APIError(status: .badRequest, code: "bad-parameter",
                           message: "group must be one of \(SearchGrouping.allCases.map(\.rawValue).joined(separator: ", ")), got '\(groupName)'")
        }
        let minOutlets = try parameters["min_outlets"].map { try integer(String($0), name: "min_outlets", default: 1, range: 1...1000) }
        let result = try index.search(query, sort: sort, group: group, minOutlets: minOutlets, limit: limit, offset: offset)
        return JSONResponse.make(SearchResponse(query: text, sort: sort, group: group, minOutlets: minOutlets,
                                                total: result.total, limit: limit, offset: offset, hits: result.hits))
    }

    func article(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        let id = try articleId(context)
        guard let article = try index.article(id: id) else {
            throw APIError(status: .notFound, code: "not-found", message: "no article with id \(id); ids are shown by `newsctl find`")
        }
        return JSONResponse.make(article)
    }

    /// `?path=` relative to the inbox, as `newsctl find` prints it.
    func articleByPath(_ request: Request) throws -> Response {
        guard let path = request.uri.queryParameters["path"].map(String.init), !path.isEmpty else {
            throw APIError(status: .badRequest, code: "missing-path", message: "pass ?path= with a path relative to the inbox, or use /v1/articles/ID")
        }
        guard let id = try index.articleId(path: path), let article = try index.article(id: id) else {
            throw APIError(status: .notFound, code: "not-found",
                           message: "no indexed article at '\(path)' (paths are relative to the inbox \(config.inbox); see `newsctl failures` for files that could not be indexed)")
        }
        return JSONResponse.make(article)
    }

    /// The file as it is on disk, for `newsctl show --raw`: the first of the article's paths that can still be read.
    func rawArticle(_ context: BasicRequestContext) throws -> Response {
        let id = try articleId(context)
        guard let article = try index.article(id: id) else {
            throw APIError(status: .notFound, code: "not-found", message: "no article with id \(id); ids are shown by `newsctl find`")
        }
        for path in article.paths {
            if let file = try? ArticleFileReader.read(path: config.inbox + "/" + path, maxBytes: config.maxFileBytes) {
                var headers = HTTPFields()
                headers[.contentType] = "application/octet-stream"
                return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: file.bytes)))
            }
        }
        throw APIError(status: .notFound, code: "file-gone",
                       message: "article \(id) is indexed but none of its files can be read now (\(article.paths.joined(separator: ", "))); run `newsctl reconcile`")
    }

    func related(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        let id = try articleId(context)
        let limit = try integer(request.uri.queryParameters["limit"].map(String.init), name: "limit", default: 10, range: 1...100)
        guard let related = try index.related(id: id, limit: limit) else {
            throw APIError(status: .notFound, code: "not-found", message: "no article with id \(id); ids are shown by `newsctl find`")
        }
        return JSONResponse.make(related)
    }

    func story(_ context: BasicRequestContext) throws -> Response {
        let id = try articleId(context, what: "story id")
        guard let story = try index.story(id: id) else {
            throw APIError(status: .notFound, code: "not-found", message: "no story with id \(id); story ids are shown by `newsctl find --stories`")
        }
        return JSONResponse.make(story)
    }

    private func articleId(_ context: BasicRequestContext, what: String = "article id") throws -> Int64 {
        let raw = context.parameters.get("id") ?? ""
        guard let id = Int64(raw), id > 0 else {
            throw APIError(status: .badRequest, code: "bad-parameter", message: "\(what) must be a positive whole number, got '\(raw)'")
        }
        return id
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
