import Glibc

/// Decides what to do with a socket path before binding it.
public enum UnixSocketProbe {
    /// The state of a socket path.
    public enum State: Equatable, Sendable {
        /// Nothing there.
        case absent
        /// A socket file no process accepts on (left by a crash): safe to replace.
        case stale
        /// A process accepts connections on it: never take it over.
        case live
        /// Something other than a socket is there.
        case notASocket
    }

    /// Looks at `path` and, for a socket, tries to connect to it.
    public static func state(of path: String) -> State {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .absent }
        guard info.st_mode & S_IFMT == S_IFSOCK else { return .notASocket }
        let fd = socket(AF_UNIX, Int32(Glibc.SOCK_STREAM.rawValue) | Int32(Glibc.SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .stale }
        defer { close(fd) }
        var address = sockaddr_un()
        guard fill(&address, path: path) else { return .stale }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return result == 0 ? .live : .stale
    }

    /// Copies `path` into `sun_path`; false when it does not fit (108 bytes on Linux).
    public static func fill(_ address: inout sockaddr_un, path: String) -> Bool {
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return true
    }
}
