import CLinux
import Foundation
import Glibc
import Logging
import NewsCore
import NewsIndex
import NewsSystem
import ServiceLifecycle
import Synchronization

/// When the ingest loop wakes the alert announcer: at once for a match found while no other
/// file waits (a single drop), else once the queue is empty, and during a long burst at most
/// every `interval`. Announcing reads and logs every match on the same cores that parse and
/// write a burst; a bounded delay keeps a bulk load fast.
final class AlertsOwed: Sendable {
    private let state = Mutex<(owed: Bool, lastWake: ContinuousClock.Instant?)>((false, nil))
    /// The longest a recorded match waits for its announcement while files keep arriving.
    static let interval = Duration.seconds(10)

    /// A transaction recorded matches; `queueEmpty`: no other file waits.
    func recorded(queueEmpty: Bool, _ alerts: AlertService) {
        let wake = state.withLock { state in
            state.owed = true
            if !queueEmpty, let last = state.lastWake, ContinuousClock.now - last < Self.interval { return false }
            if !queueEmpty && state.lastWake == nil {
                state.lastWake = .now
                return false
            }
            state = (false, .now)
            return true
        }
        if wake { alerts.matchesRecorded() }
    }

    /// The queue is empty: wakes the announcer if matches wait.
    func queueEmptied(_ alerts: AlertService) {
        let wake = state.withLock { state in
            defer { state = (false, nil) }
            return state.owed
        }
        if wake { alerts.matchesRecorded() }
    }
}

/// Announces the alert matches the ingest transactions recorded: each goes to the journal
/// (`NEWSD_EVENT=alert`, `ALERT=name`) and, when `alert_command` is set, to that command; then
/// it is marked announced. Runs apart from ingest, so a slow or failing command never holds up
/// indexing; matches recorded before a crash or stop are announced after the next start.
///
/// Each round runs on a thread of its own at a lower CPU priority: on two cores a burst of
/// files keeps both busy parsing and writing, and the announcements of its matches then wait
/// for a free moment instead of slowing the burst; a single drop's are announced at once.
final class AlertService: Service {
    private let index: any AlertAnnouncementStore
    private let settings: SettingsStore
    private let logger: Logger
    private let wake: AsyncStream<Void>
    private let wakeContinuation: AsyncStream<Void>.Continuation

    init(index: any AlertAnnouncementStore, settings: SettingsStore, logger: Logger) {
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

    /// Matches read, announced and marked per round: a crash during a round announces its
    /// matches again at the next start, never loses one.
    static let round = 500

    private func announcePending() async {
        // Set when newsd stops: a round ends after the match it is on.
        let stopping = SharedFlag()
        while !Task.isCancelled {
            let round = Round(index: index, logger: logger, command: settings.current.alertCommand,
                              timeout: settings.current.alertTimeout, stopping: stopping)
            do {
                let announced = try await BlockingWork.run(onCancel: { stopping.set() }) { try round.run() }
                if announced < Self.round { return }
            } catch {
                logger.error("cannot read or mark the alert matches to announce; will try after the next match",
                             metadata: ["event": "alert-failed", "error": "\(error)"])
                return
            }
        }
    }

    /// One round of announcements, blocking, on its own thread.
    struct Round: Sendable {
        let index: any AlertAnnouncementStore
        let logger: Logger
        let command: String?
        let timeout: Duration
        let stopping: SharedFlag

        /// Announces up to `AlertService.round` pending matches in the order they were recorded,
        /// marks those it is done with, and returns how many that was.
        func run() throws -> Int {
            BackgroundPriority.lowerCurrentThread()
            let pending = try index.pendingAlertMatches(limit: AlertService.round)
            guard !pending.isEmpty else { return 0 }
            // The journal entry names the article; only a command gets the whole hit, with a
            // snippet of where the alert's query matched.
            var hits: [String: [Int64: SearchHit]] = [:]
            var subjects: [Int64: (title: String, path: String)] = [:]
            if command != nil {
                let clock = LocalClock.queryClock()
                for (alert, matches) in Dictionary(grouping: pending, by: \.alert) {
                    let query = (try? SearchQuery.parse(matches[0].query, clock: clock)) ?? SearchQuery(root: .added(TimeRange(from: nil, before: nil)))
                    let found = try index.hits(ids: matches.map(\.articleId), matching: query)
                    hits[alert] = Dictionary(found.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
                }
            } else {
                subjects = try index.alertSubjects(ids: Set(pending.map(\.articleId)))
            }
            var done: [PendingAlertMatch] = []
            for match in pending {
                if stopping.isSet { break }
                done.append(match)
                let hit = hits[match.alert]?[match.articleId]
                guard let subject = hit.map({ (title: $0.title, path: $0.path) }) ?? subjects[match.articleId] else {
                    logger.debug("an alert matched an article that is gone again; not announced",
                                 metadata: ["event": "alert-gone", "alert": "\(match.alert)", "article_id": "\(match.articleId)"])
                    continue
                }
                logger.notice("alert '\(match.alert)' matched a new article", metadata: [
                    "event": "alert", "alert": "\(match.alert)", "query": "\(match.query)", "article_id": "\(match.articleId)",
                    "article_path": "\(subject.path)", "headline": "\(subject.title)",
                ])
                if let command, let hit {
                    runCommand(command, for: AlertEvent(alert: match.alert, query: match.query, matchedAt: match.matchedAt, article: hit))
                }
            }
            try index.markAlertsAnnounced(done, at: Date().timeIntervalSince1970)
            return done.count
        }

        private func runCommand(_ command: String, for event: AlertEvent) {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let input = ((try? encoder.encode(event)) ?? Data()) + Data("\n".utf8)
            let environment = ["NEWSD_ALERT": event.alert, "NEWSD_ARTICLE_ID": "\(event.article.id)"]
            if let failure = AlertCommandRunner.run(command, input: Array(input), environment: environment, timeout: timeout) {
                logger.warning("the alert command failed", metadata: [
                    "event": "alert-command-failed", "alert": "\(event.alert)", "article_id": "\(event.article.id)",
                    "error": "\(failure.description)", "error_code": "\(failure.kind.rawValue)",
                ])
            }
        }
    }
}
