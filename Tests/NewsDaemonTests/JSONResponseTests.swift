import Foundation
import Hummingbird
import NewsCore
@testable import NewsDaemon
import Testing

/// An answer that cannot be encoded is an error with a reason, never an empty `200 {}`.
@Suite("JSON responses")
struct JSONResponseTests {
    struct Score: Encodable { var value: Double }

    @Test("a value JSON cannot hold is a 500 encoding-failed error")
    func unencodable() {
        #expect {
            _ = try JSONResponse.make(Score(value: .nan))
        } throws: { error in
            guard let error = error as? APIError else { return false }
            return error.status == .internalServerError && error.code == "encoding-failed" && error.message.contains("could not encode")
        }
        #expect(throws: Never.self) { _ = try JSONResponse.make(Score(value: 1.5)) }
    }

    @Test("a page of hits, written without JSONEncoder, is the same error when a score is not a number")
    func unwritablePage() {
        let page = SearchResponse(query: "oil", total: 1, limit: 10, offset: 0,
                                  hits: [SearchHit(id: 1, path: "a.txt", paths: ["a.txt"], title: "Oil", score: .nan, snippet: "", highlights: [])])
        #expect {
            _ = try JSONResponse.make(page)
        } throws: { error in
            guard let error = error as? APIError else { return false }
            return error.status == .internalServerError && error.code == "encoding-failed" && error.message.contains("JSON number")
        }
    }
}
