/// What an HTML page holds for newsd, as `HTMLPageReader` collects it in one pass: the text
/// blocks in document order, and the parts of `<head>` and the page that carry metadata.
struct HTMLPage: Sendable, Equatable {
    /// A paragraph, heading or list item of the page's text, white space collapsed.
    struct Block: Sendable, Equatable {
        var text: String
        /// Inside `<article>`, `<main>`, `role=main` or `itemprop=articleBody`.
        var inMain: Bool
        var isHeading: Bool
    }

    var blocks: [Block] = []
    var title: String?
    /// `<meta name|property|itemprop=… content=…>`, keys lower case, first value kept.
    var metas: [String: String] = [:]
    var canonical: String?
    var language: String?
    /// The contents of every `<script type="application/ld+json">`.
    var jsonLD: [String] = []
    /// The text of the first `<h1>`, wherever it is (a page header is skipped as furniture, its headline is not).
    var firstHeading: String?
    /// Text of elements marked as the byline (`rel=author`, `class~=byline|author`).
    var bylines: [String] = []
    /// Elements nested deeper than the reader keeps track of (their text still counts).
    var truncatedDepth = false

    /// The article's paragraphs: the main region's when the page marks one, else every block.
    var articleBlocks: [Block] {
        let main = blocks.filter(\.inMain)
        return main.isEmpty ? blocks : main
    }
}
