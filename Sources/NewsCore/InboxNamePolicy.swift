/// Decides which file names in the inbox are articles and which are left alone.
public struct InboxNamePolicy: Sendable, Equatable {
    /// Suffixes of names that editors and downloaders use while a file is still being written.
    public var ignoredSuffixes: [String]
    /// File extensions (lower case, without the dot) that are read as articles.
    public var articleExtensions: [String]

    public init(ignoredSuffixes: [String] = [".tmp", ".part", ".swp", "~"], articleExtensions: [String] = ["txt"]) {
        self.ignoredSuffixes = ignoredSuffixes
        self.articleExtensions = articleExtensions
    }

    /// Whether a name (the last path component) is skipped entirely: hidden files and
    /// temporary files are never indexed and never reported as failures.
    public func isIgnored(_ name: String) -> Bool {
        name.hasPrefix(".") || ignoredSuffixes.contains { name.hasSuffix($0) }
    }

    /// Whether a name is read as an article.
    public func isArticle(_ name: String) -> Bool {
        guard !isIgnored(name), let dot = name.lastIndex(of: "."), dot != name.startIndex else { return false }
        let ext = name[name.index(after: dot)...].lowercased()
        return articleExtensions.contains(ext)
    }
}
