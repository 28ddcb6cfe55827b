import CMalloc

/// Hands the C heap's free pages back to the system. glibc keeps memory freed after a burst of
/// work (a bulk ingest's parse buffers and SQLite pages) mapped in its arenas for reuse, where it
/// counts as the daemon's resident memory for as long as newsd runs.
public enum HeapTrimmer {
    /// Returns free heap pages to the system; cheap when little is free. Call when idle: it
    /// walks every arena under its lock.
    public static func trim() {
        _ = malloc_trim(0)
    }
}
