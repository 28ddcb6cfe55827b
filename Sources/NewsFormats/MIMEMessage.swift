import FoundationEssentials
import NewsCore

/// An RFC 5322 message with its MIME parts: headers unfolded, bodies decoded from base64 or
/// quoted-printable. Only what newsd needs: the headers of the top entity and the leaf parts.
struct MIMEEntity {
    /// Header names lower case; repeated headers keep the first.
    var headers: [String: String]
    var body: [UInt8]

    /// Parts nested deeper than this are a broken (or hostile) tree.
    static let maximumDepth = 20

    init(headers: [String: String], body: [UInt8]) {
        self.headers = headers
        self.body = body
    }

    /// Splits `bytes` at the first empty line into headers and body.
    init(_ bytes: ArraySlice<UInt8>) {
        var headerLines: [ArraySlice<UInt8>] = []
        var index = bytes.startIndex
        var bodyStart = bytes.endIndex
        while index < bytes.endIndex {
            let lineEnd = bytes[index...].firstIndex(of: 0x0A) ?? bytes.endIndex
            var line = bytes[index..<lineEnd]
            if line.last == 0x0D { line = line.dropLast() }
            let next = lineEnd < bytes.endIndex ? lineEnd + 1 : lineEnd
            if line.isEmpty { bodyStart = next; break }
            headerLines.append(line)
            index = next
            bodyStart = next
        }
        var headers: [String: String] = [:]
        var currentName: String?
        var currentValue = ""
        func store() {
            if let name = currentName, headers[name] == nil { headers[name] = currentValue.trimmingSpaces }
        }
        for line in headerLines {
            if let first = line.first, first == 0x20 || first == 0x09 {
                currentValue += " " + TextDecoder.decode(Array(line)).text.trimmingSpaces // folded continuation
                continue
            }
            store()
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { currentName = nil; continue }
            currentName = TextDecoder.decode(Array(line[line.startIndex..<colon])).text.trimmingSpaces.lowercased()
            currentValue = TextDecoder.decode(Array(line[(colon + 1)...])).text
        }
        store()
        self.headers = headers
        self.body = Array(bytes[min(bodyStart, bytes.endIndex)...])
    }

    /// `text/html` of `Content-Type: text/html; charset="utf-8"`, lower case; `text/plain` by default.
    var mediaType: String {
        headers["content-type"].flatMap { $0.split(separator: ";").first.map { $0.trimmingSpaces.lowercased() } } ?? "text/plain"
    }

    /// A parameter of Content-Type (`boundary`, `charset`), unquoted.
    func parameter(_ name: String) -> String? {
        guard let value = headers["content-type"] else { return nil }
        for part in value.split(separator: ";").dropFirst() {
            let pieces = part.split(separator: "=", maxSplits: 1)
            guard pieces.count == 2, pieces[0].trimmingSpaces.lowercased() == name else { continue }
            var parameter = pieces[1].trimmingSpaces
            if parameter.hasPrefix("\""), parameter.hasSuffix("\""), parameter.count >= 2 { parameter = String(parameter.dropFirst().dropLast()) }
            return parameter
        }
        return nil
    }

    /// The body with its transfer encoding undone.
    var decodedBody: [UInt8] {
        switch headers["content-transfer-encoding"]?.lowercased().trimmingSpaces {
        case "base64": return MIMEEntity.base64(body)
        case "quoted-printable": return MIMEEntity.quotedPrintable(body)
        default: return body
        }
    }

    /// The decoded body as text in its declared charset.
    var text: (String, TextEncoding) {
        CharsetDecoder.decode(decodedBody, charset: parameter("charset"))
    }

    /// The parts of a multipart body (without preamble and epilogue), or why they cannot be split.
    func parts() -> Result<[MIMEEntity], MIMEProblem> {
        guard let boundary = parameter("boundary"), !boundary.isEmpty, boundary.utf8.count <= 200 else {
            return .failure(MIMEProblem(description: "a multipart part has no boundary parameter"))
        }
        let delimiter = Array("--\(boundary)".utf8)
        var parts: [MIMEEntity] = []
        var partStart: Int?
        var closed = false
        var lineStart = 0
        let bytes = body
        while lineStart < bytes.count {
            let lineEnd = bytes[lineStart...].firstIndex(of: 0x0A) ?? bytes.count
            let line = bytes[lineStart..<lineEnd]
            // A delimiter line is the boundary alone, or with "--" after it (then white space only):
            // "--b1" must not match "--b10".
            let after = line.dropFirst(delimiter.count)
            let closing = after.starts(with: [UInt8(ascii: "-"), UInt8(ascii: "-")])
            let isDelimiter = line.starts(with: delimiter)
                && after.dropFirst(closing ? 2 : 0).allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
            if isDelimiter {
                if let start = partStart {
                    var end = lineStart
                    if end > start, bytes[end - 1] == 0x0A { end -= 1 }
                    if end > start, bytes[end - 1] == 0x0D { end -= 1 }
                    parts.append(MIMEEntity(bytes[start..<max(start, end)]))
                }
                if closing { closed = true; break }
                partStart = min(lineEnd + 1, bytes.count)
            }
            lineStart = lineEnd + 1
        }
        if !closed, let start = partStart, start < bytes.count {
            parts.append(MIMEEntity(bytes[start...])) // a missing closing delimiter: keep what came
        }
        return parts.isEmpty ? .failure(MIMEProblem(description: "no part between the boundaries \"\(boundary)\"")) : .success(parts)
    }

    // MARK: Decoding

    static func base64(_ bytes: [UInt8]) -> [UInt8] {
        let cleaned = bytes.filter { !($0 == 0x0A || $0 == 0x0D || $0 == 0x20 || $0 == 0x09) }
        var padded = cleaned
        while padded.count % 4 != 0 { padded.append(UInt8(ascii: "=")) }
        if let data = Data(base64Encoded: Data(padded), options: .ignoreUnknownCharacters) { return Array(data) }
        return []
    }

    static func quotedPrintable(_ bytes: [UInt8], underscoreIsSpace: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 0x30...0x39: byte - 0x30
            case 0x41...0x46: byte - 0x41 + 10
            case 0x61...0x66: byte - 0x61 + 10
            default: nil
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "=") {
                if index + 2 < bytes.count, let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2]) {
                    out.append(high << 4 | low); index += 3; continue
                }
                // A soft line break: "=" at the end of a line.
                var next = index + 1
                while next < bytes.count, bytes[next] == 0x20 || bytes[next] == 0x09 { next += 1 }
                if next < bytes.count, bytes[next] == 0x0D { next += 1 }
                if next < bytes.count, bytes[next] == 0x0A { index = next + 1; continue }
                if next >= bytes.count { break }
            }
            out.append(underscoreIsSpace && byte == UInt8(ascii: "_") ? 0x20 : byte)
            index += 1
        }
        return out
    }

    /// Header text with RFC 2047 encoded words (`=?utf-8?Q?Caf=C3=A9?=`, `=?UTF-8?B?…?=`) decoded.
    static func decodeWords(_ text: String) -> String {
        guard text.contains("=?") else { return text }
        var result = ""
        var rest = Substring(text)
        var lastWasEncoded = false
        while let start = rest.firstRange(of: "=?") {
            let before = rest[..<start.lowerBound]
            let afterStart = rest[start.upperBound...]
            let pieces = afterStart.split(separator: "?", maxSplits: 3, omittingEmptySubsequences: false)
            guard pieces.count == 4, pieces[3].hasPrefix("="), pieces[1].count == 1 else {
                result += rest[..<start.upperBound]; rest = afterStart; lastWasEncoded = false; continue
            }
            // White space between two encoded words is not part of the text.
            if !(lastWasEncoded && before.allSatisfy(\.isWhitespace)) { result += before }
            let payload = Array(pieces[2].utf8)
            let bytes = pieces[1].lowercased() == "b" ? base64(payload) : quotedPrintable(payload, underscoreIsSpace: true)
            result += CharsetDecoder.decode(bytes, charset: String(pieces[0]).split(separator: "*").first.map(String.init)).0
            rest = pieces[3].dropFirst()
            lastWasEncoded = true
        }
        return result + rest
    }
}

/// What is broken in a MIME tree.
struct MIMEProblem: Error {
    var description: String
}
