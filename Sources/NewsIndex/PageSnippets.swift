import Foundation
import GRDB
import NewsCore

/// The snippets of a page whose rows' body instances the ranking kept (`MatchPositions`), built
/// as FTS5's `snippet()` builds them (`SnippetBuilder`) from the text its content view gives
/// (`newsd_snippet_text`) and the tokens the index's tokenizer finds in it.
struct PageSnippets {
    private let positions: MatchPositions
    private let builder: SnippetBuilder

    init(positions: MatchPositions) {
        self.positions = positions
        builder = SnippetBuilder(phraseSizes: positions.phraseSizes, tokens: WindowedSearch.snippetTokens,
                                 open: String(SnippetMarkup.open), close: String(SnippetMarkup.close),
                                 ellipsis: WindowedSearch.snippetEllipsis)
    }

    /// The marked snippet of article `id`, whose text for snippets is `text` (nil: none).
    /// `tokenizer`: one of `SpanTokenizers`.
    func snippet(_ db: Database, id: Int64, text: String?, tokenizer: any FTS5Tokenizer) throws -> String {
        guard let instances = positions.instances(of: id) else { return "" }
        let bytes = Array((text ?? "").utf8)
        // The best window starts at or before the last instance, so no token past the last
        // instance and one window is ever read.
        let needed = (instances.last?.position ?? 0) + builder.tokens + 1
        let (spans, more) = try TokenSpans.spans(of: bytes, limit: needed, tokenizer: tokenizer)
        // A whole text has as many tokens as the index counted in the body (stemming neither adds
        // nor drops one); one read in part, or cut to its first part for snippets, does not, so
        // its count is read.
        let whole = !more && bytes.count < TextCodec.snippetBytes
        let bodyTokens = whole ? spans.count : try Self.bodyTokens(db, id: id) ?? spans.count
        return builder.snippet(of: bytes, spans: spans, instances: instances, bodyTokens: bodyTokens)
    }

    /// The body's length in tokens as the full-text index keeps it (`article_fts_docsize`).
    static func bodyTokens(_ db: Database, id: Int64) throws -> Int? {
        guard let sizes = try Data.fetchOne(db.cachedStatement(sql: "SELECT sz FROM article_fts_docsize WHERE id = ?"), arguments: [id]) else { return nil }
        return DocsizeRecord.length(sizes, column: Int(MatchPositions.bodyColumn))
    }
}
