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
    func snippet(id: Int64, text: String?) throws -> String {
        guard let row = positions.row(id) else { return "" }
        let bytes = Array((text ?? "").utf8)
        let spans = try TokenSpans.spans(of: bytes, tokenizer: tokenizer)
        return builder.snippet(of: bytes, spans: spans, instances: row.instances, bodyTokens: row.bodyTokens)
    }
}
