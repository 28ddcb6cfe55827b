import Foundation
import Hummingbird
import NewsCore
import NewsSystem

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
        guard let decoded = formDecoded(text) else {
            throw APIError(status: .badRequest, code: "bad-parameter",
                           message: "parameter '\(parameter)' is not valid percent-encoding of UTF-8 text (write a space as + or %20, a plus sign as %2B)")
        }
        return decoded
    }

    /// `text` with `+` read as a space and each `%XX` as the byte it names; nil when a `%` is not
    /// followed by two hex digits or the bytes are not UTF-8. Byte by byte: every search request
    /// decodes its parameters.
    static func formDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var input = text.utf8.makeIterator()
        while let byte = input.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = input.next().flatMap(hexValue), let low = input.next().flatMap(hexValue) else { return nil }
                bytes.append(high << 4 | low)
            default: bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension Request {
    /// The query string's parameters, read as a form (see `FormParameters`).
    func formParameters() throws(APIError) -> FormParameters { try FormParameters(query: uri.query) }

    /// The parameters of a POST: the query string's, then those of a form body (`curl
    /// --data-urlencode`), the query string winning. Bodies over `limit` bytes are refused.
    mutating func postedParameters(limit: Int = 16_384) async throws -> FormParameters {
        var parameters = try formParameters()
        let body: ByteBuffer
        do {
            body = try await self.body.collect(upTo: limit)
        } catch {
            throw APIError(status: .contentTooLarge, code: "body-too-large", message: "the request body is over \(limit) bytes")
        }
        if body.readableBytes > 0 {
            parameters.merge(try FormParameters(query: String(decoding: body.readableBytesView, as: UTF8.self)))
        }
        return parameters
    }
}

extension FormParameters {
    /// Adds the parameters of `other` that this one lacks.
    mutating func merge(_ other: FormParameters) {
        for (name, value) in other.values where values[name] == nil { values[name] = value }
    }

    /// The search query in `q`, parsed with the local clock; a 400 that says what is wrong
    /// when it is missing, too long or not a query. `purpose` completes "pass the words to … as ?q=".
    func query(purpose: String) throws(APIError) -> (text: String, query: SearchQuery) {
        // Blank: nothing but tabs and spaces of any width (what `CharacterSet.whitespaces` holds).
        guard let text = self["q"], !text.unicodeScalars.allSatisfy({ $0 == "\t" || $0.properties.generalCategory == .spaceSeparator }) else {
            throw APIError(status: .badRequest, code: "missing-query", message: "missing query: pass the words to \(purpose) as ?q=")
        }
        guard text.count <= SearchLimits.maxQueryLength else {
            throw APIError(status: .uriTooLong, code: "query-too-long",
                           message: "the query is \(text.count) characters; the limit is \(SearchLimits.maxQueryLength)")
        }
        do {
            return (text, try SearchQuery.parse(text, clock: LocalClock.queryClock()))
        } catch {
            throw APIError(status: .badRequest, code: "bad-query", message: error.description, column: error.column)
        }
    }
}
