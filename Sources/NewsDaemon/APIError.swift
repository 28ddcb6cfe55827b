import Foundation
import Hummingbird
import NewsPostgres
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
            if error.status.code >= 500 {
                context.logger.error("request failed", metadata: ["event": "request-failed", "path": "\(request.uri.path)",
                                                                 "error": "\(error.message)", "error_code": "\(error.code)"])
            }
            return JSONResponse.error(error.body, status: error.status)
        } catch is CancellationError {
            // The client closed its side of the connection (hung up, or half-closed it) before
            // the answer: its search was stopped. Whoever still reads learns why.
            return JSONResponse.error(APIErrorResponse(
                status: 400, code: "client-closed",
                message: "the request's connection was closed (or half-closed) before the answer; newsd stops a search whose client hangs up, so keep the connection open until the answer arrives"),
                status: .badRequest)
        } catch let error as ArchiveError {
            // The shared archive's database is away or refused: the client may try again.
            context.logger.warning("request failed: the shared archive did not answer", metadata: [
                "event": "request-failed", "path": "\(request.uri.path)", "error": "\(error.description)",
            ])
            return JSONResponse.error(APIErrorResponse(status: 503, code: "archive-unavailable", message: error.message),
                                      status: .serviceUnavailable)
        } catch let error as HTTPError {
            let message = error.status == .notFound
                ? "no such endpoint: \(request.method) \(request.uri.path); see docs/api.md"
                : (error.body ?? error.status.reasonPhrase)
            let code = error.status == .notFound ? "not-found" : "bad-request"
            return JSONResponse.error(APIErrorResponse(status: error.status.code, code: code, message: message), status: error.status)
        } catch {
            context.logger.error("request failed", metadata: ["event": "request-failed", "path": "\(request.uri.path)", "error": "\(error)"])
            return JSONResponse.error(APIErrorResponse(status: 500, code: "internal", message: "newsd could not answer: \(error)"),
                                      status: .internalServerError)
        }
    }
}

/// JSON response helper.
enum JSONResponse {
    /// The value as a JSON response; a value that cannot be encoded (a score that is not a
    /// finite number, say) is a 500 with the reason, never an empty `200 {}`.
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws(APIError) -> Response {
        do {
            // A page of hits, the answer given most often, is written straight into bytes.
            if let writable = value as? any JSONTextWritable {
                var json = JSONText()
                try writable.write(to: &json)
                return response(json.bytes, status: status)
            }
            return response(try encode(value), status: status)
        } catch {
            throw APIError(status: .internalServerError, code: "encoding-failed",
                           message: "newsd could not encode its answer as JSON: \(error); please report this with the request")
        }
    }

    /// An error body, which always encodes (strings and numbers only).
    static func error(_ body: APIErrorResponse, status: HTTPResponse.Status) -> Response {
        let data = (try? encode(body)) ?? Data(#"{"error":{"code":"internal","message":"newsd could not encode an error","status":500}}"#.utf8)
        return response(data, status: status)
    }

    static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(value)
    }

    private static func response(_ data: some Sequence<UInt8>, status: HTTPResponse.Status) -> Response {
        var buffer = ByteBuffer()
        buffer.writeBytes(data)
        buffer.writeString("\n")
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: buffer))
    }
}
