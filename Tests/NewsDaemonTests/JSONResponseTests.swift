import Foundation
import Hummingbird
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
}
