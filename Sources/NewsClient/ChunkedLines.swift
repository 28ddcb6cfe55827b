/// Decodes a chunked HTTP/1.1 body as it arrives into the lines it carries (JSON lines of
/// `GET /v1/watch`): bytes go in as received, complete lines come out. Pure.
struct ChunkedLines {
    private var input: [UInt8] = []
    private var line: [UInt8] = []
    /// Data bytes left in the current chunk.
    private var remaining = 0
    /// Whether the CRLF after a chunk's data is due.
    private var expectingChunkEnd = false
    /// Whether the last (empty) chunk has arrived: the body is over.
    private(set) var finished = false

    /// Longest line kept: a longer one means the stream is not what newsctl expects.
    static let maxLine = 16 << 20

    /// Adds received bytes and returns the lines they complete, without their newline.
    mutating func feed(_ bytes: some Sequence<UInt8>) throws(ClientError) -> [String] {
        input.append(contentsOf: bytes)
        var lines: [String] = []
        var index = 0
        decoding: while !finished {
            if remaining > 0 {
                let end = min(input.count, index + remaining)
                guard end > index else { break }
                for byte in input[index..<end] {
                    if byte == UInt8(ascii: "\n") {
                        lines.append(String(decoding: line, as: UTF8.self))
                        line.removeAll(keepingCapacity: true)
                    } else {
                        line.append(byte)
                    }
                }
                guard line.count <= Self.maxLine else { throw .badResponse("a streamed line is over \(Self.maxLine) bytes") }
                remaining -= end - index
                index = end
                if remaining == 0 { expectingChunkEnd = true }
                continue
            }
            if expectingChunkEnd {
                guard input.count - index >= 2 else { break }
                guard input[index] == 13 && input[index + 1] == 10 else { throw .badResponse("a chunk does not end with CRLF") }
                index += 2
                expectingChunkEnd = false
                continue
            }
            var lineEnd = index
            while lineEnd + 1 < input.count && !(input[lineEnd] == 13 && input[lineEnd + 1] == 10) { lineEnd += 1 }
            guard lineEnd + 1 < input.count else {
                guard input.count - index < 1024 else { throw .badResponse("a chunk size line is too long") }
                break decoding
            }
            let sizeText = String(decoding: input[index..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingSpaces(), radix: 16), size >= 0 else { throw .badResponse("bad chunk size") }
            index = lineEnd + 2
            if size == 0 {
                finished = true
                if !line.isEmpty { lines.append(String(decoding: line, as: UTF8.self)) }
            } else {
                remaining = size
            }
        }
        input.removeFirst(index)
        return lines
    }
}
