import Foundation
import Logging
import NewsCore
import NewsIndex
import NewsSystem
import ServiceLifecycle

/// Announces the alert matches the ingest transactions recorded: each goes to the journal
/// (`NEWSD_EVENT=alert`, `ALERT=name`) and, when `alert_command` is set, to that command; then
/// it is marked announced. Runs apart from ingest, so a slow or failing command never holds up
/// indexing; matches recorded before a crash or stop are announced after the next start.
final class AlertService: Service {
    private let index: ArticleIndex
    private let settings: SettingsStore
    private let logger: Logger
    private let wake: AsyncStream<Void>
    private let wakeContinuation: AsyncStream<Void>.Continuation

    init(index: ArticleIndex, settings: SettingsStore, logger: Logger) {
        self.index = index
        self.settings = settings
        self.logger = logger
        (wake, wakeContinuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Says that a transaction recorded matches (called by ingest after the commit).
    func matchesRecorded() { wakeContinuation.yield() }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await self.announcePending()
            for await _ in self.wake {
                await self.announcePending()
            }
        }
    }

    /// Matches read per round.
    static let round = 100

    private func announcePending() async {
        let index = self.index
        while !Task.isCancelled {
            let pending: [PendingAlertMatch]
            do {
                pending = try await BlockingWork.run { try index.pendingAlertMatches(limit: Self.round) }
            } catch {
                logger.error("cannot read the alert matches to announce; will try after the next match",
                             metadata: ["event": "alert-failed", "error": "\(error)"])
                return
            }
            guard !pending.isEmpty else { return }
            for match in pending {
                if Task.isCancelled { return }
                do {
                    try await announce(match)
                } catch {
                    logger.error("cannot record that an alert match was announced; will try after the next match",
                                 metadata: ["event": "alert-failed", "alert": "\(match.alert)", "error": "\(error)"])
                    return
                }
            }
        }
    }

    private func announce(_ match: PendingAlertMatch) async throws {
        let index = self.index
        let clock = LocalClock.queryClock()
        let query = (try? SearchQuery.parse(match.query, clock: clock)) ?? SearchQuery(root: .added(TimeRange(from: nil, before: nil)))
        let hit = try await BlockingWork.run { try index.hits(ids: [match.articleId], matching: query).first }
        if let hit {
            logger.notice("alert '\(match.alert)' matched a new article", metadata: [
                "event": "alert", "alert": "\(match.alert)", "query": "\(match.query)", "article_id": "\(hit.id)",
                "article_path": "\(hit.path)", "headline": "\(hit.title)",
            ])
            if let command = settings.current.alertCommand {
                await runCommand(command, for: AlertEvent(alert: match.alert, query: match.query, matchedAt: match.matchedAt, article: hit))
            }
        } else {
            logger.debug("an alert matched an article that is gone again; not announced",
                         metadata: ["event": "alert-gone", "alert": "\(match.alert)", "article_id": "\(match.articleId)"])
        }
        let now = Date().timeIntervalSince1970
        try await BlockingWork.run { try index.markAlertNotified(match, at: now) }
    }

    private func runCommand(_ command: String, for event: AlertEvent) async {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let input = ((try? encoder.encode(event)) ?? Data()) + Data("\n".utf8)
        let environment = ["NEWSD_ALERT": event.alert, "NEWSD_ARTICLE_ID": "\(event.article.id)"]
        let timeout = settings.current.alertTimeout
        let failure = try? await BlockingWork.run {
            AlertCommandRunner.run(command, input: Array(input), environment: environment, timeout: timeout)
        }
        if let failure = failure ?? nil {
            logger.warning("the alert command failed", metadata: [
                "event": "alert-command-failed", "alert": "\(event.alert)", "article_id": "\(event.article.id)",
                "error": "\(failure.description)", "error_code": "\(failure.kind.rawValue)",
            ])
        }
    }
}
