import Foundation
import NewsCore
@testable import NewsIndex
import GRDB
import Synchronization
import Testing
import TestSupport

@Suite("Article index (real SQLite file)")
struct ArticleIndexTests {
    let folder = TemporaryFolder("newsd-index")
    var databasePath: String { folder.file("index.sqlite") }

    func article(_ headline: String, _ body: String) -> IndexableArticle {
        let parsed = ParsedArticle(headline: headline, paragraphs: [body], encoding: .utf8)
        return IndexableArticle(contentHash: parsed.contentHash, headline: headline, body: parsed.body,
                                encoding: "utf-8", wordCount: parsed.wordCount)
    }

    func stamp(_ n: Int) -> FileStamp { FileStamp(inode: UInt64(n), size: Int64(n), mtimeNs: Int64(n)) }

    func ids(_ index: ArticleIndex, _ text: String) throws -> [String] {
        try index.search(SearchQuery.parse(text), limit: 50, offset: 0).hits.map(\.path)
    }

    @Test("insert, search, replace and delete")
    func lifecycle() throws {
        let index = try ArticleIndex(path: databasePath)
        try index.apply([
            .upsert(path: "a.txt", stamp: stamp(1), article: article("Harbour reopens", "Ships return to the harbour.")),
            .upsert(path: "b.txt", stamp: stamp(2), article: article("Election night", "Votes counted until dawn.")),
        ], now: 1)
        #expect(try ids(index, "harbour") == ["a.txt"])
        #expect(try index.counts() == (articles: 2, files: 2, failed: 0))

        let before = try index.search(SearchQuery.parse("harbour"), limit: 1, offset: 0).hits[0].id
        try index.apply([.upsert(path: "a.txt", stamp: stamp(3), article: article("Harbour closes", "Storm shuts the port."))], now: 2)
        #expect(try ids(index, "storm") == ["a.txt"])
        #expect(try ids(index, "ships").isEmpty, "the old text must be gone from the index")
        #expect(try index.search(SearchQuery.parse("storm"), limit: 1, offset: 0).hits[0].id == before, "an edited file keeps its article id")

        try index.apply([.remove(path: "a.txt")], now: 3)
        #expect(try ids(index, "storm").isEmpty)
        #expect(try index.counts() == (articles: 1, files: 1, failed: 0))
    }

    @Test("articles added, edited, copied and removed within one transaction leave a consistent full-text index")
    func oneBatch() throws {
        let index = try ArticleIndex(path: databasePath)
        let news = article("Harbour reopens", "Ships return to the harbour.")
        try index.apply([
            .upsert(path: "a.txt", stamp: stamp(1), article: news),
            .upsert(path: "a.txt", stamp: stamp(2), article: article("Harbour closes", "Storm shuts the port.")),
            .upsert(path: "b.txt", stamp: stamp(3), article: news),
            .upsert(path: "b.txt", stamp: stamp(4), article: IndexableArticle(
                contentHash: news.contentHash, headline: news.headline, body: news.body, encoding: "utf-8",
                wordCount: news.wordCount, outlet: "CNN")),
            .upsert(path: "c.txt", stamp: stamp(5), article: article("Gone soon", "Deleted in the same batch.")),
            .remove(path: "c.txt"),
        ], now: 1)
        #expect(try ids(index, "storm") == ["a.txt"])
        #expect(try ids(index, "ships") == ["b.txt"])
        #expect(try ids(index, "outlet:cnn") == ["b.txt"])
        #expect(try ids(index, "deleted").isEmpty)
        try index.pool.write { db in
            // Compares the full-text index with the article table it was built from.
            try db.execute(sql: "INSERT INTO article_fts(article_fts) VALUES ('integrity-check')")
        }
    }

    @Test("headline matches rank above body matches")
    func headlineWeight() throws {
        let index = try ArticleIndex(path: databasePath)
        try index.apply([
            .upsert(path: "body.txt", stamp: stamp(1), article: article("Markets today", "Analysts discussed the drought and its effect on grain, among other things.")),
            .upsert(path: "head.txt", stamp: stamp(2), article: article("Drought hits farms", "Farmers are worried about the coming season and prices.")),
        ], now: 1)
        #expect(try ids(index, "drought") == ["head.txt", "body.txt"])
    }

    @Test("the same text under two names is one article with two paths; a rename keeps the id")
    func duplicates() throws {
        let index = try ArticleIndex(path: databasePath)
        let text = article("Same story", "Word for word the same.")
        try index.apply([.upsert(path: "one.txt", stamp: stamp(1), article: text),
                         .upsert(path: "two.txt", stamp: stamp(2), article: text)], now: 1)
        let hits = try index.search(SearchQuery.parse("story"), limit: 10, offset: 0)
        #expect(hits.total == 1)
        #expect(hits.hits[0].paths == ["one.txt", "two.txt"])
        let id = hits.hits[0].id

        try index.apply([.remove(path: "one.txt"), .remove(path: "two.txt"),
                         .upsert(path: "renamed.txt", stamp: stamp(1), article: text)], now: 2)
        let after = try index.search(SearchQuery.parse("story"), limit: 10, offset: 0)
        #expect(after.hits.map(\.id) == [id])
        #expect(after.hits[0].paths == ["renamed.txt"])
    }

    @Test("failures are recorded, replace what the file held, and clear when it is fixed")
    func failures() throws {
        let index = try ArticleIndex(path: databasePath)
        try index.apply([.upsert(path: "a.txt", stamp: stamp(1), article: article("Good", "Fine text."))], now: 1)
        try index.apply([.failed(path: "a.txt", stamp: stamp(2), code: "binary", reason: "binary")], now: 2)
        #expect(try index.counts() == (articles: 0, files: 0, failed: 1))
        #expect(try index.failures().map(\.path) == ["a.txt"])
        #expect(try index.knownStamps() == ["a.txt": stamp(2)])
        try index.apply([.upsert(path: "a.txt", stamp: stamp(3), article: article("Good again", "Fixed."))], now: 3)
        #expect(try index.counts() == (articles: 1, files: 1, failed: 0))
    }

    @Test("reading the stamps of a large archive says it is moving every few thousand rows")
    func knownStampsReportProgress() throws {
        let index = try ArticleIndex(path: databasePath)
        let count = 2 * ArticleIndex.stampsPerProgress + 1
        try index.apply((0..<count).map { .failed(path: "f\($0).bin", stamp: stamp($0), code: "binary", reason: "binary") }, now: 1)
        let calls = Mutex(0)
        #expect(try index.knownStamps { calls.withLock { $0 += 1 } }.count == count)
        #expect(calls.withLock { $0 } == 2)
    }

    @Test("the stamps of named paths: files, failures and multi-article files, each as the whole archive's list has it")
    func knownStampsOfPaths() throws {
        let index = try ArticleIndex(path: databasePath)
        try index.apply([
            .upsert(path: "a.txt", stamp: stamp(1), article: article("Harbour reopens", "Ships return to the harbour.")),
            .failed(path: "b.bin", stamp: stamp(2), code: "binary", reason: "binary"),
            .upsertMembers(path: "feed.jsonl", stamp: stamp(3), members: [
                .init(key: "1", article: article("Ferry fares rise", "The ferry company raised fares.")),
                .init(key: "2", article: article("Rail strike ends", "Trains run again on Monday.")),
            ], skipped: 0),
            .upsert(path: "d/e.txt", stamp: stamp(4), article: article("Bridge opens", "The new bridge carries traffic.")),
        ], now: 1)
        let all = try index.knownStamps()
        let named = ["a.txt", "b.bin", "feed.jsonl", "d/e.txt", "missing.txt", "d"]
        #expect(try index.knownStamps(for: named) == all)
        #expect(try index.knownStamps(for: ["b.bin", "missing.txt"]) == ["b.bin": stamp(2)])
        #expect(try index.knownStamps(for: []).isEmpty)
    }

    @Test("stemming, case and diacritics do not matter; snippets highlight the match")
    func matching() throws {
        let index = try ArticleIndex(path: databasePath)
        try index.apply([.upsert(path: "a.txt", stamp: stamp(1),
                                 article: article("Café owners protest", "Bounties were offered in the région."))], now: 1)
        #expect(try ids(index, "bounty") == ["a.txt"])
        #expect(try ids(index, "CAFE region") == ["a.txt"])
        #expect(try ids(index, "\"owners protest\"") == ["a.txt"])
        #expect(try ids(index, "prot*") == ["a.txt"])
        let hit = try index.search(SearchQuery.parse("bounty"), limit: 1, offset: 0).hits[0]
        let scalars = Array(hit.snippet.unicodeScalars)
        let span = try #require(hit.highlights.first)
        #expect(String(String.UnicodeScalarView(scalars[span.start..<(span.start + span.length)])) == "Bounties")
    }

    @Test("pagination and total")
    func pagination() throws {
        let index = try ArticleIndex(path: databasePath)
        try index.apply((0..<25).map { n in
            .upsert(path: "f\(n).txt", stamp: stamp(n), article: article("Report \(n)", "Common word number \(n)."))
        }, now: 1)
        let first = try index.search(SearchQuery.parse("common"), limit: 10, offset: 0)
        let third = try index.search(SearchQuery.parse("common"), limit: 10, offset: 20)
        #expect(first.total == 25 && first.hits.count == 10)
        #expect(third.total == 25 && third.hits.count == 5)
        #expect(Set(first.hits.map(\.id)).isDisjoint(with: third.hits.map(\.id)))
    }

    @Test("no user input reaches SQLite as an FTS5 syntax error")
    func randomQueriesAreSafe() throws {
        let index = try ArticleIndex(path: databasePath)
        try index.apply([.upsert(path: "a.txt", stamp: stamp(1), article: article("Alpha beta", "Gamma delta NEAR OR AND NOT."))], now: 1)
        let alphabet = Array(#"ab NORANDTE"*()-:^{}[]+,.\'/?"#.unicodeScalars) + ["\u{0}", "\u{1F600}", "é", "\u{301}", "\u{E000}"]
        let pieces = ["OR ", "AND ", "NOT ", "NEAR(", ", 3)", "title:", "body:", "outlet:", "byline:", "path:", "since:2020 ",
                      "until:2020-06 ", "date:2019..2020 ", "-", "(", ")", "*", "\""]
        var checked = 0
        for _ in 0..<5000 {
            var input = ""
            for _ in 0..<Int.random(in: 1...12) {
                if Bool.random() { input += pieces.randomElement()! } else { input.unicodeScalars.append(alphabet.randomElement()!) }
            }
            guard let query = try? SearchQuery.parse(input) else { continue }
            _ = try index.search(query, limit: 5, offset: 0)
            checked += 1
        }
        #expect(checked > 800, "most random inputs should parse, so that the search itself is exercised")
    }

    @Test("commits leave the write-ahead log to checkpoint(), which copies all of it on its own connection; the log's size is known after each commit")
    func checkpointOffTheWritePath() throws {
        let index = try ArticleIndex(path: databasePath)
        // The writer's log watch stands in for SQLite's automatic checkpoint (the pragma reads
        // 0 once another commit hook is installed).
        #expect(try index.pool.write { try Int.fetchOne($0, sql: "PRAGMA wal_autocheckpoint") } == 0)
        try index.apply([.upsert(path: "a.txt", stamp: stamp(1), article: article("Logged", "Then checkpointed."))], now: 1)
        let wal = databasePath + "-wal"
        #expect(try FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int ?? 0 > 0, "the commit stays in the log")
        let first = index.writeAheadLogFrames
        try index.apply([.upsert(path: "b.txt", stamp: stamp(2), article: article("Logged again", "Still in the log."))], now: 2)
        let second = index.writeAheadLogFrames
        #expect(first > 0 && second > first, "the log grows commit by commit: \(first), \(second)")
        #expect(try index.checkpoint())
        try index.apply([.upsert(path: "c.txt", stamp: stamp(3), article: article("Logged anew", "The log starts over."))], now: 3)
        #expect(index.writeAheadLogFrames < second, "after a checkpoint the next commit starts the log over")
        #expect(try index.checkpoint(truncating: true))
        #expect(try FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int == 0, "an idle checkpoint empties the log")
        #expect(try ids(index, "checkpointed") == ["a.txt"])
    }

    @Test("small writes leave full-text merging to the idle steps, which merge without changing a result; bulk writes merge as they go")
    func fullTextMergedWhenIdle() throws {
        let index = try ArticleIndex(path: databasePath)
        func automerge() throws -> Int? {
            try index.pool.read { try Int.fetchOne($0, sql: "SELECT v FROM article_fts_config WHERE k = 'automerge'") }
        }
        func segments() throws -> Int {
            try index.pool.read { try Int.fetchOne($0, sql: "SELECT count(DISTINCT segid) FROM article_fts_idx") ?? 0 }
        }
        #expect(try automerge() == 0, "a new index starts with FTS5's automerge off")
        let before = try segments()
        for n in 1...12 {
            try index.apply([.upsert(path: "\(n).txt", stamp: stamp(n), article: article("Harbour report \(n)", "Ships and cranes, day \(n)."))],
                            now: Double(n))
        }
        #expect(try segments() == before + 12, "each write adds a segment and merges none")
        let results = try ids(index, "harbour OR cranes")
        var steps = 0
        while try index.mergeFullText(pages: 16) { steps += 1 }
        #expect(steps > 0)
        #expect(try segments() < 4, "the idle steps merge every level of four segments or more")
        #expect(try ids(index, "harbour OR cranes") == results)
        #expect(try index.mergeFullText(pages: 16) == false, "nothing is left to merge")

        let bulk = (100..<(100 + PendingFullText.mergingBatch)).map { n in
            IndexChange.upsert(path: "\(n).txt", stamp: stamp(n), article: article("Port log \(n)", "Cargo entry \(n)."))
        }
        try index.apply(bulk, now: 100)
        #expect(try automerge() == PendingFullText.bulkAutomerge, "a bulk transaction merges as it writes")
        try index.apply([.upsert(path: "last.txt", stamp: stamp(999), article: article("Harbour closes", "Fog."))], now: 101)
        #expect(try automerge() == 0, "the next small write turns it off again")
        #expect(try ids(index, "harbour").count == 13)
    }

    @Test("the full-text index is rewritten as one segment once its other segments hold a quarter of the largest, without changing a result")
    func fullTextConsolidated() throws {
        let index = try ArticleIndex(path: databasePath)
        func segments() throws -> [Int] {
            try index.pool.read { try Int.fetchAll($0, sql: "SELECT count(*) FROM article_fts_idx GROUP BY segid ORDER BY 1 DESC") }
        }
        #expect(try index.fullTextWantsConsolidating() == false, "an empty index has nothing to rewrite")
        // Distinct words, so that the bulk segment spans many leaf pages.
        let bulk = (0..<600).map { n in
            IndexChange.upsert(path: "\(n).txt", stamp: stamp(n), article: article("Port log \(n)", "Cargo entry manifest\(n) berth\(n) crane\(n)."))
        }
        try index.apply(bulk, now: 1)
        // Three segments: fewer than a level's merge needs (four), so only consolidation merges them.
        for n in 1...2 {
            try index.apply([.upsert(path: "small\(n).txt", stamp: stamp(1000 + n), article: article("Harbour report \(n)", "Ships and cranes, day \(n)."))],
                            now: Double(1 + n))
        }
        let before = try segments()
        #expect(before.count == 3)
        #expect(try index.mergeFullText(pages: 16) == false, "no level holds four segments")
        let query = "harbour OR cargo OR manifest12*"
        let results = try ids(index, query)
        #expect(try index.fullTextWantsConsolidating() == (before.dropFirst().reduce(0, +) * 4 >= before[0]))
        // Forced here whatever the share, to see that the steps end with one segment.
        var steps = 0
        while try index.consolidateFullText(pages: 16) { steps += 1 }
        #expect(steps > 0)
        let after = try segments()
        #expect(after.count == 1, "\(after)")
        #expect(try ids(index, query) == results)
        #expect(try index.consolidateFullText(pages: 16) == false, "one segment has nothing to rewrite")
        #expect(try index.fullTextWantsConsolidating() == false)

        let largest = try segments()[0]
        #expect(largest >= 8, "the bulk segment has \(largest) leaf-page entries")
        try index.apply([.upsert(path: "late.txt", stamp: stamp(5000), article: article("Harbour late", "Fog delayed a ship."))], now: 100)
        #expect(try segments().count == 2)
        #expect(try index.fullTextWantsConsolidating() == false, "one small write is far from a quarter of the index")
        let second = (0..<300).map { n in
            IndexChange.upsert(path: "more\(n).txt", stamp: stamp(6000 + n), article: article("Tide note \(n)", "Tide table\(n) pilot\(n) buoy\(n)."))
        }
        try index.apply(second, now: 200)
        let grown = try segments()
        #expect(try index.fullTextWantsConsolidating(), "a second load of half the size: \(grown)")
    }

    @Test("damage below the schema opens, is found by verify, and is replaced by an empty index")
    func damagedPage() throws {
        do {
            let index = try ArticleIndex(path: databasePath)
            try index.apply([.upsert(path: "a.txt", stamp: stamp(1), article: article("Lost", "On a damaged page."))], now: 1)
            try index.verify()
            try index.close()
        }
        try DatabaseDamage.overwriteRootPage(of: "article", in: databasePath)
        let index = try ArticleIndex(path: databasePath)
        #expect {
            try index.verify()
        } throws: { error in
            if case IndexError.corrupt(let path, _) = error { path == databasePath } else { false }
        }
        let aside = try index.replaceDamaged()
        #expect(aside.hasPrefix(databasePath + ".corrupt-"))
        #expect(FileManager.default.fileExists(atPath: aside), "the damaged file is kept for inspection")
        // A second copy moved aside in the same second gets a name of its own.
        try Data("second".utf8).write(to: URL(fileURLWithPath: databasePath + ".other"))
        let second = try ArticleIndex.moveAside(databasePath + ".other")
        try Data("third".utf8).write(to: URL(fileURLWithPath: databasePath + ".other"))
        let third = try ArticleIndex.moveAside(databasePath + ".other")
        #expect(second != third)
        #expect(try String(contentsOfFile: second, encoding: .utf8) == "second", "an earlier copy is never overwritten")
        try index.verify()
        #expect(try index.counts() == (articles: 0, files: 0, failed: 0))
        try index.apply([.upsert(path: "b.txt", stamp: stamp(2), article: article("Rebuilt", "Into a new file."))], now: 2)
        #expect(try ids(index, "rebuilt") == ["b.txt"])
    }

    @Test("searches running while a damaged index is replaced get an answer or an error, never a crash")
    func searchesDuringReplacement() throws {
        let index = try ArticleIndex(path: databasePath)
        try index.apply([.upsert(path: "a.txt", stamp: stamp(1), article: article("Harbour", "Ships return."))], now: 1)
        let stop = Atomic(false)
        let answered = Atomic(0)
        let running = DispatchGroup()
        for _ in 0..<3 {
            running.enter()
            let reader = Thread {
                defer { running.leave() }
                while !stop.load(ordering: .relaxed) {
                    if (try? index.search(SearchQuery.parse("harbour"), limit: 10, offset: 0)) != nil {
                        answered.add(1, ordering: .relaxed)
                    }
                    _ = try? index.counts()
                }
            }
            reader.start()
        }
        for round in 0..<12 {
            let aside = try index.replaceDamaged()
            #expect(FileManager.default.fileExists(atPath: aside), "round \(round)")
            try index.apply([.upsert(path: "a.txt", stamp: stamp(round + 2), article: article("Harbour", "Ships return."))], now: Double(round + 2))
        }
        stop.store(true, ordering: .relaxed)
        running.wait()
        #expect(answered.load(ordering: .relaxed) > 0, "the readers ran while the index was replaced")
        #expect(try ids(index, "harbour") == ["a.txt"])
        try index.close()
    }

    @Test("the index survives reopening, and one from a newer newsd is refused")
    func reopen() throws {
        do {
            let index = try ArticleIndex(path: databasePath)
            try index.apply([.upsert(path: "a.txt", stamp: stamp(1), article: article("Kept", "Across restarts."))], now: 1)
            try index.close()
        }
        let reopened = try ArticleIndex(path: databasePath)
        #expect(try ids(reopened, "restarts") == ["a.txt"])
        try reopened.close()

        // Simulate a future schema version.
        let sqlite = try runProcess("/usr/bin/sqlite3", [databasePath, "INSERT INTO grdb_migrations VALUES ('v99-future')"])
        #expect(sqlite.status == 0, "\(sqlite.stderr)")
        #expect(throws: IndexError.self) { try ArticleIndex(path: databasePath) }
    }
}
