import Foundation
import GRDB
import NewsCore

/// The snippets of a page whose rows' body instances the ranking kept (`MatchPositions`), built
/// as FTS5's `snippet()` builds them (`SnippetBuilder`) from the text its content view gives
/// (`newsd_snippet_text`) and the tokens the index's tokenizer finds in it.
struct PageSnippets {
    private let positions: MatchPositions
    private let builder: SnippetBuilder
    private let tokenizer: any FTS5Tokenizer

    init(_ db: Database, positions: MatchPositions) throws {
        self.positions = positions
        builder = SnippetBuilder(phraseSizes: positions.phraseSizes, tokens: WindowedSearch.snippetTokens,
                                 open: String(SnippetMarkup.open), close: String(SnippetMarkup.close),
                                 ellipsis: WindowedSearch.snippetEllipsis)
        tokenizer = try db.makeTokenizer(FTS5TokenizerDescriptor(components: [LanguageTokenizer.name]))
    }

    /// The marked snippet of article `id`, whose text for snippets is `text` (nil: none).
    func snippet(_ db: Database, id: Int64, text: String?) throws -> String {
        guard let instances = positions.instances(of: id) else { return "" }
        let bytes = Array((text ?? "").utf8)
        let spans = try TokenSpans.spans(of: bytes, tokenizer: tokenizer)
        // A whole text has as many tokens as the index counted in the body (stemming neither adds
        // nor drops one); one cut to its first part for snippets does not, so its count is read.
        let bodyTokens = bytes.count < TextCodec.snippetBytes ? spans.count : try Self.bodyTokens(db, id: id) ?? spans.count
        return builder.snippet(of: bytes, spans: spans, instances: instances, bodyTokens: bodyTokens)
    }

    /// The body's length in tokens as the full-text index keeps it (`article_fts_docsize`).
    static func bodyTokens(_ db: Database, id: Int64) throws -> Int? {
        guard let sizes = try Data.fetchOne(db, sql: "SELECT sz FROM article_fts_docsize WHERE id = ?", arguments: [id]) else { return nil }
        return DocsizeRecord.length(sizes, column: Int(MatchPositions.bodyColumn))
    }
}
