import Logging
import NewsCore
import NewsIndex
import NewsPostgres
import ServiceLifecycle

/// On a shared archive, what every host does when any host adds articles: matches this host's
/// running watches against the new articles alone and hands each watch its hits, and wakes the
/// announcer of this host's alerts (the adding host recorded their matches in its transaction).
/// Listens on a connection of its own (`PostgresArchive.listenForArrivals`); when that connection
/// is lost, listens again once the database answers, and says that watches may have missed what
/// arrived meanwhile.
final class SharedArrivalsService: Service {
    private let archive: PostgresArchive
    private let watches: WatchHub
    private let alerts: AlertService
    private let logger: Logger

    /// How long to wait before listening again after the connection was lost or refused.
    static let retry = Duration.seconds(2)

    init(archive: PostgresArchive, watches: WatchHub, alerts: AlertService, logger: Logger) {
        self.archive = archive
        self.watches = watches
        self.alerts = alerts
        self.logger = logger
    }

    func run() async throws {
        await cancelWhenGracefulShutdown { await self.listen() }
    }

    private func listen() async {
        var interrupted = false
        while !Task.isCancelled {
            let began = SharedFlag()  // whether this session got as far as listening
            let resuming = interrupted
            var failure: ArchiveError?
            do {
                try await archive.listenForArrivals { arrivals in
                    began.set()
                    if resuming {
                        // Matches recorded while this host was not listening are announced now.
                        self.alerts.matchesRecorded()
                        self.logger.notice("listening for new articles again", metadata: [
                            "event": "arrivals-listening", "watches": "\(self.watches.count)",
                        ])
                    }
                    for await ids in arrivals {
                        self.alerts.matchesRecorded()
                        await self.deliver(ids)
                    }
                }
            } catch {
                failure = error
            }
            if Task.isCancelled { return }
            if !interrupted || began.isSet {
                // A lost database is said once, by the archive (`database-unreachable`); here
                // what it means for watches.
                logger.warning("not listening for new articles; running watches miss what arrives until newsd listens again",
                               metadata: ["event": "arrivals-lost", "watches": "\(watches.count)",
                                          "error": "\(failure?.description ?? "the listening connection was closed")"])
            }
            interrupted = true
            try? await Task.sleep(for: Self.retry)
        }
    }

    /// Matches the running watches against `ids` and hands each its hits.
    private func deliver(_ ids: [Int64]) async {
        let standing = watches.standingQueries
        guard !standing.isEmpty else { return }
        do {
            let matches = try await archive.matches(of: ids, against: standing)
            for (key, found) in Dictionary(grouping: matches, by: \.key) {
                guard let query = watches.query(of: key) else { continue }
                watches.deliver(try await archive.hits(ids: found.map(\.articleId), matching: query), to: key)
            }
        } catch {
            logger.warning("cannot match new articles against the running watches; they miss these articles", metadata: [
                "event": "watch-failed", "articles": "\(ids.count)", "watches": "\(standing.count)", "error": "\(error)",
            ])
        }
    }
}
