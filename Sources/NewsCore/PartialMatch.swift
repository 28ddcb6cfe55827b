extension SearchQuery {
    /// Plain words at least this many make a query a candidate for partial matching: a question
    /// typed as a sentence, which no article holds word for word.
    public static let partialMatchMinimumWords = 3

    /// For a query of plain words (and filters) that matched nothing: the same words joined by
    /// OR, with the same filters. bm25 then ranks articles by the words they share, each weighted
    /// by its rarity. nil for a query with any other syntax (a phrase, a prefix, OR, NOT, a
    /// field, NEAR): whoever wrote those meant them exactly.
    public var partialMatch: SearchQuery? {
        let children: [QueryNode]
        if case .all(let nodes) = root { children = nodes } else { return nil }
        var words: [QueryNode] = [], filters: [QueryNode] = []
        for child in children {
            switch child {
            case .text(let match) where match.kind == .word && match.field == nil: words.append(child)
            case .date, .added, .language, .path, .address: filters.append(child)
            default: return nil
            }
        }
        guard words.count >= Self.partialMatchMinimumWords else { return nil }
        return SearchQuery(root: filters.isEmpty ? .any(words) : .all([.any(words)] + filters))
    }
}
