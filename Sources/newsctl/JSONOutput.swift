#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Stable JSON for `--json`: sorted keys, one object, one trailing newline.
enum JSONOutput {
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }
}
