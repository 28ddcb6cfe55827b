import Foundation
import NewsCore
import NewsIndex
@testable import NewsPostgres
import Testing
import TestSupport

/// What a shared archive tells every host about new articles, and the alerts it records for them.
@Suite struct ArchiveArrivalsTests {
    @Test func arrivalPayloadsCarryEveryIdWithinTheNotificationLimit() {
        let ids = (0..<5_000).map { Int64(1_000_000_000 + $0 * 7) }
        let payloads = PostgresArchive.payloads(ids.shuffled())
        #expect(payloads.count > 1)
        #expect(payloads.allSatisfy { $0.utf8.count <= PostgresArchive.payloadLimit })
        #expect(payloads.flatMap(PostgresArchive.ids(inPayload:)) == ids)
        // A batch that only removed articles still notifies (the placer looks again), with no ids.
        #expect(PostgresArchive.payloads([]) == [""])
        #expect(PostgresArchive.ids(inPayload: "").isEmpty)
        #expect(PostgresArchive.ids(inPayload: "7,x,9") == [7, 9])
    }

    @Test func alertsAreRecordedOncePerNewArticleAndAnnouncedByTheirHost() async throws {
        let cluster = try PostgresCluster.shared()
        let database = try cluster.createDatabase()
        let clock = QueryClock(now: 1_796_000_000, utcOffset: 0)
        try await withArchive(cluster, database: database, host: "alpha") { alpha in
            #expect(try await alpha.addAlert(name: "strike", query: "port strike -rumour", now: 5).host == "alpha")
            await #expect(throws: AlertStoreError.self) { try await alpha.addAlert(name: "strike", query: "other", now: 6) }
            await #expect(throws: AlertStoreError.self) { try await alpha.addAlert(name: "second", query: "other", now: 6, limit: 1) }
            let strike = article("Port strike begins", "Workers at the port began a strike at dawn.")
            let rumour = article("Port strike rumour", "A rumour of a port strike spread along the quay.")
            let batch = try await alpha.applyBatch([
                .upsert(path: "strike.txt", stamp: stamp(1), article: strike),
                .upsert(path: "rumour.txt", stamp: stamp(2), article: rumour),
            ], now: 10, clock: clock)
            #expect(batch.alertMatches == 1)
            let strikeId = try #require(batch.changes.first?.articleId)
            let rumourId = try #require(batch.changes.last?.articleId)
            // A copy is no new article; an edit keeps the id and has matched already.
            let copy = try await alpha.applyBatch([.upsert(path: "copy.txt", stamp: stamp(3), article: strike)], now: 11, clock: clock)
            #expect(copy.alertMatches == 0)
            let edited = article("Port strike begins", "Workers at the port began a strike at dawn; more joined at noon.")
            let edit = try await alpha.applyBatch([
                .remove(path: "copy.txt"),
                .upsert(path: "strike.txt", stamp: stamp(1, size: 150), article: edited),
            ], now: 12, clock: clock)
            #expect(edit.changes.last?.articleId == strikeId && edit.alertMatches == 0)

            // Another host sees the alert and its match, but announces nothing of it.
            try await withArchive(cluster, database: database, host: "beta") { beta in
                #expect(try await beta.alerts().map(\.name) == ["strike"])
                #expect(try await beta.pendingAlertMatches(limit: 10).isEmpty)
                let shown = try #require(try await beta.alert(name: "strike", limit: 10, clock: clock))
                #expect(shown.alert.matches == 1 && shown.hits.map(\.id) == [strikeId])
                #expect(shown.hits.first?.paths == ["alpha:strike.txt"])
            }
            let pending = try await alpha.pendingAlertMatches(limit: 10)
            #expect(pending == [PendingAlertMatch(alert: "strike", query: "port strike -rumour", articleId: strikeId, matchedAt: 10)])
            #expect(try await alpha.alertSubjects(ids: [strikeId])[strikeId]?.path == "alpha:strike.txt")
            try await alpha.markAlertsAnnounced(pending, at: 20)
            #expect(try await alpha.pendingAlertMatches(limit: 10).isEmpty)

            // Watches: matched against the given ids only, hits in the order asked.
            let watches = [StandingQuery(key: "1", query: try SearchQuery.parse("strike")),
                           StandingQuery(key: "2", query: try SearchQuery.parse("rumour OR quay")),
                           StandingQuery(key: "3", query: try SearchQuery.parse("-rumour"))]
            let matches = try await alpha.matches(of: [rumourId], against: watches)
            #expect(matches == [StandingMatch(key: "1", articleId: rumourId), StandingMatch(key: "2", articleId: rumourId)])
            let hits = try await alpha.hits(ids: [rumourId, strikeId, 999_999], matching: try SearchQuery.parse("strike"))
            #expect(hits.map(\.id) == [rumourId, strikeId] && hits.map(\.rank) == [1, 2])
            #expect(hits.allSatisfy { !$0.highlights.isEmpty })

            #expect(try await alpha.removeAlert(name: "strike"))
            #expect(try await !alpha.removeAlert(name: "strike"))
            #expect(try await alpha.alerts().isEmpty)
        }
    }
}
