import Foundation
import GRDB
import NewsCore
@testable import NewsIndex
import Testing
import TestSupport

/// The status call's counts of articles, languages, outlets, files, stories and unplaced
/// articles are kept by triggers: after every kind of change they must equal what counting
/// the rows gives.
@Suite("Status counts kept by triggers (real SQLite file)")
struct TallyTests {
    let folder = TemporaryFolder("newsd-tally")

    func article(_ text: String, outlet: String?, language: String?) -> IndexableArticle {
        let parsed = ParsedArticle(headline: "Report \(text)", paragraphs: ["The \(text) report in full."], encoding: .utf8)
        return IndexableArticle(contentHash: parsed.contentHash, headline: parsed.headline, body: parsed.body, encoding: "utf-8",
                                wordCount: parsed.wordCount, outlet: outlet, language: language)
    }

    func stamp(_ n: Int) -> FileStamp { FileStamp(inode: UInt64(n), size: 1, mtimeNs: Int64(n)) }

    func expectCountsMatch(_ index: ArticleIndex, _ context: String) throws {
        let overview = try index.overview(outletLimit: 100)
        let (files, stories, unplaced) = try index.pool.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM file") ?? 0, try Int.fetchOne(db, sql: "SELECT count(*) FROM story") ?? 0,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM article WHERE storyId IS NULL") ?? 0)
        }
        #expect(overview.files == files, "\(context)")
        #expect(try index.counts().files == files, "\(context)")
        #expect(overview.stories == stories, "\(context)")
        #expect(overview.unplaced == unplaced, "\(context)")
        let (articles, languages, outlets) = try index.pool.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM article") ?? 0,
             try Row.fetchAll(db, sql: "SELECT language, count(*) AS n FROM article WHERE language IS NOT NULL GROUP BY language ORDER BY n DESC, language")
                .map { LanguageCount(language: $0["language"], articles: $0["n"]) },
             try Row.fetchAll(db, sql: "SELECT outlet, count(*) AS n FROM article WHERE outlet IS NOT NULL GROUP BY outlet ORDER BY n DESC, outlet")
                .map { OutletCount(outlet: $0["outlet"], articles: $0["n"]) })
        }
        #expect(overview.articles == articles, "\(context)")
        #expect(try index.counts().articles == articles, "\(context)")
        #expect(overview.languages == languages, "\(context)")
        #expect(overview.outlets == outlets, "\(context)")
        let ignoredCode = ArticleIndex.ignoredCode
        let (failed, ignored) = try index.pool.read { db in
            (try Int.fetchOne(db, sql: """
                SELECT (SELECT count(*) FROM failure WHERE code <> '\(ignoredCode)') + (SELECT count(*) FROM container WHERE skipped > 0)
                """) ?? 0,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM failure WHERE code = '\(ignoredCode)'") ?? 0)
        }
        #expect(overview.failed == failed, "\(context)")
        #expect(try index.counts().failed == failed, "\(context)")
        #expect(overview.ignored == ignored, "\(context)")
    }

    @Test("adds, edits that change language or outlet, copies under two names, renames and removals")
    func countsFollowChanges() throws {
        let index = try ArticleIndex(path: folder.file("index.sqlite"))
        try index.apply([
            .upsert(path: "a.txt", stamp: stamp(1), article: article("alpha", outlet: "CNN", language: "en")),
            .upsert(path: "b.txt", stamp: stamp(2), article: article("beta", outlet: "CNN", language: "fr")),
            .upsert(path: "c.txt", stamp: stamp(3), article: article("gamma", outlet: nil, language: nil)),
            .upsert(path: "c-copy.txt", stamp: stamp(4), article: article("gamma", outlet: nil, language: nil)),
        ], now: 1)
        try expectCountsMatch(index, "after adding")
        // The same text with other metadata: the article row is updated in place.
        try index.apply([.upsert(path: "b.txt", stamp: stamp(5), article: article("beta", outlet: "Reuters", language: "de"))], now: 2)
        try expectCountsMatch(index, "after an edit of outlet and language")
        // New text under an old name.
        try index.apply([.upsert(path: "a.txt", stamp: stamp(6), article: article("delta", outlet: nil, language: "en"))], now: 3)
        try expectCountsMatch(index, "after new text")
        try index.apply([.remove(path: "c.txt"), .remove(path: "b.txt")], now: 4)
        try expectCountsMatch(index, "after removals")
        try index.apply([.remove(path: "c-copy.txt"), .upsert(path: "moved.txt", stamp: stamp(6), article: article("delta", outlet: nil, language: "en")),
                         .remove(path: "a.txt")], now: 5)
        try expectCountsMatch(index, "after a rename")
        #expect(try index.overview().articles == 1)
    }

    @Test("multi-article files, placement in stories, edits of placed articles and removals")
    func rowCountsFollowFilesAndStories() throws {
        let index = try ArticleIndex(path: folder.file("index.sqlite"))
        func member(_ key: String, _ text: String) -> IndexChange.Member {
            IndexChange.Member(key: key, article: article(text, outlet: "Wire", language: "en"))
        }
        try index.apply([
            .upsert(path: "a.txt", stamp: stamp(1), article: article("harbour strike", outlet: "CNN", language: "en")),
            .upsert(path: "b.txt", stamp: stamp(2), article: article("harbour strike", outlet: "CNN", language: "en")),
            .upsertMembers(path: "export.jsonl", stamp: stamp(3), members: [member("1", "ferry fares"), member("2", "rail fares"), member("3", "bus fares")], skipped: 0),
        ], now: 1)
        try expectCountsMatch(index, "after adding files and a multi-article file")
        while try index.placeStories(limit: 2) > 0 {}
        try expectCountsMatch(index, "after placement")
        #expect(try index.overview().unplaced == 0)
        #expect(try index.overview().stories > 0)
        // Written again: the same path, so no new file row; one member gone, one new text.
        try index.apply([
            .upsert(path: "a.txt", stamp: stamp(4), article: article("harbour strike", outlet: "CNN", language: "en")),
            .upsertMembers(path: "export.jsonl", stamp: stamp(5), members: [member("1", "ferry fares"), member("2", "tram fares")], skipped: 0),
        ], now: 2)
        try expectCountsMatch(index, "after rewriting files (one member gone, one new text)")
        while try index.placeStories(limit: 1) > 0 {}
        try expectCountsMatch(index, "after placing again")
        try index.apply([.remove(path: "export.jsonl"), .remove(path: "b.txt")], now: 3)
        try expectCountsMatch(index, "after removing a multi-article file and a copy")
        try index.apply([.remove(path: "a.txt")], now: 4)
        try expectCountsMatch(index, "after removing everything")
        #expect(try index.overview().files == 0 && index.overview().stories == 0)
    }

    @Test("failures that change code, are ignored, are fixed or go; multi-article files with and without skipped entries")
    func failureCountsFollowChanges() throws {
        let index = try ArticleIndex(path: folder.file("index.sqlite"))
        func member(_ key: String, _ text: String) -> IndexChange.Member {
            IndexChange.Member(key: key, article: article(text, outlet: "Wire", language: "en"))
        }
        let ignored = ArticleIndex.ignoredCode
        try index.apply([
            .failed(path: "scan.pdf", stamp: stamp(1), code: "no-text", reason: "no text layer"),
            .failed(path: "photo.jpg", stamp: stamp(2), code: ignored, reason: "a photo"),
            .failed(path: "notes.docx", stamp: stamp(3), code: ignored, reason: "a word-processor file"),
            .upsertMembers(path: "feed.jsonl", stamp: stamp(4), members: [member("1", "ferry fares")], skipped: 2, skippedReasons: "line 2: not JSON"),
            .upsert(path: "a.txt", stamp: stamp(5), article: article("harbour strike", outlet: "CNN", language: "en")),
        ], now: 1)
        try expectCountsMatch(index, "after adding")
        #expect(try index.overview().failed == 2 && index.overview().ignored == 2)
        // Failed again with another code, ignored in place of failed and the other way round,
        // the same code again, and a file that fails after it was read.
        try index.apply([
            .failed(path: "scan.pdf", stamp: stamp(6), code: "unreadable", reason: "permission denied"),
            .failed(path: "photo.jpg", stamp: stamp(7), code: "binary", reason: "binary"),
            .failed(path: "notes.docx", stamp: stamp(8), code: ignored, reason: "a word-processor file"),
            .failed(path: "a.txt", stamp: stamp(9), code: ignored, reason: "renamed to a photo's type"),
        ], now: 2)
        try expectCountsMatch(index, "after failures changed")
        try index.apply([.failed(path: "photo.jpg", stamp: stamp(10), code: ignored, reason: "a photo")], now: 3)
        try expectCountsMatch(index, "after a failure became ignored")
        // A multi-article file read whole again, then with entries skipped, then failing as a whole.
        try index.apply([.upsertMembers(path: "feed.jsonl", stamp: stamp(11), members: [member("1", "ferry fares")], skipped: 0)], now: 4)
        try expectCountsMatch(index, "after a multi-article file was read whole")
        try index.apply([.upsertMembers(path: "feed.jsonl", stamp: stamp(12), members: [member("1", "ferry fares")], skipped: 1)], now: 5)
        try expectCountsMatch(index, "after it skipped an entry again")
        try index.apply([.upsertMembers(path: "feed.jsonl", stamp: stamp(13), members: [member("1", "rail fares")], skipped: 3)], now: 6)
        try expectCountsMatch(index, "after it skipped more entries")
        try index.apply([.failed(path: "feed.jsonl", stamp: stamp(14), code: "binary", reason: "binary")], now: 7)
        try expectCountsMatch(index, "after the multi-article file failed as a whole")
        // Fixed, and gone.
        try index.apply([.upsert(path: "scan.pdf", stamp: stamp(15), article: article("budget vote", outlet: nil, language: "en")),
                         .remove(path: "notes.docx"), .remove(path: "feed.jsonl")], now: 8)
        try expectCountsMatch(index, "after a fix and removals")
        try index.apply([.remove(path: "photo.jpg"), .remove(path: "a.txt"), .remove(path: "scan.pdf")], now: 9)
        try expectCountsMatch(index, "after removing everything")
        #expect(try index.overview().failed == 0 && index.overview().ignored == 0)
    }

    @Test("an index written before the failure tallies (v28) starts with them counted from its rows")
    func failureTalliesSeededByMigration() throws {
        let path = folder.file("index.sqlite")
        do {
            let index = try ArticleIndex(path: path)
            try index.apply([
                .failed(path: "scan.pdf", stamp: stamp(1), code: "no-text", reason: "no text layer"),
                .failed(path: "photo.jpg", stamp: stamp(2), code: ArticleIndex.ignoredCode, reason: "a photo"),
                .upsertMembers(path: "feed.jsonl", stamp: stamp(3), members: [
                    IndexChange.Member(key: "1", article: article("ferry fares", outlet: nil, language: "en")),
                ], skipped: 1),
            ], now: 1)
        }
        // Back to v28: the triggers and counts of v29 gone, its migration not recorded.
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try MigrationRecords.unrecord(from: "v29-status-failure-tallies", db) }
        try queue.close()
        let index = try ArticleIndex(path: path)
        try expectCountsMatch(index, "after the migration")
        #expect(try index.overview().failed == 2 && index.overview().ignored == 1)
    }

    @Test("an index written before the row tallies (v19) starts with them counted from its rows")
    func rowTalliesSeededByMigration() throws {
        let path = folder.file("index.sqlite")
        do {
            let index = try ArticleIndex(path: path)
            try index.apply((1...5).map { .upsert(path: "f\($0).txt", stamp: stamp($0), article: article("story \($0)", outlet: nil, language: "en")) }, now: 1)
            _ = try index.placeStories(limit: 2)
            try index.pool.write { try CopyTextTests.undoCopyTexts($0) }
        }
        // Back to v19: the triggers and counts of v20 gone, its migration not recorded.
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            for trigger in ["file_insert", "file_delete", "story_insert", "story_delete", "unplaced_insert", "unplaced_delete", "unplaced_update"] {
                try db.execute(sql: "DROP TRIGGER tally_\(trigger)")
            }
            try db.execute(sql: "DELETE FROM tally WHERE kind IN ('files', 'stories', 'unplaced')")
            try MigrationRecords.unrecord(from: "v20-status-row-tallies", db)
        }
        try queue.close()
        let index = try ArticleIndex(path: path)
        try expectCountsMatch(index, "after the migration")
        let overview = try index.overview()
        #expect(overview.files == 5 && overview.unplaced == 3 && overview.stories > 0, "\(overview)")
    }
}
