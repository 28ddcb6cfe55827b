import Hummingbird
import Logging
import NewsCore
import NewsIndex
import NewsPostgres
import NewsSystem

/// The `/v1` routes of the control API. Handlers only read the archive, through `ArchiveStore`
/// (whose embedded reads run off Swift's cooperative pool); searches also pass a gate and a time
/// budget.
struct ControlRoutes: Sendable {
    let settings: SettingsStore
    let store: any ArchiveStore
    let status: DaemonStatus
    let queue: IngestQueue
    let searches: AsyncGate
    let logger: Logger
    static let version = NewsdVersion.current

    /// The configuration in force: limits change on reload.
    private var config: DaemonConfig { settings.current }

    func register(on router: Router<ControlContext>) {
        router.get("/v1/status") { _, _ in try await statusResponse() }
        router.get("/v1/search") { request, _ in
            // A client that hangs up cancels its search, down to the SQLite statement.
            try await request.body.consumeWithCancellationOnInboundClose { _ in try await search(request) }
        }
        router.get("/v1/articles/:id") { request, context in try await article(request, context) }
        router.get("/v1/articles/:id/raw") { _, context in try await rawArticle(context) }
        router.get("/v1/articles/:id/related") { request, context in try await related(request, context) }
        router.get("/v1/stories/:id") { _, context in try await story(context) }
        router.get("/v1/stories") { request, _ in try await storyList(request) }
        router.get("/v1/timeline") { request, _ in
            try await request.body.consumeWithCancellationOnInboundClose { _ in try await timeline(request) }
        }
        router.get("/v1/articles") { request, _ in try await articleByPath(request) }
        router.get("/v1/failures") { request, _ in try await failures(request) }
        router.get("/v1/new") { request, context in try await newArticles(request, context, marking: false) }
        router.post("/v1/new") { request, context in try await newArticles(request, context, marking: true) }
        router.post("/v1/pause") { _, _ in
            queue.pause()
            return try control("paused: new files are queued, not indexed, until `newsctl resume`")
        }
        router.post("/v1/resume") { _, _ in
            queue.resume()
            return try control("resumed: queued files are being indexed")
        }
        router.post("/v1/reconcile") { _, _ in
            queue.add([.scan("", reread: false)])
            return try control("reconciling: the inbox is compared with the index; changed files are read again")
        }
        router.post("/v1/reindex") { _, _ in
            queue.add([.scan("", reread: true)])
            let note = queue.isPaused ? " (starts when resumed)" : ""
            return try control("reindexing: every inbox file is read again\(note)")
        }
    }

    private var stateWord: String { status.state(paused: queue.isPaused, pending: queue.pendingCount) }

    private func control(_ message: String) throws -> Response {
        try JSONResponse.make(ControlResponse(state: stateWord, message: message))
    }

    func statusResponse() async throws -> Response {
        let unwatched = queue.unwatchedFolders.sorted { $0.key < $1.key }.map { UnwatchedFolder(path: $0.key, reason: $0.value) }
        let pending = queue.pendingCount
        let counts: StoreStatus
        do {
            counts = try await store.status()
        } catch let error as ArchiveError {
            // The database is away: status still answers, and says so.
            return try JSONResponse.make(StatusResponse(
                state: "error", error: error.message, progress: status.progress(pending: pending), unwatched: unwatched, inbox: config.inbox,
                articles: 0, files: 0, pending: pending, failed: 0, indexBytes: 0, uptimeSeconds: status.uptime, version: Self.version))
        }
        let overview = counts.overview
        var response = StatusResponse(
            state: stateWord, error: status.problem, progress: status.progress(pending: pending), unwatched: unwatched, inbox: config.inbox,
            articles: overview.articles, files: overview.files, pending: pending, failed: overview.failed,
            ignored: overview.ignored, stories: overview.stories, unplaced: overview.unplaced, outlets: overview.outlets,
            languages: overview.languages,
            indexBytes: counts.bytes, uptimeSeconds: status.uptime, version: Self.version)
        response.archive = counts.archive
        return try JSONResponse.make(response)
    }

    func failures(_ request: Request) async throws -> Response {
        let parameters = try request.formParameters()
        let limit = try integer(parameters["limit"], name: "limit", default: 1000, range: 1...100_000)
        let ignored = parameters["ignored"].map { $0 == "true" || $0 == "1" } ?? false
        let (total, records) = try await store.failures(limit: limit, ignored: ignored)
        let list = records.map { FailureInfo(path: $0.path, code: $0.code, reason: $0.reason) }
        return try JSONResponse.make(FailuresResponse(total: total, failures: list))
    }

    func search(_ request: Request) async throws -> Response {
        let parameters = try request.formParameters()
        let (text, query) = try parameters.query(purpose: "search for")
        let limit = try integer(parameters["limit"], name: "limit", default: SearchLimits.defaultLimit, range: 1...SearchLimits.maxLimit)
        let offset = try integer(parameters["offset"], name: "offset", default: 0, range: 0...1_000_000)
        let sortName = parameters["sort"] ?? SearchSort.relevance.rawValue
        guard let sort = SearchSort(rawValue: sortName) else {
            throw APIError(status: .badRequest, code: "bad-parameter",
                           message: "sort must be one of \(SearchSort.allCases.map(\.rawValue).joined(separator: ", ")), got '\(sortName)'")
        }
        let groupName = parameters["group"] ?? SearchGrouping.copies.rawValue
        guard let group = SearchGrouping(rawValue: groupName) else {
            throw APIError(status: .badRequest, code: "bad-parameter",
                           message: "group must be one of \(SearchGrouping.allCases.map(\.rawValue).joined(separator: ", ")), got '\(groupName)'")
        }
        let minOutlets = try parameters["min_outlets"].map { try integer($0, name: "min_outlets", default: 1, range: 1...1000) }
        let store = self.store
        var result = try await budgeted(text) { budget in
            try await store.search(query, sort: sort, group: group, minOutlets: minOutlets, limit: limit, offset: offset, budget: budget)
        }
        var partial = false
        if result.total == 0, let fallback = query.partialMatch {
            result = try await budgeted(text) { budget in
                try await store.search(fallback, sort: sort, group: group, minOutlets: minOutlets, limit: limit, offset: offset, budget: budget)
            }
            partial = result.total > 0
        }
        return try JSONResponse.make(SearchResponse(query: text, sort: sort, group: group, minOutlets: minOutlets,
                                                total: result.total, limit: limit, offset: offset, hits: result.hits,
                                                partial: partial ? true : nil))
    }

    /// What arrived since the connecting Unix user last looked (their uid from `SO_PEERCRED`),
    /// latest first; `marking`: then remember that they have seen everything up to now.
    func newArticles(_ request: Request, _ context: ControlContext, marking: Bool) async throws -> Response {
        let limit = try integer(request.formParameters()["limit"], name: "limit", default: SearchLimits.defaultLimit, range: 1...SearchLimits.maxLimit)
        guard let uid = await context.peerUserId() else {
            throw APIError(status: .badRequest, code: "unknown-peer",
                           message: "cannot tell which user is asking (no peer credentials on this connection); `new` works over newsd's Unix socket")
        }
        let now = LocalClock.queryClock().now
        let (cursor, latest) = try await store.arrivals(uid: uid)
        let since = cursor ?? now - Self.firstLookSpan
        // Strictly after the mark: the article it was set from was shown already.
        let query = SearchQuery(root: .added(TimeRange(from: since.nextUp, before: nil)))
        let store = self.store
        let result = try await budgeted("new") { budget in
            try await store.search(query, sort: .added, group: .copies, minOutlets: nil, limit: limit, offset: 0, budget: budget)
        }
        if marking, let latest, latest > (cursor ?? -.infinity) {
            try await store.markSeen(uid: uid, upTo: latest)
        }
        let minutes = Int(((now - since) / 60).rounded(.up))
        return try JSONResponse.make(NewArticlesResponse(since: since, sinceText: LocalTimeText.minute(since), firstLook: cursor == nil,
                                                         allQuery: "added:>\(max(1, minutes))min", total: result.total, hits: result.hits))
    }

    /// How far back a reader's first `newsctl new` looks.
    static let firstLookSpan = 86_400.0

    /// Runs a search within the configured time budget, counting the wait for a place at the gate.
    private func budgeted<T: Sendable>(_ text: String, _ body: @escaping @Sendable (QueryBudget) async throws -> T) async throws -> T {
        let budget = QueryBudget(limit: config.queryTimeout)
        guard await searches.enter(until: .now + budget.limit) else {
            try Task.checkCancellation()
            throw tooExpensive(text, budget: budget, busy: true)
        }
        defer { searches.leave() }
        do {
            return try await body(budget)
        } catch IndexError.queryStopped(.overTime, _) {
            throw tooExpensive(text, budget: budget, busy: false)
        } catch IndexError.queryStopped {
            logger.info("search cancelled: its client went away", metadata: ["event": "query-cancelled", "query": "\(text)"])
            throw CancellationError()
        }
    }

    private func tooExpensive(_ text: String, budget: QueryBudget, busy: Bool) -> APIError {
        let overTime = IndexError.queryStopped(.overTime, limit: budget.limit).description
        logger.warning("search stopped at its time limit", metadata: [
            "event": "query-too-expensive", "query": "\(text)", "limit_ms": "\(budget.limit.components.seconds * 1000 + budget.limit.components.attoseconds / 1_000_000_000_000_000)",
            "waited_for_others": "\(busy)",
        ])
        let message = busy
            ? "other searches kept newsd busy for the whole time limit of this one; try again, or narrow the running searches"
            : overTime
        return APIError(status: .serviceUnavailable, code: "query-too-expensive", message: message)
    }

    func article(_ request: Request, _ context: ControlContext) async throws -> Response {
        let id = try articleId(context)
        guard let article = try await store.article(id: id) else {
            throw APIError(status: .notFound, code: "not-found", message: "no article with id \(id); ids are shown by `newsctl find`")
        }
        return try JSONResponse.make(article)
    }

    /// `?path=` relative to the inbox, as `newsctl find` prints it.
    func articleByPath(_ request: Request) async throws -> Response {
        guard let path = try request.formParameters()["path"], !path.isEmpty else {
            throw APIError(status: .badRequest, code: "missing-path", message: "pass ?path= with a path relative to the inbox, or use /v1/articles/ID")
        }
        let found = try await store.lookup(path: path)
        let (article, failure, members) = (found.article, found.failure, found.members)
        if article == nil, let failure {
            let ignored = failure.code == ArticleIndex.ignoredCode
            throw APIError(status: .conflict, code: ignored ? "not-an-article" : "not-indexed",
                           message: "'\(path)' is \(ignored ? "not indexed" : "not indexed (\(failure.code))"): \(failure.reason)")
        }
        if article == nil, !members.isEmpty {
            throw APIError(status: .notFound, code: "several-articles",
                           message: "'\(path)' holds several articles; show one of them by its path: \(members.joined(separator: ", "))\(members.count == 5 ? ", …" : "")")
        }
        guard let article else {
            throw APIError(status: .notFound, code: "not-found",
                           message: "no indexed article at '\(path)' (paths are relative to the inbox \(config.inbox); see `newsctl failures` for files that could not be indexed)")
        }
        return try JSONResponse.make(article)
    }

    /// The file as it is on disk, for `newsctl show --raw`: the first of the article's paths that can still be read.
    func rawArticle(_ context: ControlContext) async throws -> Response {
        let id = try articleId(context)
        guard let article = try await store.article(id: id) else {
            throw APIError(status: .notFound, code: "not-found", message: "no article with id \(id); ids are shown by `newsctl find`")
        }
        // A shared archive's paths are `host:path`: only this host's files are on this disk.
        let localPaths: [String]
        if config.archive == .embedded {
            localPaths = article.paths
        } else {
            let prefix = config.hostId + ":"
            localPaths = article.paths.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
            guard !localPaths.isEmpty else {
                throw APIError(status: .notFound, code: "file-elsewhere",
                               message: "article \(id)'s files are on other hosts (\(article.paths.joined(separator: ", "))); run show --raw on one of them")
            }
        }
        // Reading the file is blocking I/O (a slow or stalled disk, a network mount): off the pool too.
        let (inbox, maxBytes) = (config.inbox, config.maxFileBytes)
        let (bytes, problems) = try await BlockingWork.run { () -> ([UInt8]?, [String]) in
            var problems: [String] = []
            for path in localPaths {
                do {
                    return (try ArticleFileReader.read(path, in: inbox, maxBytes: maxBytes).bytes, problems)
                } catch let error as FileReadError where error.code == "missing" {
                    continue
                } catch {
                    problems.append("\(path): \(error)")
                }
            }
            return (nil, problems)
        }
        if let bytes {
            var headers = HTTPFields()
            headers[.contentType] = "application/octet-stream"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        if !problems.isEmpty {
            throw APIError(status: .conflict, code: "file-unreadable",
                           message: "article \(id)'s file cannot be read now: \(problems.joined(separator: "; "))")
        }
        throw APIError(status: .notFound, code: "file-gone",
                       message: "article \(id) is indexed but none of its files can be read now (\(article.paths.joined(separator: ", "))); run `newsctl reconcile`")
    }

    func related(_ request: Request, _ context: ControlContext) async throws -> Response {
        let id = try articleId(context)
        let limit = try integer(request.formParameters()["limit"], name: "limit", default: 10, range: 1...100)
        guard let related = try await store.related(id: id, limit: limit) else {
            throw APIError(status: .notFound, code: "not-found", message: "no article with id \(id); ids are shown by `newsctl find`")
        }
        return try JSONResponse.make(related)
    }

    func story(_ context: ControlContext) async throws -> Response {
        let id = try articleId(context, what: "story id")
        guard let story = try await store.story(id: id) else {
            throw APIError(status: .notFound, code: "not-found", message: "no story with id \(id); story ids are shown by `newsctl find --stories`")
        }
        return try JSONResponse.make(story)
    }

    /// How many articles matching a query are dated in each day, week or month (per outlet).
    func timeline(_ request: Request) async throws -> Response {
        let parameters = try request.formParameters()
        let (text, query) = try parameters.query(purpose: "chart")
        let byName = parameters["by"] ?? CoveragePeriod.day.rawValue
        guard let period = CoveragePeriod(rawValue: byName) else {
            throw APIError(status: .badRequest, code: "bad-parameter",
                           message: "by must be one of \(CoveragePeriod.allCases.map(\.rawValue).joined(separator: ", ")), got '\(byName)'")
        }
        let byOutlet = parameters["by_outlet"].map { $0 == "true" || $0 == "1" } ?? false
        let store = self.store
        let counts = try await budgeted(text) { budget in try await store.dayCounts(query, budget: budget) }
        var rows: [TimelineResponse.Row] = []
        if byOutlet {
            var perOutlet: [String?: [String: Int]] = [:]
            for entry in counts.days { perOutlet[entry.outlet, default: [:]][entry.day, default: 0] += entry.count }
            let ordered = perOutlet.sorted { a, b in
                let (sumA, sumB) = (a.value.values.reduce(0, +), b.value.values.reduce(0, +))
                return sumA != sumB ? sumA > sumB : (a.key ?? "\u{10FFFF}") < (b.key ?? "\u{10FFFF}")
            }
            for (outlet, days) in ordered {
                rows += CoverageBuckets.buckets(days, by: period).filter { $0.count > 0 }
                    .map { TimelineResponse.Row(start: $0.start, outlet: outlet, count: $0.count) }
            }
        } else {
            var days: [String: Int] = [:]
            for entry in counts.days { days[entry.day, default: 0] += entry.count }
            rows = CoverageBuckets.buckets(days, by: period).map { TimelineResponse.Row(start: $0.start, outlet: nil, count: $0.count) }
        }
        return try JSONResponse.make(TimelineResponse(query: text, by: period, byOutlet: byOutlet,
                                                      total: counts.days.reduce(0) { $0 + $1.count }, undated: counts.undated, rows: rows))
    }

    /// The stories of a period, latest, largest or most covered first.
    func storyList(_ request: Request) async throws -> Response {
        let parameters = try request.formParameters()
        let limit = try integer(parameters["limit"], name: "limit", default: 20, range: 1...1000)
        let minArticles = try integer(parameters["min_articles"], name: "min_articles", default: 2, range: 1...1_000_000)
        let sortName = parameters["sort"] ?? StoryListSort.latest.rawValue
        guard let sort = StoryListSort(rawValue: sortName) else {
            throw APIError(status: .badRequest, code: "bad-parameter",
                           message: "sort must be one of \(StoryListSort.allCases.map(\.rawValue).joined(separator: ", ")), got '\(sortName)'")
        }
        let since: String?
        do {
            since = try parameters["since"].map { text throws(QuerySyntaxError) in try SearchQuery.day(since: text, clock: LocalClock.queryClock()) }
        } catch {
            throw APIError(status: .badRequest, code: "bad-parameter", message: "since: \(error.message)")
        }
        let (total, stories) = try await store.stories(since: since, minArticles: minArticles, sort: sort, limit: limit)
        return try JSONResponse.make(StoryListResponse(since: since, sort: sort, total: total, stories: stories))
    }

    private func articleId(_ context: ControlContext, what: String = "article id") throws -> Int64 {
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
