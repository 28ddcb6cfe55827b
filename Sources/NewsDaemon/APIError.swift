import Foundation
import Hummingbird
import NewsCore

/// An error answered to an API client as `{"error": {...}}` with a status code.
struct APIError: Error, Sendable {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    var column: Int?

    var body: APIErrorResponse {
        APIErrorResponse(status: status.code, code: code, message: message, column: column)
    }
}

/// Turns every error thrown by a route (or the router's own 404) into a JSON error body,
/// so clients always get the same shape and nothing a client sends surfaces as a crash.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return JSONResponse.make(error.body, status: error.status)
        } catch let error as HTTPError {
            let message = error.status == .notFound
                ? "no such endpoint: \(request.method) \(request.uri.path); see docs/api.md"
                : (error.body ?? error.status.reasonPhrase)
            let code = error.status == .notFound ? "not-found" : "bad-request"
            return JSONResponse.make(APIErrorResponse(status: error.status.code, code: code, message: message), status: error.status)
        } catch {
            context.logger.error("request failed", metadata: ["event": "request-failed", "path": "\(request.uri.path)", "error": "\(error)"])
            return JSONResponse.make(APIErrorResponse(status: 500, code: "internal", message: "newsd could not answer: \(error)"),
                                     status: .internalServerError)
        }
    }
}

/// JSON response helper.
enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        var buffer = ByteBuffer()
        buffer.writeBytes(data)
        buffer.writeString("\n")
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: buffer))
    }
}
