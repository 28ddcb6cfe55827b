import Foundation
import GRDB
import NewsCore
@testable import NewsIndex
import Testing
import TestSupport

/// Searches grouped by story, which the ranking groups as it scores every match (`StoryTally`),
/// against a reference that ranks every match with FTS5's bm25 and groups them in SQL: random
/// corpora with tied twins, random stories (with random outlet counts) and unplaced articles,
/// random queries, pages, date filters, story-size floors and orders, and copy groups by
/// coverage, with articles added, edited, removed and moved between stories in between.
@Suite("Story-grouped search: the ranking's groups against the full ranking")
struct StoryGroupedSearchTests {
    /// The page grouped by story in relevance order (or coverage order: the story's outlets
    /// first), ranked by bm25 over every match: each group's best match (rank, then newer day,
    /// then higher id) and its number of matches, and the number of groups.
    static func reference(_ index: ArticleIndex, _ text: String, sort: SearchSort = .relevance, group: SearchGrouping = .stories,
                          minOutlets: Int? = nil, limit: Int, offset: Int) throws -> (total: Int, page: [(id: Int64, hits: Int)]) {
        let translated = QueryTranslator.translate(try SearchQuery.parse(text))
        let match = try #require(translated.match)
        let floor = minOutlets == nil ? [] : ["a.storyId IN (SELECT id FROM story WHERE outlets >= ?)"]
        let conditions = (["article_fts MATCH ?"] + translated.conditions + floor).joined(separator: " AND ")
        let matches = """
            WITH m AS MATERIALIZED (
                SELECT a.id AS id, bm25(article_fts, \(ArticleIndex.bm25Weights)) AS rank, a.articleDay AS day, a.dateKind IS NULL AS undated,
                       a.ingestedAt AS arrived,
                       \(group == .stories ? "coalesce(a.storyId, -a.id)" : "coalesce(a.copyOf, a.id)") AS grp,
                       coalesce((SELECT outlets FROM story WHERE id = a.storyId), 0) AS coverage
                FROM article_fts JOIN article a ON a.id = article_fts.rowid WHERE \(conditions)
            ),
            best AS (SELECT *, row_number() OVER (PARTITION BY grp ORDER BY rank, day DESC, id DESC) AS place,
                            count(*) OVER (PARTITION BY grp) AS hits FROM m)
            """
        let arguments: [DatabaseValueConvertible] = [match] + translated.arguments + (minOutlets.map { [$0] } ?? [])
        return try index.pool.read { db in
            let order = switch sort {
            case .coverage: "coverage DESC, rank, day DESC, id DESC"
            case .newest: "undated, day DESC, id DESC"
            case .oldest: "undated, day ASC, id ASC"
            case .added: "arrived DESC, id DESC"
            default: "rank, day DESC, id DESC"
            }
            let rows = try Row.fetchAll(db, sql: matches + " SELECT id, hits FROM best WHERE place = 1 ORDER BY \(order) LIMIT ? OFFSET ?",
                                        arguments: StatementArguments(arguments + [limit, offset]))
            let total = try Int.fetchOne(db, sql: matches + " SELECT count(DISTINCT grp) FROM m", arguments: StatementArguments(arguments)) ?? 0
            return (total, rows.map { ($0[0], $0[1]) })
        }
    }

    /// Puts each article in one of `stories` stories or none (a third stay unplaced), as
    /// placement leaves them: every story row exists, some stories end up empty; each story
    /// carried by 1 to 4 outlets (drawn again each time, so coverage ties and changes).
    static func placeAtRandom(_ index: ArticleIndex, stories: Int, _ random: inout SeededRandom) throws {
        let ids = try index.pool.read { try Int64.fetchAll($0, sql: "SELECT id FROM article") }
        let chosen = ids.map { _ in Int.random(in: 0..<3, using: &random) == 0 ? nil : Int64.random(in: 1...Int64(stories), using: &random) }
        let outlets = (1...stories).map { _ in Int.random(in: 1...4, using: &random) }
        try index.pool.write { db in
            for story in 1...stories {
                try db.execute(sql: "INSERT INTO story(id, articles, outlets) VALUES (?, 0, ?) ON CONFLICT(id) DO UPDATE SET outlets = excluded.outlets",
                               arguments: [story, outlets[story - 1]])
            }
            for (id, story) in zip(ids, chosen) {
                try db.execute(sql: "UPDATE article SET storyId = ? WHERE id = ?", arguments: [story, id])
            }
        }
    }

    @Test("every page grouped by story equals the same page of the full ranking, grouped")
    func randomPages() throws {
        var random = SeededRandom.forTest("StoryGroupedSearchTests.randomPages")
        for corpusRound in 0..<3 {
            let folder = TemporaryFolder("newsd-story-grouped")
            let index = try ArticleIndex(path: folder.file("index.sqlite"))
            let count = [90, 240, 400][corpusRound]
            var documents = try QueryPropertyTests.corpus(&random, count: count, twins: true, in: index)
            let stories = count / [3, 6, 20][corpusRound]
            try Self.placeAtRandom(index, stories: stories, &random)
            // Random copy groups, for copy groups by coverage: some articles copy an earlier one.
            try index.pool.write { db in
                for id in 6...count where Int.random(in: 0..<4, using: &random) == 0 {
                    let first = id - Int.random(in: 1...5, using: &random)
                    try db.execute(sql: "UPDATE article SET copyOf = coalesce((SELECT copyOf FROM article WHERE id = ?), ?), copySimilarity = 0.9 WHERE id = ?",
                                   arguments: [first, first, id])
                }
                // Arrivals shared by many articles and not in id order, for the order of arrival.
                for id in 1...count {
                    try db.execute(sql: "UPDATE article SET ingestedAt = ? WHERE id = ?", arguments: [Int.random(in: 1...6, using: &random), id])
                }
            }
            for round in 0..<100 {
                // Between queries: an article added, edited or removed, or the stories dealt again,
                // so that the stories and days kept in memory are brought up to date.
                if round % 10 == 9 {
                    if Bool.random(using: &random) {
                        try TopKPropertyTests.change(index, &documents, &random, now: Double(10 + round))
                    } else {
                        try Self.placeAtRandom(index, stories: stories, &random)
                    }
                }
                let tree = QueryPropertyTests.tree(&random, depth: 0)
                guard !tree.overLimits, QueryTranslator.translate(try SearchQuery.parse(tree.text)).match != nil else { continue }
                let filters = [" since:2023-01-04", " until:2023-01-05", " date:2023-01-02..2023-01-07", " date:2024"]
                let text = round % 3 == 2 ? tree.text + filters.randomElement(using: &random)! : tree.text
                let limit = Int.random(in: 1...30, using: &random), offset = [0, 0, Int.random(in: 0...60, using: &random)].randomElement(using: &random)!
                let sort: SearchSort = [.relevance, .relevance, .coverage, .coverage, .newest, .oldest, .added].randomElement(using: &random)!
                // Copy groups by coverage: the one order of copy groups grouped this way.
                let group: SearchGrouping = sort == .coverage && Bool.random(using: &random) ? .copies : .stories
                let minOutlets = round % 5 == 4 ? Int.random(in: 1...4, using: &random) : nil
                let (total, hits) = try index.search(SearchQuery.parse(text), sort: sort, group: group, minOutlets: minOutlets,
                                                     limit: limit, offset: offset)
                let expected = try Self.reference(index, text, sort: sort, group: group, minOutlets: minOutlets, limit: limit, offset: offset)
                let context = "seed \(random.seed), corpus \(corpusRound), round \(round): \(text) (\(sort), \(group), min outlets \(minOutlets.map(String.init) ?? "-"), limit \(limit), offset \(offset))"
                #expect(total == expected.total, "\(context)")
                #expect(hits.map(\.id) == expected.page.map(\.id), "\(context)")
                #expect(hits.map(\.storyHits) == expected.page.map { group == .stories ? Optional($0.hits) : nil }, "\(context)")
                if case let scores = try WindowedSearchTests.bm25Scores(index, text), !scores.isEmpty {
                    let wrong = hits.filter { $0.score != -(scores[$0.id] ?? .nan) }.map { "\($0.id): \($0.score), bm25 \(-(scores[$0.id] ?? .nan))" }
                    let wrongCount = wrong.count
                    #expect(wrongCount == 0, "\(context): scores other than bm25's: \(wrong.prefix(3))")
                }
                if hits.map(\.id) != expected.page.map(\.id) { return }
            }
        }
    }

    @Test("stories held in memory further behind than the story log reaches are read again whole")
    func behindTheLog() throws {
        var random = SeededRandom.forTest("StoryGroupedSearchTests.behindTheLog")
        let folder = TemporaryFolder("newsd-story-grouped-log")
        let index = try ArticleIndex(path: folder.file("index.sqlite"))
        _ = try QueryPropertyTests.corpus(&random, count: 120, in: index)
        try Self.placeAtRandom(index, stories: 12, &random)
        let word = QueryPropertyTests.vocabulary[0]
        func matchesReference() throws -> Bool {
            let (total, hits) = try index.search(SearchQuery.parse(word), group: .stories, limit: 30, offset: 0)
            let expected = try Self.reference(index, word, limit: 30, offset: 0)
            return total == expected.total && hits.map(\.id) == expected.page.map(\.id)
                && hits.map(\.storyHits) == expected.page.map { Optional($0.hits) }
        }
        #expect(try matchesReference())
        // More moves than the log keeps, ending with every article in another story than the
        // table read above says: its oldest entries are gone, so the table is read whole.
        try index.pool.write { db in
            // The log is trimmed every tenth of its length: past 1.1 lengths the first entries are gone.
            let rounds = IndexSchema.storyChangeLogLength * 11 / 10 / 120 + 2
            for round in 0..<rounds {
                try db.execute(sql: "UPDATE article SET storyId = (id + ?) % 12 + 1", arguments: [round])
            }
        }
        let oldest = try index.pool.read { try Int64.fetchOne($0, sql: "SELECT min(seq) FROM story_membership_change") ?? 0 }
        #expect(oldest > 120, "the test needs the log to have dropped the entries of the first moves")
        #expect(try matchesReference())
    }

    @Test("an id given again to a new article in no story is not taken for the removed article's story")
    func idGivenAgain() throws {
        let folder = TemporaryFolder("newsd-story-grouped-ids")
        let index = try ArticleIndex(path: folder.file("index.sqlite"))
        func report(_ words: String) -> IndexableArticle {
            TestArticles.article(headline: "Harbour report", body: "The harbour board met. \(words)", published: "2024-03-04")
        }
        _ = try index.apply(TestArticles.upserts([
            ("a.txt", report("Ferries ran late.")), ("b.txt", report("Cranes were idle.")), ("c.txt", report("Tugs stood by.")),
        ]), now: 1_700_000_000)
        try index.pool.write { db in
            try db.execute(sql: "INSERT INTO story(id, articles, outlets) VALUES (1, 3, 0); UPDATE article SET storyId = 1")
        }
        func grouped() throws -> [Int?] {
            try index.search(try SearchQuery.parse("harbour"), group: .stories, limit: 10, offset: 0).hits.map(\.storyHits)
        }
        #expect(try grouped() == [3])
        // The newest article goes; the next one added takes its id and is in no story yet.
        _ = try index.apply([.remove(path: "c.txt")], now: 1_700_000_100)
        _ = try index.apply(TestArticles.upserts([("d.txt", report("Pilots were short."))]), now: 1_700_000_200)
        #expect(try index.articleId(path: "d.txt") == 3, "the test needs the id given again")
        // Taking an article out of a story sends its other members back to placement: placed again.
        try index.pool.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO story(id, articles, outlets) VALUES (1, 2, 0); UPDATE article SET storyId = 1 WHERE id IN (1, 2)")
        }
        let after = try grouped()
        #expect(after.sorted { ($0 ?? 0) > ($1 ?? 0) } == [2, 1], "\(after)")
    }

    @Test("a search grouped by story (in every order) or by copy group by coverage ranks and groups in one statement")
    func groupedByTheRanking() throws {
        var random = SeededRandom(seed: 7)
        let folder = TemporaryFolder("newsd-story-grouped-plan")
        let index = try ArticleIndex(path: folder.file("index.sqlite"))
        _ = try QueryPropertyTests.corpus(&random, count: 40, in: index)
        let word = QueryPropertyTests.vocabulary[0]
        // Before any story exists too: every article a group of its own, by coverage none.
        let unplaced = try index.searchPlan(SearchQuery.parse(word), sort: .coverage, group: .stories)
        #expect(!unplaced.contains { $0.contains("GROUP BY") }, "\(unplaced)")
        try Self.placeAtRandom(index, stories: 8, &random)
        for (text, sort, group, minOutlets) in [(word, SearchSort.relevance, SearchGrouping.stories, nil), (word + " since:2023-01-03", .relevance, .stories, nil),
                                                (word, .coverage, .stories, nil), (word, .newest, .stories, nil), (word, .relevance, .stories, 2),
                                                (word, .coverage, .copies, nil), (word, .added, .stories, nil)] {
            let plan = try index.searchPlan(SearchQuery.parse(text), sort: sort, group: group, minOutlets: minOutlets)
            // One pass over the matches, nothing grouped or materialised but the page itself.
            #expect(plan.filter { $0.hasPrefix("SCAN article_fts") }.count == 2, "\(text): \(plan)")
            #expect(!plan.contains { $0.contains("GROUP BY") || ($0.hasPrefix("MATERIALIZE") && $0 != "MATERIALIZE page") }, "\(text): \(plan)")
            #expect(plan.contains { $0.hasPrefix("SCAN page") }, "\(text): \(plan)")
        }
    }
}
