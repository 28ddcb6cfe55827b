import Foundation

/// Reads the committed test fixtures.
public enum FixtureFiles {
    /// `Tests/Fixtures/articles`: our own articles in every format, with `expected.tsv`.
    public static let articles: String = {
        var parts = #filePath.split(separator: "/").dropLast(2) // …/Tests/TestSupport/FixtureFiles.swift → …/Tests
        parts.append("Fixtures")
        parts.append("articles")
        return "/" + parts.joined(separator: "/")
    }()

    /// The bytes of the file at `path`.
    public static func read(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// The names of the fixture articles (every file but the expectations).
    public static func articleNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: articles).filter { $0 != "expected.tsv" }.sorted()
    }
}
