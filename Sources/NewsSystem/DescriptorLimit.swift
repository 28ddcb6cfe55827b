import Glibc

/// The process's limit on open descriptors.
public enum DescriptorLimit {
    /// Raises the soft limit to the hard one (systemd's default soft limit is 1,024, the hard one
    /// far higher) and returns the limit now in force.
    @discardableResult
    public static func raiseToHard() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)
    }

    /// Connections newsd serves at once with `limit` descriptors: a reserve of 256 stays for
    /// ingest, the index and the watcher; more than 1,000 idle control clients is never needed.
    public static func connectionCap(for limit: Int) -> Int {
        max(8, min(limit - 256, 1000))
    }
}
