import Foundation
import GRDB

extension TextCompression {
    /// The SQL function that turns a stored text back into text: the full-text index's content
    /// view calls it for snippets, and the index's own statements for what they show.
    static let inflateFunction = "newsd_inflate"

    /// `newsd_inflate(blob)`, registered on every connection. NULL stays NULL; a damaged text
    /// is an SQL error naming the damage (the caller's statement fails, nothing is guessed).
    static let sqlInflate = DatabaseFunction(inflateFunction, argumentCount: 1, pure: true) { values in
        guard let data = Data.fromDatabaseValue(values[0]) else { return nil }
        return try decompress(data)
    }

    /// What snippets see of an article: `newsd_snippet_text(blob)`, the first `snippetBytes` of
    /// its text. Snippets tokenize all they are given, so a text of megabytes (a log pasted into
    /// a note) would make every search that shows it slow; search engines bound this the same
    /// way (Lucene's highlighter reads 50,000 characters by default). A match further in still
    /// finds the article; its snippet then shows the opening.
    static let snippetFunction = "newsd_snippet_text"
    static let snippetBytes = 256 * 1024

    static let sqlSnippetText = DatabaseFunction(snippetFunction, argumentCount: 1, pure: true) { values in
        guard let data = Data.fromDatabaseValue(values[0]) else { return nil }
        return try decompress(data, prefix: snippetBytes)
    }
}
