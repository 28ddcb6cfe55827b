import Foundation

/// Reads the committed test fixtures.
public enum FixtureFiles {
    /// The bytes of the file at `path`.
    public static func read(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
