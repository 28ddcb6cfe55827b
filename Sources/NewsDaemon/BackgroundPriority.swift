import CLinux
import Glibc
import Synchronization

/// The CPU priority of newsd's background work (reading and indexing files, placing stories,
/// merging, training the text dictionary, announcing alerts): lower than the threads that
/// answer searches and status and ping the watchdog, so that when both want the cores, answers
/// come first and the indexing takes what is left. With nothing else to run, a lower priority
/// costs the indexing nothing; anything else that runs (another program, a client polling
/// status) comes before it.
enum BackgroundPriority {
    /// How many nice(1) steps below the daemon a background thread runs (`background_nice`).
    static var niceness: Int32 { setting.load(ordering: .relaxed) }

    private static let setting = Atomic<Int32>(DaemonConfig.standardBackgroundNiceness)

    /// Sets `niceness` for the whole process (it is a property of the process, as the nice value
    /// is). Called once at start, before any background thread runs: a thread already lowered
    /// keeps its priority.
    static func configure(niceness: Int32) {
        setting.store(min(19, max(0, niceness)), ordering: .relaxed)
    }

    /// Sets the calling thread's priority `niceness` below the process's (its main thread's:
    /// a new thread starts with its creator's, which need not be that). On Linux each thread has
    /// its own, and threads it starts inherit it; raising it again needs a privilege newsd does
    /// not have, so only threads that do nothing but background work call this.
    static func lowerCurrentThread() {
        let which = __priority_which_t(PRIO_PROCESS.rawValue)
        errno = 0
        let process = getpriority(which, id_t(getpid()))
        guard errno == 0 else { return }
        _ = setpriority(which, id_t(gettid()), min(19, process + niceness))
    }
}
