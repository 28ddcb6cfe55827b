import GRDB

/// The links between placed articles, walked on demand: whether two articles are still joined
/// after a link between them went, reading the links near them rather than their whole story.
struct StoryLinkGraph {
    let db: Database
    /// The article being placed: not in a story yet, but its links are already written and may be walked.
    let placing: Int64

    /// An article linked to another, by a link either way.
    struct Neighbour {
        let id: Int64
        let copy: Bool
        /// Whether it is dated only by its file.
        let undated: Bool
        /// Whether the two articles link to each other.
        let mutual: Bool
    }

    /// The placed articles (and the one being placed) that `id` links to or that link to it.
    func neighbours(of id: Int64) throws -> [Neighbour] {
        // Read by position from a cursor, as in `StoryBook.load`.
        let rows = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT l.other AS n, l.copy, b.dateKind IS NULL AS undated,
                   EXISTS (SELECT 1 FROM story_link r WHERE r.id = l.other AND r.other = l.id) AS mutual
            FROM story_link l JOIN article b ON b.id = l.other
            WHERE l.id = ?1 AND (b.storyId IS NOT NULL OR b.id = ?2)
            UNION ALL
            SELECT l.id, l.copy, b.dateKind IS NULL,
                   EXISTS (SELECT 1 FROM story_link r WHERE r.id = l.other AND r.other = l.id)
            FROM story_link l JOIN article b ON b.id = l.id
            WHERE l.other = ?1 AND (b.storyId IS NOT NULL OR b.id = ?2)
            """), arguments: [id, placing])
        var found: [Neighbour] = []
        while let row = try rows.next() { found.append(Neighbour(id: row[0], copy: row[1] ?? false, undated: row[2], mutual: row[3])) }
        return found
    }

    /// What a walk between the two ends of a link that went found.
    enum Walk: Equatable {
        /// Still joined by links that join stories.
        case joined
        /// Apart: the whole group of links one end is in (it does not hold the other).
        case apart(Set<Int64>)
        /// More than the walk's limit would have to be read to tell.
        case unknown
    }

    /// Whether `a` and `b` are joined by links that join stories (see `StoryBook.counts`),
    /// looking at no more than `limit` articles. Both ends are walked from at once, the smaller
    /// side first, so two articles that stayed close cost a few lookups whatever the size of
    /// their story, and a part that came off is read whole and no further.
    func walk(from a: Int64, to b: Int64, limit: Int) throws -> Walk {
        if a == b { return .joined }
        var undated: [Int64: Bool] = [:]
        for id in [a, b] {
            guard let flag = try Bool.fetchOne(db.cachedStatement(sql: """
                SELECT dateKind IS NULL FROM article WHERE id = ? AND (storyId IS NOT NULL OR id = ?)
                """), arguments: [id, placing])
            else { return .unknown }
            undated[id] = flag
        }
        var sides: [(seen: Set<Int64>, frontier: [Int64])] = [([a], [a]), ([b], [b])]
        while true {
            let side = sides[0].frontier.count <= sides[1].frontier.count ? 0 : 1
            if sides[side].frontier.isEmpty { return .apart(sides[side].seen) }
            var next: [Int64] = []
            for id in sides[side].frontier {
                for neighbour in try neighbours(of: id)
                where neighbour.copy || StoryBook.counts(undated[id] ?? false, neighbour.undated, mutual: neighbour.mutual) {
                    if sides[1 - side].seen.contains(neighbour.id) { return .joined }
                    guard sides[side].seen.insert(neighbour.id).inserted else { continue }
                    undated[neighbour.id] = neighbour.undated
                    next.append(neighbour.id)
                }
                if sides[0].seen.count + sides[1].seen.count > limit { return .unknown }
            }
            sides[side].frontier = next
        }
    }
}
