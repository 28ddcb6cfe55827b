/// The stories among the rows one ranking scores: `RankFunction` adds every row it scores with
/// its rank, and the tally keeps, for each story, its best match and how many of its articles
/// match (an article in no story is a group of its own). So a search grouped by story groups
/// every match in the pass that ranks it, instead of materialising every ranked match in SQL
/// and grouping them there. Made with the copy groups, it groups by copy group instead, for
/// the one order the relevance window cannot keep: coverage, by each group's best match's story.
///
/// A group's best match is the first in relevance order: the lower rank, then the newer day,
/// then the higher id (the order pages list hits in). Used as `GroupTally` is: by one search,
/// on the thread that steps its ranking statement; made before the statement, filled while it
/// steps, read after it, so the state touched per match skips Swift's exclusivity checks.
final class StoryTally: @unchecked Sendable {
    /// One group: a story, an article in none, or a copy group.
    struct Group: Equatable {
        /// The story (a copy group's: its best match's), 0 for none.
        let story: Int64
        /// The best match's id and rank (as the ranking gave it).
        let id: Int64
        let rank: Double
        /// The best match's day number (`ArticleDays`), which orders groups ranked alike, and
        /// whether it is dated only by its file (date orders put such groups last).
        let day: Int
        let undated: Bool
        /// The group's matches.
        let hits: Int

        /// The group as a ranked row of a page, represented by its best match.
        var ranked: WindowedSearch.Ranked { WindowedSearch.Ranked(id: id, rank: rank, group: id) }
    }

    private let stories: [Int32]
    private let days: [Int32]
    /// Each article's copy group (`CopyGroups`: the first copy's id, 0 for an article that is no
    /// copy) when grouping by copy group instead of by story.
    private let copyGroups: [Int64]?
    /// Per group (story id, or first copy's id): the best match so far (id 0: none yet), its
    /// rank, and the group's matches.
    private let bestId: UnsafeMutableBufferPointer<Int64>
    private let bestRank: UnsafeMutableBufferPointer<Double>
    private let hits: UnsafeMutableBufferPointer<Int32>
    /// Matched articles in no story, each a group of one.
    @exclusivity(unchecked) private var alone: [(id: Int64, rank: Double)] = []
    @exclusivity(unchecked) private var lastId: Int64 = -1
    /// False once a row was missing from the tables: then the tally is not to be used.
    @exclusivity(unchecked) private(set) var complete = true

    /// `stories`: each article's story (`StoryMembership`, 0: none); `days`: each article's
    /// `ArticleDays` value; `copyGroups`: each article's copy group, to group by copy group (each
    /// group's story is then its best match's); all of the ranking's snapshot.
    init(stories: [Int32], days: [Int32], copyGroups: [Int64]? = nil) {
        self.stories = stories
        self.days = days
        self.copyGroups = copyGroups
        // Story ids follow the articles' (a story is numbered when its first article is placed);
        // an id beyond what a table by id can hold makes the tally incomplete instead. Copy
        // groups are numbered by article id.
        let highest = copyGroups.map { $0.count } ?? min(Int(stories.max() ?? 0), stories.count * 4 + 1024)
        bestId = .allocate(capacity: highest + 1)
        bestId.initialize(repeating: 0)
        bestRank = .allocate(capacity: highest + 1)
        bestRank.initialize(repeating: 0)
        hits = .allocate(capacity: highest + 1)
        hits.initialize(repeating: 0)
    }

    deinit {
        bestId.deallocate()
        bestRank.deallocate()
        hits.deallocate()
    }

    /// The day number of the article `id` (the tables hold it: `add` checked).
    private func day(_ id: Int64) -> Int { ArticleDays.day(days[Int(id)]) }

    private func undated(_ id: Int64) -> Bool { ArticleDays.undated(days[Int(id)]) }

    /// Adds the match `id`, ranked `rank` (lower first), to its story's group.
    func add(_ id: Int64, rank: Double) {
        guard complete, id != lastId else { return }
        lastId = id
        guard id >= 0, id < stories.count, id < days.count, days[Int(id)] != ArticleDays.unknown else {
            complete = false
            return
        }
        let slot: Int
        if let copyGroups {
            guard id < copyGroups.count else {
                complete = false
                return
            }
            let first = copyGroups[Int(id)]
            slot = first == 0 ? Int(id) : Int(first)
        } else {
            slot = Int(stories[Int(id)])
            guard slot != 0 else {
                alone.append((id, rank))
                return
            }
        }
        guard slot > 0, slot < hits.count else {
            complete = false
            return
        }
        hits[slot] += 1
        let best = bestId[slot]
        if best == 0 || Self.precedes(rank, day(id), id, bestRank[slot], day(best), best) {
            bestId[slot] = id
            bestRank[slot] = rank
        }
    }

    /// Whether a match (rank, day, id) comes before another in relevance order.
    static func precedes(_ rank: Double, _ day: Int, _ id: Int64, _ otherRank: Double, _ otherDay: Int, _ otherId: Int64) -> Bool {
        if rank != otherRank { return rank < otherRank }
        if day != otherDay { return day > otherDay }
        return id > otherId
    }

    /// Every group, unordered, each with its best match's rank passed through `shown` (a
    /// one-phrase query's IDF applied after the ranking: see `PhraseRowCount.score`).
    func groups(shown: (Double) -> Double) -> [Group] {
        var all: [Group] = []
        all.reserveCapacity(alone.count + 1024)
        for slot in 0..<hits.count where hits[slot] > 0 {
            let id = bestId[slot]
            let story = copyGroups == nil ? Int64(slot) : id < stories.count ? Int64(stories[Int(id)]) : 0
            all.append(Group(story: story, id: id, rank: shown(bestRank[slot]), day: day(id), undated: undated(id), hits: Int(hits[slot])))
        }
        for (id, rank) in alone { all.append(Group(story: 0, id: id, rank: shown(rank), day: day(id), undated: undated(id), hits: 1)) }
        return all
    }

    /// The order of a page of groups, each group by its best match.
    enum Order {
        /// The best match's rank, then the newer day, then the higher id.
        case relevance
        /// The stories carried by the most outlets first (an article in no story counts none),
        /// then relevance; `outlets`: each story's outlet count by story id, holding every
        /// group's story.
        case coverage(outlets: [Int32])
        /// Dated before dated only by their file, then the newer (older) day, then the higher
        /// (lower) id.
        case newest, oldest
        /// The later arrival, then the higher id: `keys`, each article's place in that order
        /// (`ArrivalOrder`), holding every group's best match.
        case added(keys: [Double])

        /// Whether `a` comes before `b`.
        func before(_ a: Group, _ b: Group) -> Bool {
            switch self {
            case .relevance:
                return precedes(a.rank, a.day, a.id, b.rank, b.day, b.id)
            case .coverage(let outlets):
                let (one, other) = (a.story == 0 ? 0 : outlets[Int(a.story)], b.story == 0 ? 0 : outlets[Int(b.story)])
                return one != other ? one > other : precedes(a.rank, a.day, a.id, b.rank, b.day, b.id)
            case .added(let keys):
                return keys[Int(a.id)] < keys[Int(b.id)]
            case .newest, .oldest:
                if a.undated != b.undated { return !a.undated }
                if a.day != b.day { return (a.day > b.day) == (self.isNewest) }
                return (a.id > b.id) == (self.isNewest)
            }
        }

        private var isNewest: Bool {
            if case .newest = self { return true }
            return false
        }
    }

    /// The groups from `offset` on, `limit` of them, in `order`; only the first
    /// `offset + limit` are ever sorted.
    static func page(_ groups: [Group], limit: Int, offset: Int, order: Order = .relevance) -> [Group] {
        let needed = offset + limit
        guard needed > 0 else { return [] }
        let before = order.before
        var first: [Group] = []
        first.reserveCapacity(min(needed, groups.count) + 1)
        for group in groups {
            if first.count == needed {
                guard before(group, first[needed - 1]) else { continue }
                first.removeLast()
            }
            // Binary search for the place: `first` stays in order.
            var (low, high) = (0, first.count)
            while low < high {
                let middle = (low + high) / 2
                if before(first[middle], group) { low = middle + 1 } else { high = middle }
            }
            first.insert(group, at: low)
        }
        return Array(first.dropFirst(offset))
    }
}
