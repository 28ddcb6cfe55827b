import CMalloc
import Glibc

/// Hands the C heap's free pages back to the system, through whichever allocator the process
/// runs on: jemalloc when it is linked in (the `newsd` binary), else glibc's malloc (tests and
/// tools that link the daemon's modules).
public enum HeapTrimmer {
    /// Returns free heap pages to the system; cheap when little is free. Call when idle: it
    /// walks every arena under its lock.
    public static func trim() {
        guard let control = jemallocControl else {
            _ = malloc_trim(0)
            return
        }
        // jemalloc would return them by itself over its decay time (seconds); an idle daemon
        // returns them at once. The calling thread's cache goes first, so its blocks count too.
        _ = control("thread.tcache.flush", nil, nil, nil, 0)
        _ = control("arena.\(allArenas).purge", nil, nil, nil, 0)
    }

    /// Hands the calling thread's cache of freed blocks back to the allocator's shared arenas
    /// (jemalloc; glibc keeps none worth it), where the next `trim` returns their pages. Only
    /// the thread itself can do this for its cache.
    public static func flushThreadCache() {
        _ = jemallocControl?("thread.tcache.flush", nil, nil, nil, 0)
    }

    /// The allocator in use, for the start-up log: `jemalloc 5.3.0-…` or `glibc`.
    public static var allocator: String {
        guard let control = jemallocControl else { return "glibc" }
        var version: UnsafePointer<CChar>?
        var size = MemoryLayout<UnsafePointer<CChar>?>.size
        guard control("version", &version, &size, nil, 0) == 0, let version else { return "jemalloc" }
        return "jemalloc " + String(cString: version)
    }

    /// jemalloc's `mallctl`, looked up in the process rather than linked, so that this module
    /// works on either allocator.
    private typealias Control = @convention(c) (UnsafePointer<CChar>?, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int>?,
                                                UnsafeMutableRawPointer?, Int) -> Int32
    private static let jemallocControl: Control? = dlsym(nil, "mallctl").map { unsafeBitCast($0, to: Control.self) }
    /// jemalloc's `MALLCTL_ARENAS_ALL`: every arena.
    private static let allArenas = 4096
}
