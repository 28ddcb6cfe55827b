import Foundation

/// The five real articles in `../shared/corpus/seeds`, beside the project checkout.
/// Absent on a user's machine: tests that need them are skipped, saying why.
public enum SeedCorpus {
    /// The project's root, found from this source file's location.
    public static let projectRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// `../shared/corpus/seeds` relative to the project root.
    public static let folder = (projectRoot as NSString).deletingLastPathComponent + "/shared/corpus/seeds"

    public static var isAvailable: Bool { FileManager.default.fileExists(atPath: folder + "/000_bb70ef023aca184e.txt") }

    /// Why the seed tests are skipped, shown by the test runner.
    public static let skipReason: Comment = "the seed articles are not at \(folder) (../shared is only beside the project in its CI and development checkouts)"

    /// File names of the seeds, sorted.
    public static var names: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".txt") }.sorted()
    }

    /// The seed whose name starts with `prefix` (`"000"`).
    public static func name(_ prefix: String) -> String {
        names.first { $0.hasPrefix(prefix) }!
    }

    /// Copies every seed into `folder`.
    public static func copy(into destination: String) throws {
        for name in names {
            try FileManager.default.copyItem(atPath: folder + "/" + name, toPath: destination + "/" + name)
        }
    }
}

import Testing
public typealias Comment = Testing.Comment
