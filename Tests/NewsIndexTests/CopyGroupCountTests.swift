import Foundation
import GRDB
import NewsCore
@testable import NewsIndex
import Testing
import TestSupport

/// The number of copy groups among a query's matches, counted from the groups held in memory
/// (`CopyGroups`), against the count SQLite makes from the covering index, as groups are formed,
/// changed and broken up and articles come and go (real SQLite file).
@Suite("Copy groups counted in memory (real SQLite file)")
struct CopyGroupCountTests {
    @Test("the counts from memory and from the ranking equal SQLite's count after every kind of group change")
    func countsFollowGroupChanges() throws {
        var random = SeededRandom.forTest("CopyGroupCountTests.countsFollowGroupChanges")
        let folder = TemporaryFolder("newsd-copy-groups")
        let index = try ArticleIndex(path: folder.file("index.sqlite"))
        var documents = try QueryPropertyTests.corpus(&random, count: 240, twins: true, in: index)
        var fromMemory = 0
        for round in 0..<6 {
            try index.pool.write { db in
                for _ in 0..<40 {
                    let id = Int64.random(in: 6...Int64(documents.count), using: &random)
                    if Bool.random(using: &random) {
                        let first = id - Int64.random(in: 1...5, using: &random)
                        try db.execute(sql: "UPDATE article SET copyOf = coalesce((SELECT copyOf FROM article WHERE id = ?), ?) WHERE id = ?",
                                       arguments: [first, first, id])
                    } else {
                        try db.execute(sql: "UPDATE article SET copyOf = NULL WHERE id = ?", arguments: [id])
                    }
                }
                // As if the log had dropped its oldest entries: a table further behind must be read whole.
                if round == 3 { try db.execute(sql: "DELETE FROM copy_group_change WHERE seq < (SELECT max(seq) FROM copy_group_change)") }
            }
            // Every other round changes groups alone: the highest id stays, only the change count tells.
            var changes: [IndexChange] = []
            for _ in 0..<(round % 2 == 0 ? 0 : 4) { changes.append(.remove(path: documents[Int.random(in: 0..<documents.count, using: &random)].path)) }
            for _ in 0..<(round % 2 == 0 ? 0 : 10) {
                documents.append(QueryPropertyTests.document(&random, path: "d\(documents.count).txt"))
                changes.append(QueryPropertyTests.upsert(documents[documents.count - 1], number: documents.count - 1))
            }
            try index.apply(changes, now: Double(round + 2))
            try index.pool.read { (db: Database) throws in
                for query in 0..<40 {
                    let tree = QueryPropertyTests.tree(&random, depth: 0)
                    guard !tree.overLimits else { continue }
                    let translated = QueryTranslator.translate(try SearchQuery.parse(tree.text))
                    guard translated.match != nil, translated.conditions.isEmpty,
                          var search = WindowedSearch(SearchFilter(translated, minOutlets: nil), sort: .relevance) else { continue }
                    search.groups = { try index.tables.groups.read($0).table }
                    let memory = try search.countFromMemory(db)
                    let counted = try Int.fetchOne(db, sql: search.countSQL, arguments: search.countArguments)
                    #expect(memory == counted, "seed \(random.seed), round \(round), query \(query): \(tree.text)")
                    if memory != nil { fromMemory += 1 }
                    // The ranking statement's own count, taken as it scores every match.
                    let tables = index.tables
                    let tally = GroupTally(groups: try tables.groups.read(db).table)
                    let number = tables.recorders.register(tally)
                    defer { tables.recorders.close(number) }
                    let ranked = WindowedSearch(SearchFilter(translated, minOutlets: nil, lengths: try tables.lengths.read(db).key), sort: .relevance)!
                    _ = try Row.fetchAll(db, sql: ranked.scoreWindowSQL(recorder: number), arguments: [translated.match, 5])
                    #expect(tally.complete && tally.count == counted, "seed \(random.seed), round \(round), query \(query): \(tree.text) (ranking's tally)")
                }
            }
        }
        #expect(fromMemory > 100, "seed \(random.seed): counted from memory \(fromMemory) times")
    }

    @Test("the change logs drop their oldest entries as they grow")
    func logsStayBounded() throws {
        let folder = TemporaryFolder("newsd-change-log")
        let index = try ArticleIndex(path: folder.file("index.sqlite"))
        let total = IndexSchema.changeLogLength + 25_000
        for log in ["copy_group_change", "fulltext_removal"] {
            try index.pool.write { db in
                try db.execute(sql: """
                    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
                    INSERT INTO \(log)(id) SELECT i FROM n
                    """, arguments: [total])
            }
            let (kept, last) = try index.pool.read { db in
                (try Int.fetchOne(db, sql: "SELECT count(*) FROM \(log)") ?? 0, try Int.fetchOne(db, sql: "SELECT max(seq) FROM \(log)") ?? 0)
            }
            #expect(last == total, "\(log): entries keep their order numbers")
            #expect(kept <= IndexSchema.changeLogLength + 10_000 && kept >= IndexSchema.changeLogLength, "\(log): \(kept) entries kept")
        }
    }
}
