import Foundation
import GRDB
import NewsCore

/// Places articles in stories and copy groups, after ingest: `ArticleIndex.placeStories` runs
/// when the ingest queue is empty, so bulk ingest never waits for it, and a single new article is
/// placed milliseconds after it became searchable.
///
/// Each placed article keeps a few links, in `story_link`: to the article whose text it copies
/// most (`Similarity.shingles`), if any, and to the `storyLinks` articles it is most like
/// (`Similarity.articles`, at least `linkThreshold`) among those dated within
/// `windowDays` of it. A story is a connected group of these links, and a copy group one of its
/// copy links; a copy group's first article is its earliest report. Every article keeps its
/// best links whatever arrives later (a newcomer that is more alike takes a link over, an
/// article that goes hands its links back), so the same articles give the same stories and the
/// same first report whatever order they arrive in, and a story runs as long as reports keep
/// coming within `windowDays` of one another. A few links per article, not every link above the
/// threshold: chains of merely similar reports (templated earnings reports, one commodity's
/// weekly figures) would otherwise join into one story of thousands.
///
/// Candidates come from `StoryCandidates`: in an archive of up to `completeLimit` articles
/// every article sharing a telling key, so that a link is found whichever of its two articles
/// arrives first; in a larger one the lookups are bounded, and the grouping holds as far as
/// they find the same links.
struct StoryBook {
    let db: Database
    private var touched = Set<Int64>()
    /// Reads what placing an article needs, and holds the transaction's story-key filings.
    private var surveyor: StorySurveyor
    /// Whether a survey read ahead (`PlacementForecast`) is still the one this transaction
    /// would make: false once its story keys changed otherwise than by the filings of the
    /// articles it placed.
    private(set) var forecastsHold = true

    /// Reports dated more than this many days apart are linked only as copies.
    static let windowDays = 7
    /// Archives up to this many articles look up every telling key of an article.
    static let completeLimit = 5_000
    /// Links kept per article to articles it is alike (besides one to a copy).
    static let storyLinks = 2
    /// How alike two articles must be for a link (`Similarity.articles`): above
    /// `Similarity.storyThreshold`, since a story joins everything its links join.
    static let linkThreshold = 0.40
    /// Articles looked at, at most, to tell whether the two ends of a replaced link are still
    /// joined; past it their stories are regrouped whole.
    static let walkLimit = 1_000

    init(_ db: Database) {
        self.db = db
        surveyor = StorySurveyor(db)
    }

    /// A possible link: to `id`, how alike, whether a copy, and the text hash that breaks ties.
    struct Link {
        var id: Int64
        var score: Double
        var copy: Bool
        var hash: String

        /// Whether this link is better than `other`: a copy first, then the higher score, then
        /// the smaller text hash (never the id, which says only which came first).
        func beats(_ other: Link?) -> Bool {
            guard let other else { return true }
            if copy != other.copy { return copy }
            if score != other.score { return score > other.score }
            return hash < other.hash
        }
    }

    /// Gives an unplaced article its link, story and copy group, and takes over the links of
    /// placed articles it is more alike than what they link to now. `forecast`: its survey, read
    /// ahead (`PlacementForecast`), which must see what this transaction placed before it, and
    /// the story keys the forecast filed it under.
    mutating func place(articleId: Int64, forecast: (survey: StorySurvey, keys: [Int64])? = nil) throws {
        let survey: StorySurvey
        if let forecast {
            survey = forecast.survey
            surveyor.remember(forecast.survey)
        } else {
            guard let made = try surveyor.survey(articleId: articleId) else { return }
            survey = made
        }
        if survey.fingerprintFromText {
            try db.cachedStatement(sql: IndexSchema.storeFingerprintSQL).execute(arguments: [articleId, Data(survey.fingerprint.encoded)])
        }
        let date = survey.articleDay
        let hash = survey.hash
        let when = Self.when(source: survey.dateSource, day: date)
        var copyLink: Link?
        var links: [Link] = []
        var affected = Set<Int64>()
        // What the newcomer's links change. Links that were only added can only join stories
        // and copy groups: then those are merged. A link that another replaced may split a
        // story or a copy group: unless its two articles are still joined, the stories
        // concerned are regrouped.
        var dropped: [(id: Int64, other: Int64, copy: Bool)] = []
        var copyNeighbours: [Int64: Int64] = [:]   // article → its story, for copy links either way
        var linkedFrom: [Int64: (story: Int64, undated: Bool)] = [:]
        var undatedOf: [Int64: Bool] = [:]
        // The story of each candidate linked to, as loaded: placing changes no story before the links are chosen.
        var storyOf: [Int64: Int64] = [:]
        let undated = survey.dateSource == .file
        let alike = Dictionary(uniqueKeysWithValues: survey.alike.map { ($0.id, $0) })
        for candidate in try Self.load(db, survey.alike.map(\.id)) {
            let found = alike[candidate.id]!
            let (copy, score, names) = (found.copy, found.score, found.names)
            let withinWindow = Self.withinWindow(when, candidate.when)
            // Reports of one event name someone or something in common; templated reports
            // (earnings, commodity figures) share their wording and nothing else.
            guard copy || (withinWindow && score >= Self.linkThreshold && names) else { continue }
            undatedOf[candidate.id] = candidate.undated
            storyOf[candidate.id] = candidate.storyId
            let link = Link(id: candidate.id, score: score, copy: copy, hash: candidate.hash)
            let theirs = Link(id: articleId, score: score, copy: copy, hash: hash)
            if copy {
                if link.beats(copyLink) { copyLink = link }
                // The newcomer as the candidate's copy link, against the one it has.
                if theirs.beats(candidate.copyLink) {
                    try replaceLink(of: candidate.id, old: candidate.copyLink?.id, with: theirs)
                    affected.insert(candidate.storyId)
                    copyNeighbours[candidate.id] = candidate.storyId
                    if let old = candidate.copyLink?.id { dropped.append((candidate.id, old, true)) }
                }
            } else {
                links.append(link)
                let full = candidate.storyLinks.count >= Self.storyLinks
                if !full || theirs.beats(candidate.storyLinks.last) {
                    try replaceLink(of: candidate.id, old: full ? candidate.storyLinks.last?.id : nil, with: theirs)
                    affected.insert(candidate.storyId)
                    linkedFrom[candidate.id] = (candidate.storyId, candidate.undated)
                    if full, let old = candidate.storyLinks.last?.id { dropped.append((candidate.id, old, false)) }
                }
            }
        }
        links.sort { $0.beats($1) }
        var linkedTo: [Int64: Int64] = [:]   // article → its story, for the newcomer's own links
        for link in (copyLink.map { [$0] } ?? []) + links.prefix(Self.storyLinks) {
            try replaceLink(of: articleId, old: nil, with: link)
            if let story = storyOf[link.id] {
                affected.insert(story)
                linkedTo[link.id] = story
                if link.copy { copyNeighbours[link.id] = story }
            }
        }
        if let forecast {
            surveyor.file(survey, under: forecast.keys)
        } else {
            try surveyor.file(survey)
        }
        // Articles linked to this one while it was out of its story (its text changed, or an
        // article it linked to went) join it again.
        let holders = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT a.id, a.storyId, a.dateKind IS NULL AS undated, l.copy FROM story_link l JOIN article a ON a.id = l.id
            WHERE l.other = ? AND a.storyId IS NOT NULL
            """), arguments: [articleId])
        while let holder = try holders.next() {
            let (id, story): (Int64, Int64) = (holder[0], holder[1])
            affected.insert(story)
            linkedFrom[id] = (story, holder[2])
            if holder[3] as Bool { copyNeighbours[id] = story }
        }
        if affected.isEmpty {
            let story = try newStory(day: date)
            try db.cachedStatement(sql: "UPDATE article SET storyId = ?, copyOf = NULL, copySimilarity = NULL WHERE id = ?")
                .execute(arguments: [story, articleId])
            return
        }
        // The articles the newcomer's links join it to (a copy link either way, or a link that
        // joins stories), each with its story.
        var joinedTo = copyNeighbours
        for (id, story) in linkedTo where Self.counts(undated, undatedOf[id] ?? false, mutual: linkedFrom[id] != nil) {
            joinedTo[id] = story
        }
        for (id, from) in linkedFrom where Self.counts(undated, from.undated, mutual: linkedTo[id] != nil) {
            joinedTo[id] = from.story
        }
        // A link that went splits its story only if its two ends are no longer joined; the
        // walk that tells so has then gone through the whole of one part. One such part is cut
        // off as a story of its own; more than one (the rest might fall apart as well), or a
        // walk too long to finish, regroup the stories concerned whole.
        let graph = StoryLinkGraph(db: db, placing: articleId)
        var cutOff: Set<Int64>?
        for link in dropped {
            // Two ends the newcomer joins are still joined, through it: no walk needed (most
            // replaced links are a copy's, handed to a newcomer that is another copy).
            if link.id != articleId, link.other != articleId, joinedTo[link.id] != nil, joinedTo[link.other] != nil { continue }
            // A link between two stories (or to an article waiting to be placed again) joined
            // nothing: its going splits nothing.
            let stories = try Int64.fetchAll(db.cachedStatement(sql: """
                SELECT storyId FROM article WHERE id IN (?, ?) AND storyId IS NOT NULL
                """), arguments: [link.id, link.other])
            guard stories.count == 2, stories[0] == stories[1] else { continue }
            switch try graph.walk(from: link.id, to: link.other, limit: Self.walkLimit) {
            case .joined:
                continue
            case .apart(let part) where cutOff == nil:
                cutOff = part
            case .apart, .unknown:
                try regroup(stories: affected, adding: [articleId])
                return
            }
        }
        // Nothing split: the stories the newcomer's counting links reach become one.
        let joined = Set(joinedTo.values)
        let story: Int64
        if let first = joined.min() {
            story = first
            let others = joined.subtracting([first])
            if !others.isEmpty {
                try db.cachedStatement(sql: "UPDATE article SET storyId = ? WHERE storyId IN (SELECT value FROM json_each(?))")
                    .execute(arguments: [first, StoryCandidates.jsonArray(others)])
            }
            touched.formUnion(joined)
        } else {
            story = try newStory(day: date)
        }
        // Copy groups do not depend on stories: settled first, the newcomer's own copy link is
        // written with its story, in one update of its row instead of two.
        let copyEnds = dropped.filter(\.copy).flatMap { [$0.id, $0.other] }
        let own = try settleCopyGroups(around: Set(copyNeighbours.keys).union(copyEnds), placing: articleId)
        try db.cachedStatement(sql: "UPDATE article SET storyId = ?, copyOf = ?, copySimilarity = ? WHERE id = ?")
            .execute(arguments: [story, own.copyOf, own.similarity, articleId])
        if let cutOff {
            let list = StoryCandidates.jsonArray(cutOff)
            let part = try newStory(day: date)
            // The part may come out of a story other than the one the newcomer joined.
            touched.formUnion(try Int64.fetchAll(db.cachedStatement(sql: """
                SELECT DISTINCT storyId FROM article WHERE id IN (SELECT value FROM json_each(?)) AND storyId IS NOT NULL
                """), arguments: [list]))
            try db.cachedStatement(sql: "UPDATE article SET storyId = ? WHERE id IN (SELECT value FROM json_each(?))")
                .execute(arguments: [part, list])
        }
    }

    /// A new, empty story, touched: `refreshTouched` counts its articles and sets its dates
    /// (the day numbered `day` holds until then).
    private mutating func newStory(day: Int) throws -> Int64 {
        try db.cachedStatement(sql: "INSERT INTO story(articles, outlets, firstDay, lastDay) VALUES (0, 0, ?, ?)").execute(arguments: [day, day])
        let story = db.lastInsertedRowID
        touched.insert(story)
        return story
    }

    /// Whether a link (not a copy) joins its two articles' stories: always, unless both are
    /// undated; then only when each links to the other (see `regroup`).
    static func counts(_ undatedA: Bool, _ undatedB: Bool, mutual: Bool) -> Bool {
        !(undatedA && undatedB) || mutual
    }

    /// When an article dated on the day numbered `day` (`IndexSchema` v28) from `source` says it
    /// appeared: its published date, or a dateline's day and month (the year inferred, so
    /// possibly wrong); nil for a file's day, which says nothing about when its story happened.
    static func when(source: DateSource, day: Int) -> (day: CalendarDay, inferred: Bool)? {
        guard source != .file else { return nil }
        return (CalendarDay(dayNumber: day), source == .inferred)
    }

    /// Whether two articles are dated close enough to be linked as reports of one event (not
    /// as copies): within `windowDays`, the year of an inferred date aside (the calendar day
    /// nearest in the year before, the same or the next); an article without a date may be.
    static func withinWindow(_ a: (day: CalendarDay, inferred: Bool)?, _ b: (day: CalendarDay, inferred: Bool)?) -> Bool {
        guard let a, let b else { return true }
        guard a.inferred || b.inferred else { return abs(a.day.dayNumber - b.day.dayNumber) <= windowDays }
        return (-1...1).contains { shift in
            CalendarDay(year: a.day.year + shift, month: b.day.month, day: b.day.day)
                .map { abs($0.dayNumber - a.day.dayNumber) <= windowDays } ?? false
        }
    }

    /// Gives `articleId` the link `link`, in place of its link to `old` (nil: added).
    private func replaceLink(of articleId: Int64, old: Int64?, with link: Link) throws {
        if let old {
            try db.cachedStatement(sql: "DELETE FROM story_link WHERE id = ? AND other = ?").execute(arguments: [articleId, old])
        }
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO story_link(id, other, score, copy) VALUES (?, ?, ?, ?)")
            .execute(arguments: [articleId, link.id, link.score, link.copy])
    }

    /// Recomputes the stories and copy groups of the articles of `stories` (and `adding`, placed
    /// now) from their links: the connected groups become the stories, each keeping one of the
    /// old ids; each copy group's first article is its earliest report.
    private mutating func regroup(stories: Set<Int64>, adding: [Int64]) throws {
        // Two lookups by index (an OR of the two would scan the table).
        let byId = try Member.fetch(db.cachedStatement(sql: """
            SELECT \(Member.columns) FROM article a WHERE a.storyId IN (SELECT value FROM json_each(?1))
            UNION SELECT \(Member.columns) FROM article a WHERE a.id IN (SELECT value FROM json_each(?2))
            """), arguments: [StoryCandidates.jsonArray(stories), StoryCandidates.jsonArray(adding)])
        let members = Set(byId.keys)
        var edges: [(id: Int64, other: Int64, score: Double, copy: Bool)] = []
        let edgeRows = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT id, other, score, copy FROM story_link WHERE id IN (SELECT value FROM json_each(?))
            """), arguments: [StoryCandidates.jsonArray(members)])
        while let edge = try edgeRows.next() { edges.append((edge[0], edge[1], edge[2] ?? 0, edge[3] ?? false)) }
        var stories = UnionFind(), copies = UnionFind()
        var copyScore: [Int64: Double] = [:]
        for id in members {
            stories.add(id)
            copies.add(id)
        }
        // Between two articles without a date (nothing bounds such links in time), a link joins
        // a story only when each counts the other among the ones it is most like: an undated
        // article that many others are like (a template, a busy topic) does not pull them all
        // into one story.
        let held = Set(edges.map { Pair(id: $0.id, other: $0.other) })
        let undated = Set(byId.values.filter(\.undated).map(\.id))
        for (id, other, score, copy) in edges {
            guard members.contains(other) else { continue }
            if copy || Self.counts(undated.contains(id), undated.contains(other), mutual: held.contains(Pair(id: other, other: id))) {
                stories.union(id, other)
            }
            if copy {
                copies.union(id, other)
                copyScore[id] = max(copyScore[id] ?? 0, score)
                copyScore[other] = max(copyScore[other] ?? 0, score)
            }
        }
        // Each group keeps the old story id most of its members had (then the smallest); the
        // others get new ones.
        var used = Set<Int64>()
        for group in stories.groups().sorted(by: { $0.min()! < $1.min()! }) {
            var counts: [Int64: Int] = [:]
            for id in group { if let old = byId[id]?.storyId { counts[old, default: 0] += 1 } }
            let keep = counts.filter { !used.contains($0.key) }.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key
            let story: Int64
            if let keep {
                story = keep
            } else {
                story = try newStory(day: byId[group.min()!]?.articleDay ?? 0)
            }
            used.insert(story)
            // Only the rows whose story changes are written.
            let moved = group.filter { byId[$0]?.storyId != story }
            if !moved.isEmpty {
                try db.cachedStatement(sql: "UPDATE article SET storyId = ? WHERE id IN (SELECT value FROM json_each(?))")
                    .execute(arguments: [story, StoryCandidates.jsonArray(moved)])
            }
        }
        touched.formUnion(used)
        for old in byId.values.compactMap(\.storyId) { touched.insert(old) }
        try settleCopyGroups(copies.groups(), byId: byId, copyScore: copyScore)
    }

    /// What regrouping and copy groups read of each member article.
    struct Member {
        var id: Int64, storyId: Int64?, copyOf: Int64?, copySimilarity: Double?
        /// Dated other than by its published date, or not at all.
        var uncertain: Bool
        /// Dated only by its file.
        var undated: Bool
        var articleDay: Int, fileTime: Double, contentHash: String

        /// The columns of `a` (an article) a member is read from, in order.
        static let columns = """
            a.id, a.storyId, a.copyOf, a.copySimilarity, a.dateKind IS NOT \(DateKind.published.rawValue), a.dateKind IS NULL,
            a.articleDay, a.fileTime, hex(a.contentHash)
            """

        /// The members `statement` (selecting `columns`) finds, by id; read by position, as in `load`.
        static func fetch(_ statement: Statement, arguments: StatementArguments) throws -> [Int64: Member] {
            var members: [Int64: Member] = [:]
            let rows = try Row.fetchCursor(statement, arguments: arguments)
            while let row = try rows.next() {
                let member = Member(id: row[0], storyId: row[1], copyOf: row[2], copySimilarity: row[3], uncertain: row[4], undated: row[5],
                                    articleDay: row[6], fileTime: row[7] ?? 0, contentHash: row[8])
                members[member.id] = member
            }
            return members
        }
    }

    /// An article's place in its copy group: the group's first article and the score of its
    /// closest copy link (both nil for a first article, or one in no group).
    struct CopyPlace {
        var copyOf: Int64?
        var similarity: Double?
    }

    /// Gives each copy group its earliest report as first article, and each other member the
    /// score of its closest copy link (`copyScore`); `byId` holds every member.
    /// Only rows that change are written, except `leaving`'s: its place is returned instead,
    /// for the caller to write with the rest of its row.
    @discardableResult
    private func settleCopyGroups(_ groups: [[Int64]], byId: [Int64: Member], copyScore: [Int64: Double], leaving: Int64? = nil) throws -> CopyPlace {
        func key(_ id: Int64) -> (Int, Int, Double, String) {
            let member = byId[id]!
            return (member.uncertain ? 1 : 0, member.articleDay, member.fileTime, member.contentHash)
        }
        var left = CopyPlace()
        for group in groups {
            let first = group.min { key($0) < key($1) }!
            for id in group {
                let (copyOf, similarity) = id == first ? (nil, nil) : (first, copyScore[id])
                if id == leaving {
                    left = CopyPlace(copyOf: copyOf, similarity: similarity)
                    continue
                }
                guard byId[id]?.copyOf != copyOf || byId[id]?.copySimilarity != similarity else { continue }
                try db.cachedStatement(sql: "UPDATE article SET copyOf = ?, copySimilarity = ? WHERE id = ?")
                    .execute(arguments: [copyOf, similarity, id])
            }
        }
        return left
    }

    /// Recomputes, from their copy links, the copy groups of `articles` and of `placing` (the
    /// article being placed) when the stories need no regrouping: copy links were added (groups
    /// merge) or replaced (a group may split). Only the members of those groups are read, never
    /// their stories'. Writes every member's row that changes but `placing`'s, whose place it
    /// returns.
    private func settleCopyGroups(around articles: Set<Int64>, placing articleId: Int64) throws -> CopyPlace {
        guard !articles.isEmpty else { return CopyPlace() }
        // The newcomer's row is written after this (its copy link with its story): whatever it
        // holds is not its group.
        let firsts = try Int64.fetchAll(db.cachedStatement(sql: """
            SELECT coalesce(copyOf, id) FROM article WHERE id IN (SELECT value FROM json_each(?))
            """), arguments: [StoryCandidates.jsonArray(articles.subtracting([articleId]))])
        let groupIds = StoryCandidates.jsonArray(Set(firsts).union([articleId]))
        // Articles waiting to be placed (again) are in no copy group yet, as in `regroup`.
        let byId = try Member.fetch(db.cachedStatement(sql: """
            SELECT \(Member.columns) FROM article a WHERE a.id IN (SELECT value FROM json_each(?1)) AND (a.storyId IS NOT NULL OR a.id = ?2)
            UNION SELECT \(Member.columns) FROM article a WHERE a.copyOf IN (SELECT value FROM json_each(?1)) AND a.storyId IS NOT NULL
            """), arguments: [groupIds, articleId])
        var copyScore: [Int64: Double] = [:]
        var groups = UnionFind()
        for id in byId.keys { groups.add(id) }
        let edges = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT id, other, score FROM story_link WHERE copy AND id IN (SELECT value FROM json_each(?))
            """), arguments: [StoryCandidates.jsonArray(byId.keys)])
        while let edge = try edges.next() {
            let (id, other, score): (Int64, Int64, Double) = (edge[0], edge[1], edge[2] ?? 0)
            guard byId[other] != nil else { continue }
            groups.union(id, other)
            copyScore[id] = max(copyScore[id] ?? 0, score)
            copyScore[other] = max(copyScore[other] ?? 0, score)
        }
        return try settleCopyGroups(groups.groups(), byId: byId, copyScore: copyScore, leaving: articleId)
    }

    /// A fingerprint as stored (nil when absent or unreadable).
    static func storedFingerprint(_ data: Data?) -> ArticleFingerprint? {
        data.flatMap { ArticleFingerprint(encoded: [UInt8]($0)) }
    }

    struct Candidate {
        var id: Int64, storyId: Int64, hash: String
        /// When it says it appeared (see `when`).
        var when: (day: CalendarDay, inferred: Bool)?
        /// Whether it is dated only by its file.
        var undated: Bool
        /// Its copy link now, and its other links, best first.
        var copyLink: Link?
        var storyLinks: [Link]
    }

    /// The placed articles among `ids`, in the order given, with their links.
    static func load(_ db: Database, _ ids: [Int64]) throws -> [Candidate] {
        guard !ids.isEmpty else { return [] }
        let list = StoryCandidates.jsonArray(ids)
        // Read by position from cursors: by name, every value cost a lowercased copy of its
        // column's name, and rows copied out of the statement a slower decoding.
        var copyLinks: [Int64: Link] = [:], storyLinks: [Int64: [Link]] = [:]
        let links = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT l.id, l.other, l.score, l.copy, hex(b.contentHash) FROM story_link l JOIN article b ON b.id = l.other
            WHERE l.id IN (SELECT value FROM json_each(?))
            """), arguments: [list])
        while let row = try links.next() {
            let link = Link(id: row[1], score: row[2] ?? 0, copy: row[3] ?? false, hash: row[4])
            if link.copy { copyLinks[row[0]] = link } else { storyLinks[row[0], default: []].append(link) }
        }
        var byId: [Int64: Candidate] = [:]
        byId.reserveCapacity(ids.count)
        let rows = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT a.id, a.storyId, hex(a.contentHash), a.articleDay, a.dateKind
            FROM article a WHERE a.id IN (SELECT value FROM json_each(?)) AND a.storyId IS NOT NULL
            """), arguments: [list])
        while let row = try rows.next() {
            let id: Int64 = row[0]
            let source = DateKind.source(row[4])
            byId[id] = Candidate(id: id, storyId: row[1], hash: row[2],
                                 when: when(source: source, day: row[3]), undated: source == .file, copyLink: copyLinks[id],
                                 storyLinks: (storyLinks[id] ?? []).sorted { $0.beats($1) })
        }
        return ids.compactMap { byId[$0] }
    }

    /// Takes an article out of its story before its text changes or it goes: its keys and its
    /// link go, the articles linked to it are placed again (their next best link may be
    /// elsewhere), and what remains of their stories is regrouped. An article waiting to be
    /// placed (again) may still be linked to: its holders are placed again all the same, or an
    /// article that goes would leave links to nothing.
    private mutating func takeOutOfStory(_ articleId: Int64) throws {
        var stories = Set<Int64>()
        if let story = try Int64.fetchOne(db, sql: "SELECT storyId FROM article WHERE id = ?", arguments: [articleId]) {
            stories.insert(story)
            try detach(articleId)
        }
        // Their link goes with this article (or its text): they are placed again, and find
        // their best link anew. Links to them stay (they are still articles), and bring their
        // holders' stories together with theirs when they are placed. A holder may be in
        // another story (a link between two undated articles counts only both ways): its story
        // is regrouped too.
        for linked in try Int64.fetchAll(db, sql: "SELECT id FROM story_link WHERE other = ?", arguments: [articleId]) {
            if let story = try Int64.fetchOne(db, sql: "SELECT storyId FROM article WHERE id = ?", arguments: [linked]) {
                stories.insert(story)
            }
            try detach(linked)
        }
        if !stories.isEmpty { try regroup(stories: stories, adding: []) }
    }

    /// Takes an article out of its story, keys and link, to be placed again.
    private mutating func detach(_ articleId: Int64) throws {
        let row = try Row.fetchOne(db, sql: """
            SELECT a.storyId, f.bytes FROM article a LEFT JOIN article_fingerprint_whole f ON f.id = a.id WHERE a.id = ?
            """, arguments: [articleId])
        if let story: Int64 = row?["storyId"] { touched.insert(story) }
        if let stored = Self.storedFingerprint(row?["bytes"]) {
            // Its filings may still be pending; the counts remembered change.
            let keys = StoryCandidates(db: db)
            try keys.write(&surveyor.pendingKeys)
            try keys.unfile(stored, articleId: articleId)
            forecastsHold = false
        }
        try db.execute(sql: "DELETE FROM story_link WHERE id = ?", arguments: [articleId])
        try db.execute(sql: "UPDATE article SET storyId = NULL, copyOf = NULL, copySimilarity = NULL WHERE id = ?", arguments: [articleId])
    }

    /// Takes an article out of its story and keys before its text changes; it is placed again later.
    mutating func unplace(articleId: Int64) throws {
        try takeOutOfStory(articleId)
    }

    /// Takes an article out of the index: the articles linked to it are placed again, its story
    /// regrouped.
    mutating func remove(articleId: Int64) throws {
        try takeOutOfStory(articleId)
        try db.execute(sql: "DELETE FROM article WHERE id = ?", arguments: [articleId])
    }

    /// Writes what placing gathered since the last call: its story-key filings, and the counts
    /// and dates of the stories it touched (`refreshTouched`). Called before the transaction
    /// ends, and may be called as often as wanted before.
    mutating func finish() throws {
        if try !StoryCandidates(db: db).write(&surveyor.pendingKeys) { forecastsHold = false }
        try refreshTouched()
        touched.removeAll()
    }

    /// Brings the counts and dates of every story touched in this transaction up to date (its
    /// span is that of its published dates when it has any); a story left without articles is deleted.
    private func refreshTouched() throws {
        let published = DateKind.published.rawValue
        for story in touched.sorted() {
            // One pass over the story's members (the covering index `article_story_members`).
            try db.cachedStatement(sql: """
                UPDATE story SET (articles, outlets, firstDay, lastDay) = (
                    SELECT count(*), count(DISTINCT outlet),
                           coalesce(min(CASE WHEN dateKind = \(published) THEN articleDay END), min(articleDay), story.firstDay),
                           coalesce(max(CASE WHEN dateKind = \(published) THEN articleDay END), max(articleDay), story.lastDay)
                    FROM article WHERE storyId = ?1)
                WHERE id = ?1
                """).execute(arguments: [story])
            try db.cachedStatement(sql: "DELETE FROM story WHERE id = ? AND articles = 0").execute(arguments: [story])
        }
    }
}

/// A link, as the article holding it and the one it points to.
private struct Pair: Hashable {
    let id: Int64
    let other: Int64
}

/// Disjoint sets of article ids, for regrouping stories from their links.
struct UnionFind {
    private var parent: [Int64: Int64] = [:]

    mutating func add(_ id: Int64) { if parent[id] == nil { parent[id] = id } }

    mutating func find(_ id: Int64) -> Int64 {
        var root = id
        while let up = parent[root], up != root { root = up }
        var node = id
        while let up = parent[node], up != root { parent[node] = root; node = up }
        return root
    }

    mutating func union(_ a: Int64, _ b: Int64) {
        let (ra, rb) = (find(a), find(b))
        if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
    }

    /// The sets, each as its ids.
    mutating func groups() -> [[Int64]] {
        var byRoot: [Int64: [Int64]] = [:]
        for id in parent.keys { byRoot[find(id), default: []].append(id) }
        return Array(byRoot.values)
    }
}

