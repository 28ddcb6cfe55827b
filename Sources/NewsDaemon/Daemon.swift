import Foundation
import Hummingbird
import Logging
import NewsCore
import NewsIndex
import NewsPostgres
import NewsSystem
import ServiceLifecycle

/// Composes newsd: the index, the ingest service and the control server, run as one
/// service group that stops cleanly on SIGTERM or SIGINT (reverse order: server, then ingest).
public enum Daemon {
    /// Runs until a shutdown signal; throws on a start-up error, with a message to act on.
    /// `reload` reads the configuration again (on SIGHUP); `logLevel` is shared with the log handlers.
    public static func run(config: DaemonConfig, reload: @escaping @Sendable () async throws(ConfigError) -> DaemonConfig,
                           logLevel: LogLevelSetting, logger: Logger) async throws {
        // Before any background thread starts: each lowers itself once, when it starts.
        BackgroundPriority.configure(niceness: config.backgroundNiceness)
        try prepareFolders(config, logger: logger)
        let descriptors = DescriptorLimit.raiseToHard()
        let connections = ConnectionCount(limit: DescriptorLimit.connectionCap(for: descriptors))
        let lock = try StateLock(directory: config.stateDirectory)
        defer { lock.release() }
        // Socket activation: systemd holds the socket and hands it over; otherwise bind the path.
        let inherited = InheritedSockets.listeningSocket()
        let socketPath = inherited.flatMap(InheritedSockets.path(of:)) ?? config.socketPath
        if inherited == nil { try claimSocketPath(config.socketPath, logger: logger) }

        switch config.archive {
        case .embedded:
            let index = try IndexUpgrade.opening(config.databasePath, logger: logger) { progress in
                try IndexRecovery.open(config.databasePath, upgradeProgress: progress, logger: logger)
            }
            defer {
                do {
                    try index.close()
                } catch {
                    logger.warning("the index did not close cleanly; it will be checked at the next start",
                                   metadata: ["event": "close-failed", "error": "\(error)"])
                }
            }
            try await serve(config: config, store: EmbeddedStore(index: index), inbox: index, embedded: index, inherited: inherited,
                            socketPath: socketPath, connections: connections, reload: reload, logLevel: logLevel, logger: logger)
        case .postgres(let address):
            let archive: PostgresArchive
            do {
                archive = try PostgresArchive(address: address, replica: config.archiveReplica, host: config.hostId, logger: logger)
            } catch {
                throw DaemonError(message: error.description)
            }
            // The connection pool runs for as long as newsd serves.
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await archive.run() }
                defer { group.cancelAll() }
                do {
                    try await archive.prepare(now: Date().timeIntervalSince1970)
                } catch {
                    throw DaemonError(message: "cannot use the shared archive: \(error)")
                }
                logger.notice("using a shared PostgreSQL archive", metadata: [
                    "event": "archive-opened", "database": "\(address.display)", "host_id": "\(config.hostId)",
                    "replica": "\(config.archiveReplica?.display ?? "none")",
                ])
                try await serve(config: config, store: SharedStore(archive: archive), inbox: SharedInboxStore(archive: archive), embedded: nil,
                                shared: archive, inherited: inherited, socketPath: socketPath, connections: connections, reload: reload, logLevel: logLevel,
                                logger: logger)
            }
        }
    }

    /// Runs the services on one archive until a shutdown signal. `embedded`: the SQLite index,
    /// when the archive is it (its housekeeping; it places stories and matches watches in its
    /// ingest writer). `shared`: a shared archive, whose story placer and listener for other
    /// hosts' new articles (watches, alerts) run as services of their own.
    private static func serve(config: DaemonConfig, store: any ArchiveStore, inbox: any InboxStore, embedded: ArticleIndex?,
                              shared: PostgresArchive? = nil, inherited: Int32?, socketPath: String, connections: ConnectionCount,
                              reload: @escaping @Sendable () async throws(ConfigError) -> DaemonConfig,
                              logLevel: LogLevelSetting, logger: Logger) async throws {
        let settings = SettingsStore(config)
        let status = DaemonStatus()
        // A long write transaction is progress, not a stall, for as long as SQLite works on it.
        embedded?.onWriterProgress { status.beat() }
        embedded?.onSurveyFailure { error in
            logger.warning("placement's read-ahead failed; articles are placed on one core until the next transaction", metadata: [
                "event": "survey-failed", "error": "\(error)",
            ])
        }
        let queue = IngestQueue()
        let notifier = SystemdNotifier()
        let watches = WatchHub()
        let announcements: any AlertAnnouncementStore = embedded ?? SharedAlertAnnouncements(archive: shared!)
        let alerts = AlertService(index: announcements, settings: settings, logger: logger)
        let ingest = IngestService(settings: settings, index: inbox, status: status, queue: queue, watches: watches,
                                   alerts: alerts, logger: logger)

        let router = Router(context: ControlContext.self)
        router.add(middleware: JSONErrorMiddleware())
        let searches = AsyncGate(width: ArticleIndex.searchReaders)
        ControlRoutes(settings: settings, store: store, status: status, queue: queue,
                      searches: searches, logger: logger).register(on: router)
        AlertRoutes(store: store, logger: logger).register(on: router)
        WatchRoutes(watches: watches, logger: logger).register(on: router)
        // Blocking (it waits for the archive): called through BlockingWork.
        let statusLine: @Sendable () -> String = {
            let counts = (try? StatusLineCounts.read(store, embedded: embedded)) ?? (articles: 0, files: 0, failed: 0)
            let state = status.state(paused: queue.isPaused, pending: queue.pendingCount)
            var line = "\(state): \(counts.articles) articles, \(queue.pendingCount) pending, \(counts.failed) failed"
            if let problem = status.problem { line += " (\(problem))" }
            return line
        }
        let announceReady: @Sendable () async -> Void = {
            notifier.ready(status: (try? await BlockingWork.run(statusLine)) ?? "ready")
            status.markReady()
            logger.info("newsd is ready", metadata: [
                "event": "ready", "socket": "\(socketPath)", "inbox": "\(config.inbox)", "state_dir": "\(config.stateDirectory)",
                "socket_activated": "\(inherited != nil)", "allocator": "\(HeapTrimmer.allocator)",
            ])
        }
        // Who may connect may query: owner and group only. The socket's mode comes from the umask
        // at bind time, so the mask is narrowed until the server runs (chmod after listen left a
        // window with the caller's umask).
        let socketMask = SocketMask(previous: umask(0o117))
        if inherited != nil { umask(socketMask.previous) }
        let loop = ServerLoop()
        let server: any Service
        if let inherited {
            server = InheritedSocketServer(descriptor: inherited, group: loop.group, responder: router.buildResponder(),
                                           connections: connections, logger: logger, onRunning: announceReady)
        } else {
            server = Application(
                router: router,
                server: .http1(configuration: .init(
                    additionalChannelHandlers: controlChannelHandlers(connections: connections, logger: logger), idleTimeout: .seconds(30))),
                configuration: .init(address: .unixDomainSocket(path: socketPath), serverName: "newsd"),
                onServerRunning: { _ in
                    // Bound with the mask below: the socket never existed with wider permissions.
                    umask(socketMask.previous)
                    await announceReady()
                },
                eventLoopGroupProvider: .shared(loop.group),
                logger: logger
            )
        }
        let systemd = SystemdService(notifier: notifier, status: status, statusLine: statusLine, socketPath: socketPath, logger: logger)
        let reloader = ReloadService(settings: settings, logLevel: logLevel, load: reload, notifier: notifier,
                                     readyLine: statusLine, logger: logger)
        // Started in this order, stopped in reverse: STOPPING=1 first, then the server, then ingest,
        // then maintenance (the index is closed after the group, with a last checkpoint).
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let embedded { services.append(.init(service: MaintenanceService(index: embedded, status: status, searches: searches, logger: logger))) }
        services.append(.init(service: alerts))
        if let shared {
            services.append(.init(service: SharedPlacementService(archive: shared, stateDirectory: config.stateDirectory, logger: logger)))
            services.append(.init(service: SharedArrivalsService(archive: shared, watches: watches, alerts: alerts, logger: logger)))
        }
        if config.watchesInbox {
            services.append(.init(service: ingest))
        } else {
            logger.notice("watching no inbox: answering queries only", metadata: ["event": "no-inbox"])
        }
        // Watches end before the server stops: it would wait for their endless responses.
        services += [.init(service: loop.running(server)), .init(service: watches), .init(service: reloader), .init(service: systemd)]
        var groupConfiguration = ServiceGroupConfiguration(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        // The unit gives a stop 30 s (TimeoutStopSec) before SIGKILL: a graceful stop that takes
        // longer than 10 s is escalated to cancellation, and cancellation that hangs 5 s more ends
        // the process (systemd restarts it; the index is crash-safe).
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(10)
        groupConfiguration.maximumCancellationDuration = .seconds(5)
        let group = ServiceGroup(configuration: groupConfiguration)
        defer {
            if inherited == nil { unlink(socketPath) }
        }
        do {
            try await group.run()
        } catch {
            await loop.shutdown()
            throw error
        }
        await loop.shutdown()
        status.set(.stopping)
        logger.info("newsd stopped", metadata: ["event": "stopped"])
    }

    private static func prepareFolders(_ config: DaemonConfig, logger: Logger) throws {
        for (folder, role) in [(config.stateDirectory, "state folder"), (config.inbox, "inbox"),
                               ((config.socketPath as NSString).deletingLastPathComponent, "socket folder")] {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) {
                guard isDirectory.boolValue else { throw DaemonError(message: "the \(role) \(folder) exists but is not a folder") }
                continue
            }
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                logger.notice("created \(role)", metadata: ["event": "created-folder", "path": "\(folder)"])
            } catch {
                throw DaemonError(message: "cannot create the \(role) \(folder): \(error.localizedDescription)")
            }
        }
    }

    /// Replaces a socket file left by a crash, but never one that a live process serves.
    private static func claimSocketPath(_ path: String, logger: Logger) throws {
        switch UnixSocketProbe.state(of: path) {
        case .absent:
            return
        case .live:
            throw DaemonError(message: "another process is already serving the socket \(path); stop that newsd first or choose another --socket")
        case .notASocket:
            throw DaemonError(message: "\(path) exists and is not a socket; remove it or choose another --socket")
        case .stale:
            logger.warning("replacing a stale socket left by an earlier run", metadata: ["event": "stale-socket", "socket": "\(path)"])
            unlink(path)
        }
    }
}

/// The process's file-mode mask before the socket was bound.
struct SocketMask: Sendable {
    let previous: mode_t
}

/// An exclusive lock on the state folder: two daemons must never write one index.
struct StateLock {
    private let fd: Int32

    init(directory: String) throws {
        let path = directory + "/newsd.lock"
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else {
            throw DaemonError(message: "cannot open \(path): \(String(cString: strerror(errno))); check the state folder's permissions")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw DaemonError(message: "another newsd is already using the state folder \(directory); stop it first or choose another --state-dir")
        }
    }

    func release() {
        flock(fd, LOCK_UN)
        close(fd)
    }
}

/// The counts of the systemd status line, read from a blocking thread.
enum StatusLineCounts {
    /// `embedded`: the embedded index, read right here; otherwise the shared archive is waited for.
    static func read(_ store: any ArchiveStore, embedded: ArticleIndex?) throws -> (articles: Int, files: Int, failed: Int) {
        if let embedded { return try embedded.counts() }
        return try ThreadWait.result { try await store.counts() }.get()
    }
}
