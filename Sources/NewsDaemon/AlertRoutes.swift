import Foundation
import Hummingbird
import Logging
import NewsCore
import NewsIndex
import NewsSystem

/// `/v1/alerts`: alerts are stored in the index and matched against every new article by the
/// ingest transaction itself (see `ArticleIndex.apply(_:now:clock:watches:)`).
struct AlertRoutes: Sendable {
    let index: ArticleIndex
    let logger: Logger

    /// The most alerts one index holds: each is matched against every transaction.
    static let maxAlerts = 1000

    func register(on router: Router<ControlContext>) {
        router.get("/v1/alerts") { _, _ in
            let index = self.index
            return try JSONResponse.make(AlertListResponse(alerts: try await BlockingWork.run { try index.alerts() }))
        }
        router.post("/v1/alerts") { request, _ in
            var request = request
            return try await add(try await request.postedParameters())
        }
        router.get("/v1/alerts/:name") { request, context in
            let name = context.parameters.get("name") ?? ""
            let limit = try limitParameter(request.formParameters()["limit"])
            let index = self.index
            let clock = LocalClock.queryClock()
            guard let alert = try await BlockingWork.run({ try index.alert(name: name, limit: limit, clock: clock) }) else {
                throw notFound(name)
            }
            return try JSONResponse.make(alert)
        }
        router.delete("/v1/alerts/:name") { _, context in
            let name = context.parameters.get("name") ?? ""
            let index = self.index
            guard try await BlockingWork.run({ try index.removeAlert(name: name) }) else { throw notFound(name) }
            logger.notice("alert removed", metadata: ["event": "alert-removed", "alert": "\(name)"])
            return try JSONResponse.make(ControlResponse(state: "removed", message: "alert '\(name)' removed"))
        }
    }

    private func add(_ parameters: FormParameters) async throws -> Response {
        guard let name = parameters["name"] else {
            throw APIError(status: .badRequest, code: "missing-parameter", message: "missing name: pass the alert's name as name=")
        }
        if let problem = AlertName.problem(name) {
            throw APIError(status: .badRequest, code: "bad-alert-name", message: problem)
        }
        let (text, _) = try parameters.query(purpose: "alert on")
        let index = self.index
        let now = Date().timeIntervalSince1970
        let alert: AlertInfo
        do {
            alert = try await BlockingWork.run { try index.addAlert(name: name, query: text, now: now, limit: Self.maxAlerts) }
        } catch let error as AlertStoreError {
            switch error {
            case .exists: throw APIError(status: .conflict, code: "alert-exists", message: error.description)
            case .full: throw APIError(status: .conflict, code: "too-many-alerts", message: error.description)
            }
        }
        logger.notice("alert added", metadata: ["event": "alert-added", "alert": "\(name)", "query": "\(text)"])
        return try JSONResponse.make(alert, status: .created)
    }

    private func notFound(_ name: String) -> APIError {
        APIError(status: .notFound, code: "not-found", message: "no alert named '\(name)'; `newsctl alert list` shows them")
    }

    private func limitParameter(_ raw: String?) throws -> Int {
        guard let raw else { return 20 }
        guard let number = Int(raw), (1...1000).contains(number) else {
            throw APIError(status: .badRequest, code: "bad-parameter", message: "limit must be a whole number from 1 to 1000, got '\(raw)'")
        }
        return number
    }
}

/// The alert and watch routes of a newsd on a shared archive: both match new articles in the
/// embedded index's write transaction, which a shared archive does not have (and a watch there
/// would have to see every host's arrivals); each says so instead of "not found" or a silent watch.
enum SharedArchiveRefusals {
    static func register(on router: Router<ControlContext>) {
        let refuse: @Sendable (Request, ControlContext) async throws -> Response = { request, _ in
            let feature = request.uri.path.hasPrefix("/v1/watch") ? "watch is" : "alerts are"
            throw APIError(status: .notImplemented, code: "not-on-shared-archive",
                           message: "\(feature) not available with a shared PostgreSQL archive yet; they work with the embedded index (no index_url)")
        }
        router.get("/v1/watch", use: refuse)
        router.get("/v1/alerts", use: refuse)
        router.post("/v1/alerts", use: refuse)
        router.get("/v1/alerts/:name", use: refuse)
        router.delete("/v1/alerts/:name", use: refuse)
    }
}
