import CStemmer

/// A Snowball stemmer for one language (Debian's libstemmer). Not thread-safe: each FTS5
/// tokenizer instance (one per SQLite connection) keeps its own.
public final class Stemmer {
    /// Languages newsd stems, by ISO 639-1 code, with Snowball's algorithm names.
    public static let algorithms: [String: String] = [
        "en": "english", "de": "german", "fr": "french", "es": "spanish", "it": "italian", "pt": "portuguese",
        "nl": "dutch", "sv": "swedish", "ru": "russian", "da": "danish", "no": "norwegian", "fi": "finnish",
    ]
    /// The languages in a stable order (queries are stemmed in each).
    public static let languages = algorithms.keys.sorted()

    @usableFromInline let stemmer: OpaquePointer

    /// The stemmer of `language` (ISO 639-1), or nil when Snowball has none for it.
    public init?(language: String) {
        guard let algorithm = Self.algorithms[language], let stemmer = sb_stemmer_new(algorithm, "UTF_8") else { return nil }
        self.stemmer = stemmer
    }

    deinit { sb_stemmer_delete(stemmer) }

    /// Stems a word given as UTF-8 bytes (lower case), calling `body` with the stem's bytes.
    /// Words over 128 bytes are passed through unchanged.
    @inlinable
    public func stem<T>(_ word: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        guard word.count <= 128, let base = word.baseAddress,
              let result = sb_stemmer_stem(stemmer, base, Int32(word.count)) else { return try body(word) }
        return try body(UnsafeBufferPointer(start: result, count: Int(sb_stemmer_length(stemmer))))
    }

    /// The stem of a word, as a string (for tests and tools).
    public func stem(_ word: String) -> String {
        var bytes = Array(word.lowercased().utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer in
            stem(UnsafeBufferPointer(buffer)) { String(decoding: $0, as: UTF8.self) }
        }
    }
}
