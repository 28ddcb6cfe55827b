import CLinux
import Glibc

/// The CPU priority of newsd's background work (reading and indexing files, placing stories,
/// merging, announcing alerts): lower than the threads that answer searches and status and
/// ping the watchdog, so that when both want the cores, answers come first and the indexing
/// takes what is left. On an idle machine a lower priority costs the indexing nothing.
enum BackgroundPriority {
    /// How many nice(1) steps below the daemon a background thread runs.
    static let niceness: Int32 = 10

    /// Sets the calling thread's priority `niceness` below the process's (its main thread's:
    /// a new thread starts with its creator's, which need not be that). On Linux each thread has
    /// its own; raising it again needs a privilege newsd does not have, so only threads that do
    /// nothing but background work call this.
    static func lowerCurrentThread() {
        let which = __priority_which_t(PRIO_PROCESS.rawValue)
        errno = 0
        let process = getpriority(which, id_t(getpid()))
        guard errno == 0 else { return }
        _ = setpriority(which, id_t(gettid()), min(19, process + niceness))
    }
}
