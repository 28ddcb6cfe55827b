import Foundation
import GRDB
import NewsCore
@testable import NewsIndex
import Testing
import TestSupport

/// `newsd_rank` against FTS5's own `bm25`: the same score for every match, bit for bit, whether
/// the lengths come from the table in memory or from FTS5's lookup, as articles are added,
/// edited (same id, new length) and removed.
@Suite("Ranking with lengths in memory equals bm25 (real SQLite file)")
struct RankFunctionTests {
    static func scores(_ db: Database, _ expression: String, _ match: String) throws -> [Int64: Double] {
        var scores: [Int64: Double] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT rowid, \(expression) FROM article_fts WHERE article_fts MATCH ?", arguments: [match]) {
            scores[row[0]] = row[1]
        }
        return scores
    }

    @Test("every match scores as bm25 scores it, with the table and without, across additions, edits and removals")
    func sameScoresAsBM25() throws {
        var random = SeededRandom.forTest("RankFunctionTests.sameScoresAsBM25")
        let folder = TemporaryFolder("newsd-rank")
        let index = try ArticleIndex(path: folder.file("index.sqlite"))
        var documents = try QueryPropertyTests.corpus(&random, count: 300, twins: true, in: index)
        let weights = ArticleIndex.bm25Weights
        var previous: SnapshotKey?
        var compared = 0
        for round in 0..<5 {
            if round > 0 {
                var changes: [IndexChange] = []
                for _ in 0..<15 {
                    let n = Int.random(in: 0..<documents.count, using: &random)
                    documents[n] = QueryPropertyTests.document(&random, path: documents[n].path)
                    changes.append(QueryPropertyTests.upsert(documents[n], number: n))
                }
                for _ in 0..<5 { changes.append(.remove(path: documents[Int.random(in: 0..<documents.count, using: &random)].path)) }
                for _ in 0..<15 {
                    documents.append(QueryPropertyTests.document(&random, path: "d\(documents.count).txt"))
                    changes.append(QueryPropertyTests.upsert(documents[documents.count - 1], number: documents.count - 1))
                }
                try index.apply(changes, now: Double(round + 1))
            }
            try index.pool.read { (db: Database) throws in
                let key = try index.tables.lengths.read(db).key
                #expect(index.tables.lengths.table(for: key) != nil, "seed \(random.seed), round \(round): the table covers its own snapshot")
                if let previous, round > 0 {
                    #expect(previous.changes < key.changes, "seed \(random.seed), round \(round): edits and removals are counted")
                }
                previous = key
                let uncovered = SnapshotKey(changes: key.changes + 1, lastId: key.lastId)
                #expect(index.tables.lengths.table(for: uncovered) == nil)
                for query in 0..<60 {
                    let tree = QueryPropertyTests.tree(&random, depth: 0)
                    guard !tree.overLimits, let match = QueryTranslator.translate(try SearchQuery.parse(tree.text)).match else { continue }
                    let reference = try Self.scores(db, "bm25(article_fts, \(weights))", match)
                    let context = "seed \(random.seed), round \(round), query \(query): \(tree.text)"
                    #expect(try Self.scores(db, RankFunction.expression(key: key, weights: weights), match) == reference, "\(context)")
                    #expect(try Self.scores(db, RankFunction.expression(key: uncovered, weights: weights), match) == reference,
                            "\(context) (lengths looked up)")
                    compared += reference.count
                }
            }
        }
        #expect(compared > 1_000, "seed \(random.seed): the queries matched enough rows to compare (\(compared))")
    }

    @Test("a docsize record's column lengths add up, one-byte and multi-byte varints alike")
    func docsizeRecords() {
        #expect(DocsizeRecord.total(Data([3, 10, 0, 0])) == 13)
        // 300 = 0b10_0101100: 0x82 0x2C as a SQLite varint.
        #expect(DocsizeRecord.total(Data([0x82, 0x2C, 1])) == 301)
        #expect(DocsizeRecord.total(Data()) == 0)
    }

    @Test("the table of the snapshot before the newest stays available; the one before that does not")
    func previousTableKept() throws {
        var random = SeededRandom.forTest("RankFunctionTests.previousTableKept")
        let folder = TemporaryFolder("newsd-rank-tables")
        let index = try ArticleIndex(path: folder.file("index.sqlite"))
        var documents = try QueryPropertyTests.corpus(&random, count: 40, in: index)
        var keys: [SnapshotKey] = []
        for round in 0..<3 {
            if round > 0 {
                // An edit: its row is removed and added again, so the change log moves on.
                documents[round] = QueryPropertyTests.document(&random, path: documents[round].path)
                try index.apply([QueryPropertyTests.upsert(documents[round], number: round)], now: Double(round + 1))
            }
            keys.append(try index.pool.read { try index.tables.lengths.read($0).key })
        }
        let lengths = index.tables.lengths
        #expect(Set(keys.map(\.changes)).count == 3, "seed \(random.seed): every edit is logged")
        #expect(lengths.table(for: keys[2]) != nil && lengths.table(for: keys[1]) != nil)
        #expect(lengths.table(for: keys[0]) == nil)
    }
}
