import Foundation
import Hummingbird
import Logging
import NewsCore
import NewsIndex
import NewsSystem

/// `/v1/alerts`: alerts are stored in the archive and matched against every new article by the
/// ingest transaction itself (`ArticleIndex.apply(_:now:clock:watches:)`, or on a shared archive
/// `PostgresArchive.applyBatch`, whichever host ingests).
struct AlertRoutes: Sendable {
    let store: any ArchiveStore
    let logger: Logger

    /// The most alerts one archive holds: each is matched against every transaction.
    static let maxAlerts = 1000

    func register(on router: Router<ControlContext>) {
        router.get("/v1/alerts") { _, _ in
            try JSONResponse.make(AlertListResponse(alerts: try await store.alerts()))
        }
        router.post("/v1/alerts") { request, _ in
            var request = request
            return try await add(try await request.postedParameters())
        }
        router.get("/v1/alerts/:name") { request, context in
            let name = context.parameters.get("name") ?? ""
            let limit = try limitParameter(request.formParameters()["limit"])
            guard let alert = try await store.alert(name: name, limit: limit, clock: LocalClock.queryClock()) else {
                throw notFound(name)
            }
            return try JSONResponse.make(alert)
        }
        router.delete("/v1/alerts/:name") { _, context in
            let name = context.parameters.get("name") ?? ""
            guard try await store.removeAlert(name: name) else { throw notFound(name) }
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
        let alert: AlertInfo
        do {
            alert = try await store.addAlert(name: name, query: text, now: Date().timeIntervalSince1970, limit: Self.maxAlerts)
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
