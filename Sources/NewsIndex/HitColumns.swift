import GRDB

/// Where a page statement puts the columns a hit is made of (`WindowedSearch.hitColumns`, the
/// rank, the snippet and the group's size), found once per statement: read by name, each value
/// cost a lowercased copy of its column's name and a lookup.
struct HitColumns {
    let rank, id, headline, outlet, byline, articleDate, dateKind, url, language, paths, copies: Int
    let storyId, storyArticles, storyOutlets, storyFirst, storyLast: Int
    /// FTS5's marked snippet (nil when the page's snippets are built from `snipText`).
    let snip: Int?
    /// The text snippets are built from, when the ranking kept the page's instances.
    let snipText: Int?
    /// Matches in the hit's story (story grouping only).
    let groupHits: Int?

    init(_ names: some Sequence<String>) throws {
        var index: [String: Int] = [:]
        for (position, name) in names.enumerated() where index[name] == nil { index[name] = position }
        func at(_ name: String) throws -> Int {
            guard let position = index[name] else {
                throw IndexError.queryFailed("a search's page statement gives no column \(name)")
            }
            return position
        }
        rank = try at("rank"); id = try at("id"); headline = try at("headline"); outlet = try at("outlet")
        byline = try at("byline"); articleDate = try at("articleDate"); dateKind = try at("dateKind"); url = try at("url")
        language = try at("language"); paths = try at("paths"); copies = try at("copies"); storyId = try at("storyId")
        storyArticles = try at("storyArticles"); storyOutlets = try at("storyOutlets")
        storyFirst = try at("storyFirst"); storyLast = try at("storyLast")
        snip = index["snip"]; snipText = index["snipText"]; groupHits = index["groupHits"]
    }
}
