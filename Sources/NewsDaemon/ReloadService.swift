import Logging
import NewsSystem
import ServiceLifecycle
import UnixSignals

/// Reloads the configuration on SIGHUP (`systemctl reload newsd`): log level, ignore patterns
/// and limits change at once. A bad file keeps the configuration in force and says why.
/// The inbox, state folder, socket and archive (index_url, index_read_url, host_id, watch_inbox)
/// need a restart to change.
struct ReloadService: Service {
    let settings: SettingsStore
    let logLevel: LogLevelSetting
    let load: @Sendable () async throws(ConfigError) -> DaemonConfig
    let notifier: SystemdNotifier
    let readyLine: @Sendable () -> String
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        await withGracefulShutdownHandler {
            for await _ in signals.cancelOnGracefulShutdown() {
                await reload()
            }
        } onGracefulShutdown: {}
    }

    func reload() async {
        notifier.reloading()
        await apply()
        let readyLine = self.readyLine
        notifier.ready(status: (try? await BlockingWork.run(readyLine)) ?? "ready")
    }

    /// Reads the configuration again and puts what can change at run time in force.
    private func apply() async {
        let old = settings.current
        let new: DaemonConfig
        do {
            new = try await load()
        } catch {
            logger.error("configuration not reloaded; keeping the one in force", metadata: ["event": "reload-failed", "error": "\(error)"])
            return
        }
        var applied = new
        var needsRestart: [String] = []
        if new.inbox != old.inbox { needsRestart.append("inbox"); applied.inbox = old.inbox }
        if new.stateDirectory != old.stateDirectory { needsRestart.append("state_dir"); applied.stateDirectory = old.stateDirectory }
        if new.socketPath != old.socketPath { needsRestart.append("socket"); applied.socketPath = old.socketPath }
        if new.archive != old.archive { needsRestart.append("index_url"); applied.archive = old.archive }
        if new.archiveReplica != old.archiveReplica { needsRestart.append("index_read_url"); applied.archiveReplica = old.archiveReplica }
        if new.hostId != old.hostId { needsRestart.append("host_id"); applied.hostId = old.hostId }
        if new.watchesInbox != old.watchesInbox { needsRestart.append("watch_inbox"); applied.watchesInbox = old.watchesInbox }
        // Threads already lowered cannot be raised again without a privilege newsd lacks.
        if new.backgroundNiceness != old.backgroundNiceness {
            needsRestart.append("background_nice")
            applied.backgroundNiceness = old.backgroundNiceness
        }
        settings.replace(applied)
        logLevel.value = applied.logLevel
        logger.notice("configuration reloaded", metadata: [
            "event": "reloaded", "log_level": "\(applied.logLevel)", "max_file_bytes": "\(applied.maxFileBytes)",
        ])
        if !needsRestart.isEmpty {
            logger.warning("some changes take effect only after a restart", metadata: [
                "event": "reload-needs-restart", "keys": "\(needsRestart.joined(separator: ","))",
            ])
        }
    }
}
