import Glibc
import NewsCore

/// What a file in the inbox is, from `lstat` (symlinks are not followed).
public enum FileKind: Sendable, Equatable {
    case missing
    case regular(size: Int64, inode: UInt64, mtimeNs: Int64)
    case directory
    /// A symlink, FIFO, socket or device: never opened for reading.
    case other(String)
}

/// Why a file could not be read.
public struct FileReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable code: `missing`, `permission-denied`, `too-large`, `not-regular`, `io-error`.
    public var code: String
    public var description: String
}

/// Reads inbox files safely: never follows symlinks, never blocks on FIFOs or devices,
/// never reads more than the size limit.
public enum ArticleFileReader {
    /// What the entry at `path` is, without following a symlink.
    public static func kind(of path: String) -> FileKind {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            return .regular(size: Int64(info.st_size), inode: UInt64(info.st_ino),
                            mtimeNs: FileTime.nanoseconds(seconds: Int64(info.st_mtim.tv_sec), nanoseconds: Int64(info.st_mtim.tv_nsec)))
        case S_IFDIR: return .directory
        case S_IFLNK: return .other("a symbolic link")
        case S_IFIFO: return .other("a named pipe (FIFO)")
        case S_IFSOCK: return .other("a socket")
        case S_IFCHR, S_IFBLK: return .other("a device node")
        default: return .other("not a regular file")
        }
    }

    /// Reads the whole file, returning its bytes and the stamp of what was read.
    public static func read(path: String, maxBytes: Int64) throws(FileReadError) -> (bytes: [UInt8], size: Int64, inode: UInt64, mtimeNs: Int64) {
        // O_NONBLOCK: a FIFO swapped in after the lstat must not hang the ingest loop.
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else {
            let err = errno
            switch err {
            case ENOENT: throw FileReadError(code: "missing", description: "the file disappeared before it could be read")
            case EACCES, EPERM: throw FileReadError(code: "permission-denied", description: "permission denied; make the file readable by the newsd user (chmod o+r or add it to the newsd group)")
            case ELOOP: throw FileReadError(code: "not-regular", description: "the file is a symbolic link, which newsd does not follow")
            default: throw FileReadError(code: "io-error", description: "cannot open: \(String(cString: strerror(err)))")
            }
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw FileReadError(code: "io-error", description: "cannot stat: \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw FileReadError(code: "not-regular", description: "not a regular file")
        }
        let size = Int64(info.st_size)
        guard size <= maxBytes else {
            throw FileReadError(code: "too-large", description: "the file is \(size) bytes, over the limit of \(maxBytes) (max_file_bytes); split it or raise the limit")
        }
        var bytes = [UInt8](repeating: 0, count: Int(size))
        var filled = 0
        while true {
            if filled == bytes.count {
                // The file may have grown since fstat: read on, within the limit.
                if Int64(bytes.count) >= maxBytes { break }
                bytes.append(contentsOf: [UInt8](repeating: 0, count: min(64 * 1024, Int(maxBytes) - bytes.count)))
            }
            let got = bytes.withUnsafeMutableBytes { buffer in
                Glibc.read(fd, buffer.baseAddress! + filled, buffer.count - filled)
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw FileReadError(code: "io-error", description: "read failed: \(String(cString: strerror(errno)))")
            }
            if got == 0 { break }
            filled += got
        }
        bytes.removeSubrange(filled...)
        return (bytes, Int64(filled), UInt64(info.st_ino),
                FileTime.nanoseconds(seconds: Int64(info.st_mtim.tv_sec), nanoseconds: Int64(info.st_mtim.tv_nsec)))
    }

    /// Names of the entries of a folder (without `.` and `..`).
    public static func list(directory: String) throws(FileReadError) -> [String] {
        guard let dir = opendir(directory) else {
            throw FileReadError(code: "io-error", description: "cannot list \(directory): \(String(cString: strerror(errno)))")
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
