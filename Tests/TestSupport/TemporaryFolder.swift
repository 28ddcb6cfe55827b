import Foundation

/// A fresh folder under /tmp, removed when the value is released.
public final class TemporaryFolder: @unchecked Sendable {
    public let path: String

    public init(_ label: String = "newsd-test") {
        var template = Array("/tmp/\(label).XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(created != nil, "mkdtemp failed")
        path = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// `path/name`.
    public func file(_ name: String) -> String { path + "/" + name }

    /// Creates a sub-folder and returns its path.
    @discardableResult
    public func folder(_ name: String) -> String {
        let sub = file(name)
        try? FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
        return sub
    }

    /// Writes text to `path/name`, atomically (via a hidden temporary name) when asked.
    public func write(_ text: String, to name: String, atomically: Bool = false) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: file(name)), options: atomically ? [.atomic] : [])
    }
}
