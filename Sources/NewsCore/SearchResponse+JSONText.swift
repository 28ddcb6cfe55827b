/// A page of search hits as JSON text, members in byte order of their keys (as `.sortedKeys`
/// orders them), optional ones left out when nil. A member added to one of these types must be
/// added here too: `SearchResponseJSONTests` compares the text with `JSONEncoder`'s.
extension SearchResponse: JSONTextWritable {
    public func write(to json: inout JSONText) throws {
        try json.object { json in
            json.member("group", group.rawValue)
            try json.member("hits", hits)
            json.member("limit", limit)
            json.member("minOutlets", minOutlets)
            json.member("offset", offset)
            json.member("partial", partial)
            json.member("query", query)
            json.member("sort", sort.rawValue)
            json.member("total", total)
        }
    }
}

extension SearchHit: JSONTextWritable {
    public func write(to json: inout JSONText) throws {
        try json.object { json in
            json.member("byline", byline)
            json.member("copies", copies)
            json.member("date", date)
            json.member("dateSource", dateSource.rawValue)
            try json.member("highlights", highlights)
            json.member("id", id)
            json.member("language", language)
            json.member("outlet", outlet)
            json.member("path", path)
            json.member("paths", paths)
            json.member("rank", rank)
            try json.member("score", score)
            json.member("snippet", snippet)
            try json.member("story", story)
            json.member("storyHits", storyHits)
            json.member("title", title)
            json.member("url", url)
        }
    }
}

extension Highlight: JSONTextWritable {
    public func write(to json: inout JSONText) throws {
        json.object { json in
            json.member("length", length)
            json.member("start", start)
        }
    }
}

extension StorySummary: JSONTextWritable {
    public func write(to json: inout JSONText) throws {
        json.object { json in
            json.member("articles", articles)
            json.member("firstDate", firstDate)
            json.member("id", id)
            json.member("lastDate", lastDate)
            json.member("outlets", outlets)
        }
    }
}
