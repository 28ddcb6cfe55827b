import FoundationEssentials

/// Any JSON value, decoded without a schema: scraper exports and JSON-LD differ too much for one.
enum JSONValue: Decodable, Equatable, Sendable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case object([String: JSONValue])
    case array([JSONValue])
    case null

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    /// Decodes `bytes`, or says why not. Nesting deeper than `maximumDepth` is refused before
    /// decoding, so a hostile file cannot exhaust the stack of the recursive decoder.
    static func parse(_ bytes: [UInt8]) -> Result<JSONValue, JSONProblem> {
        if let depth = nestingDepthOver(maximumDepth, bytes) { return .failure(.tooDeep(depth)) }
        do {
            return .success(try JSONDecoder().decode(JSONValue.self, from: Data(bytes)))
        } catch let DecodingError.dataCorrupted(context) {
            return .failure(.invalid(context.underlyingError.map { "\($0)" } ?? context.debugDescription))
        } catch {
            return .failure(.invalid("\(error)"))
        }
    }

    static let maximumDepth = 64

    /// The nesting depth reached when it exceeds `limit` (brackets inside strings not counted), else nil.
    static func nestingDepthOver(_ limit: Int, _ bytes: [UInt8]) -> Int? {
        var depth = 0, inString = false, escaped = false
        for byte in bytes {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > limit { return depth }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return nil
    }

    subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// A string, or a number written as one; the first of an array; an object's `name` or `@value`.
    var text: String? {
        switch self {
        case .string(let value):
            let trimmed = value.trimmingSpaces
            return trimmed.isEmpty ? nil : trimmed
        case .number(let value): return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .array(let values): return values.lazy.compactMap(\.text).first
        case .object: return self["name"]?.text ?? self["@value"]?.text
        default: return nil
        }
    }

    /// Every name a string, object or array gives ("authors": ["A", {"name": "B"}] → ["A", "B"]).
    var names: [String] {
        switch self {
        case .array(let values): return values.flatMap(\.names)
        case .object: return self["name"]?.text.map { [$0] } ?? []
        default: return text.map { [$0] } ?? []
        }
    }
}

/// Why bytes are not usable JSON.
enum JSONProblem: Error, Equatable {
    case invalid(String)
    case tooDeep(Int)

    var description: String {
        switch self {
        case .invalid(let detail): "not valid JSON (\(detail.prefix(200)))"
        case .tooDeep(let depth): "nested deeper than \(JSONValue.maximumDepth) levels (\(depth) and more)"
        }
    }
}
