/// Parses an HTTP/1.1 response from bytes received so far. Pure.
enum HTTPResponseParser {
    /// The reply once `bytes` hold all of it, nil while more is needed.
    static func complete(_ bytes: [UInt8], atEOF: Bool = false) throws(ClientError) -> HTTPReply? {
        guard let headerEnd = find([13, 10, 13, 10], in: bytes) else {
            if atEOF { throw .badResponse("incomplete response header") }
            return nil
        }
        guard let head = String(validating: bytes[..<headerEnd], as: UTF8.self) else { throw .badResponse("the header is not text") }
        let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusParts = lines.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            throw .badResponse("bad status line")
        }
        var contentLength: Int?
        var chunked = false
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingSpaces()
            if name == "content-length" { contentLength = Int(value) }
            if name == "transfer-encoding" && value.lowercased().contains("chunked") { chunked = true }
        }
        let body = Array(bytes[(headerEnd + 4)...])
        if chunked {
            guard let decoded = try dechunk(body) else {
                if atEOF { throw .badResponse("truncated chunked body") }
                return nil
            }
            return HTTPReply(status: status, body: decoded)
        }
        if let contentLength {
            if body.count >= contentLength { return HTTPReply(status: status, body: Array(body.prefix(contentLength))) }
            if atEOF { throw .badResponse("the body is shorter than its Content-Length") }
            return nil
        }
        return atEOF ? HTTPReply(status: status, body: body) : nil
    }

    /// Where the body starts when `bytes` hold the head of a 2xx chunked answer (a stream);
    /// nil while the head is incomplete, or when the answer is not such a stream.
    static func streamStart(_ bytes: [UInt8]) -> Int? {
        guard let headerEnd = find([13, 10, 13, 10], in: bytes),
              let head = String(validating: bytes[..<headerEnd], as: UTF8.self) else { return nil }
        let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusParts = lines.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, let status = Int(statusParts[1]), (200..<300).contains(status) else { return nil }
        let chunked = lines.dropFirst().contains { line in
            guard let colon = line.firstIndex(of: ":") else { return false }
            return line[..<colon].lowercased() == "transfer-encoding" && line[line.index(after: colon)...].lowercased().contains("chunked")
        }
        return chunked ? headerEnd + 4 : nil
    }

    /// Decodes a chunked body; nil until the terminating chunk has arrived.
    private static func dechunk(_ body: [UInt8]) throws(ClientError) -> [UInt8]? {
        var output: [UInt8] = []
        var index = 0
        while true {
            guard let lineEnd = find([13, 10], in: body, from: index) else { return nil }
            let sizeText = String(decoding: body[index..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingSpaces(), radix: 16) else { throw .badResponse("bad chunk size") }
            let start = lineEnd + 2
            if size == 0 { return output }
            guard body.count >= start + size + 2 else { return nil }
            output.append(contentsOf: body[start..<(start + size)])
            index = start + size + 2
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int = 0) -> Int? {
        guard haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        for index in start...(haystack.count - needle.count) where haystack[index] == needle[0] {
            if Array(haystack[index..<(index + needle.count)]) == needle { return index }
        }
        return nil
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
