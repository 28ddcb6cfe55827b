import Foundation
import NewsCore
@testable import NewsIndex

/// The query language, end to end below the HTTP layer: any text is either refused with a column
/// inside it, or translated into FTS5 and SQL that SQLite accepts and runs within its budget.
enum FuzzQuery {
    /// A small real index, made once per process.
    static let index: ArticleIndex = {
        let folder = NSTemporaryDirectory() + "newsd-fuzz-query-\(getpid())"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let index = try! ArticleIndex(path: folder + "/index.sqlite")
        let texts = [("Storm closes port", "The storm hit the harbour at dawn; ships stayed in port.", "CNN"),
                     ("Café owners protest", "The café association, led by José Núñez, protested new taxes.", "Le Monde"),
                     ("Bounties offered", "Officials said bounties were paid near Kabul in 2020.", nil)]
        let changes = texts.enumerated().map { n, text -> IndexChange in
            let parsed = ParsedArticle(headline: text.0, paragraphs: [text.1], encoding: .utf8)
            return .upsert(path: "world/\(n).txt", stamp: FileStamp(inode: UInt64(n + 1), size: 1, mtimeNs: 1), article: IndexableArticle(
                contentHash: parsed.contentHash, headline: text.0, body: parsed.body, encoding: "utf-8", wordCount: parsed.wordCount,
                outlet: text.2, byline: nil, publishedDate: "2020-0\(n + 1)-01", fileDate: "2020-01-01"))
        }
        try! index.apply(changes, now: 1)
        _ = try? index.placeStories(limit: 10)
        return index
    }()

    static func run(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        let query: SearchQuery
        do {
            query = try SearchQuery.parse(text, clock: QueryClock(now: 1_767_225_600, utcOffset: 0))
        } catch {
            precondition(error.column >= 1 && error.column <= text.unicodeScalars.count + 8, "column \(error.column) outside the query")
            precondition(!error.message.isEmpty)
            return
        }
        let sort = SearchSort.allCases[Int(bytes.count % SearchSort.allCases.count)]
        let group = SearchGrouping.allCases[Int(bytes.first ?? 0) % SearchGrouping.allCases.count]
        do {
            _ = try index.search(query, sort: sort, group: group, limit: 10, offset: 0, budget: QueryBudget(limit: .seconds(1)))
        } catch IndexError.queryStopped {
            // Over budget is an answer, not a bug.
        } catch {
            preconditionFailure("the query \(text.debugDescription) parsed but failed in SQLite: \(error)")
        }
    }
}
