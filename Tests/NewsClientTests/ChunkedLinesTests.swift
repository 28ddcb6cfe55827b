@testable import NewsClient
import Testing
import TestSupport

/// The decoder of `newsctl watch`'s stream: chunked HTTP framing in, JSON lines out, however
/// the bytes are split on the way.
@Suite("Chunked lines")
struct ChunkedLinesTests {
    /// `lines` framed as chunks of the given sizes (a chunk may end inside a line).
    static func chunked(_ text: String, sizes: [Int]) -> [UInt8] {
        var bytes = Array(text.utf8)[...]
        var out: [UInt8] = []
        var index = 0
        while !bytes.isEmpty {
            let size = min(bytes.count, max(1, sizes[index % sizes.count]))
            index += 1
            out += Array(String(size, radix: 16).utf8) + (index % 3 == 0 ? Array(";ext=1".utf8) : []) + [13, 10]
            out += bytes.prefix(size) + [13, 10]
            bytes = bytes.dropFirst(size)
        }
        return out + Array("0\r\n\r\n".utf8)
    }

    @Test("lines come out whole, in order, however chunks and reads split them")
    func randomSplits() throws {
        var random = SeededRandom.forTest("ChunkedLinesTests.randomSplits")
        for round in 0..<200 {
            let lines = (0..<Int.random(in: 1...8, using: &random)).map { n in
                "{\"n\":\(n),\"text\":\"" + String(repeating: "é", count: Int.random(in: 0...40, using: &random)) + "\"}"
            }
            let sizes = (0..<4).map { _ in Int.random(in: 1...70, using: &random) }
            let stream = Self.chunked(lines.joined(separator: "\n") + "\n", sizes: sizes)
            var decoder = ChunkedLines()
            var received: [String] = []
            var offset = 0
            while offset < stream.count {
                let read = min(stream.count - offset, Int.random(in: 1...50, using: &random))
                received += try decoder.feed(stream[offset..<(offset + read)])
                offset += read
            }
            #expect(received == lines, "seed \(random.seed), round \(round), chunk sizes \(sizes)")
            #expect(decoder.finished)
        }
    }

    @Test("bad framing is an error, not a hang or a crash")
    func badFraming() {
        var decoder = ChunkedLines()
        #expect(throws: ClientError.self) { _ = try decoder.feed(Array("zz\r\nabc\r\n".utf8)) }
        var missingEnd = ChunkedLines()
        #expect(throws: ClientError.self) { _ = try missingEnd.feed(Array("3\r\nabcXY".utf8)) }
        var endless = ChunkedLines()
        #expect(throws: ClientError.self) { _ = try endless.feed([UInt8](repeating: UInt8(ascii: "1"), count: 2000)) }
    }
}
