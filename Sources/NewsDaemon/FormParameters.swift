import Foundation
import Hummingbird

/// A request's query string read as HTML forms write it (`application/x-www-form-urlencoded`):
/// `+` is a space and `%XX` a byte. HTML forms, Python's `urlencode` and `curl --data-urlencode`
/// all send `q=oil+prices` for "oil prices"; read as a plus sign it silently found nothing.
struct FormParameters: Sendable {
    private var values: [String: String] = [:]

    /// Parses `query` (the part after `?`, as sent); the first of repeated names counts.
    /// Throws a 400 `bad-parameter` naming the parameter whose escapes are not UTF-8.
    init(query: String?) throws(APIError) {
        guard let query, !query.isEmpty else { return }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = try Self.decode(parts[0], parameter: String(parts[0]))
            let value = parts.count > 1 ? try Self.decode(parts[1], parameter: name) : ""
            if values[name] == nil { values[name] = value }
        }
    }

    /// The value of `name`, decoded; nil when absent.
    subscript(name: String) -> String? { values[name] }

    private static func decode(_ text: Substring, parameter: String) throws(APIError) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        guard let decoded = spaced.removingPercentEncoding else {
            throw APIError(status: .badRequest, code: "bad-parameter",
                           message: "parameter '\(parameter)' is not valid percent-encoding of UTF-8 text (write a space as + or %20, a plus sign as %2B)")
        }
        return decoded
    }
}

extension Request {
    /// The query string's parameters, read as a form (see `FormParameters`).
    func formParameters() throws(APIError) -> FormParameters { try FormParameters(query: uri.query) }
}
