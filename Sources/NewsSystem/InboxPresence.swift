import Glibc

/// Whether the inbox folder is there, for watching it again after it went away.
public enum InboxPresence {
    /// True when `path` is a folder on another file system than its parent (something is mounted there).
    public static func isMountPoint(_ path: String) -> Bool {
        var own = stat(), parent = stat()
        guard stat(path, &own) == 0, stat(path + "/..", &parent) == 0 else { return false }
        return own.st_dev != parent.st_dev
    }

    /// True when `path` is a folder again; with `asMountPoint`, only once something is mounted on it
    /// (an unmounted inbox leaves an empty mount point behind, which is not the inbox).
    public static func isPresent(_ path: String, asMountPoint: Bool) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { return false }
        return !asMountPoint || isMountPoint(path)
    }
}
