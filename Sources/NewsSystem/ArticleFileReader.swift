import Glibc
import NewsCore

/// What an entry of the inbox is, looked at without following a symbolic link at any level.
public enum FileKind: Sendable, Equatable {
    /// Nothing there, or a folder on the way is gone or is no longer a real folder.
    case missing
    case regular(size: Int64, inode: UInt64, mtimeNs: Int64, ctimeNs: Int64)
    case directory
    /// A symbolic link: never followed, whatever it points at.
    case symlink
    /// A FIFO, socket or device: never opened for reading.
    case other(String)
    /// It cannot be looked at now (permission, a transient error): what the index holds stays.
    case unreachable(FileReadError)
}

/// Why a file could not be read.
public struct FileReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable code: `missing`, `permission-denied`, `too-large`, `not-regular`, `symlink`,
    /// `path-too-long`, `io-error`, or, for errors that say nothing about the file, `transient`
    /// (out of descriptors or memory, an I/O error) and `inbox-gone`.
    public var code: String
    public var description: String

    public init(code: String, description: String) {
        self.code = code
        self.description = description
    }

    /// Errors that say nothing about the file: newsd tries again later instead of recording them.
    public var isTransient: Bool { code == "transient" || code == "inbox-gone" }

    /// The error for `errno` after trying to open or look at an entry.
    static func from(errno err: Int32, action: String) -> FileReadError {
        switch err {
        case ENOENT, ENOTDIR: FileReadError(code: "missing", description: "the file disappeared before it could be read")
        case EACCES, EPERM:
            FileReadError(code: "permission-denied", description: "permission denied; make the file and its folders readable by the newsd user (chmod o+r or add them to the newsd group)")
        case ELOOP: FileReadError(code: "symlink", description: "a symbolic link, which newsd never follows")
        case ENAMETOOLONG: FileReadError(code: "path-too-long", description: "the name is longer than the file system allows")
        // EIO too: a flaky disk, a network file system's hiccup; a file that stays unreadable is
        // retried at growing intervals (up to a minute), never recorded as final.
        case EMFILE, ENFILE, ENOMEM, ENOBUFS, EAGAIN, EINTR, EIO:
            FileReadError(code: "transient", description: "cannot \(action) now: \(String(cString: strerror(err))); newsd tries again")
        default: FileReadError(code: "io-error", description: "cannot \(action): \(String(cString: strerror(err)))")
        }
    }
}

/// Reads inbox files safely: every path is opened one folder at a time, relative to its parent's
/// descriptor and with `O_NOFOLLOW` at every level, so a folder swapped for a symbolic link is
/// never walked through; FIFOs and devices never block; never more than the size limit is read.
/// Paths are relative to the inbox root (`"world/a.txt"`); the root itself is the configured folder.
public enum ArticleFileReader {
    /// Opens the folder `relative` (`""`: the root) and returns its descriptor (close it).
    public static func openFolder(_ relative: String, in root: String) -> Result<Int32, FileReadError> {
        var fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            let err = errno
            // Without its root, nothing below can be judged gone: the inbox is.
            if err == ENOENT || err == ENOTDIR {
                return .failure(FileReadError(code: "inbox-gone", description: "the inbox \(root) is gone (deleted, moved or unmounted)"))
            }
            return .failure(.from(errno: err, action: "open the inbox"))
        }
        for component in relative.split(separator: "/") {
            let next = openat(fd, String(component), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            let err = errno
            close(fd)
            guard next >= 0 else {
                // A symbolic link where a folder was: the folder is gone from the inbox.
                return .failure(err == ELOOP ? FileReadError(code: "missing", description: "a folder on the way is a symbolic link") : .from(errno: err, action: "open a folder"))
            }
            fd = next
        }
        return .success(fd)
    }

    /// The folder holding `relative`, opened, and the entry's own name.
    private static func parent(of relative: String, in root: String) -> Result<(fd: Int32, name: String), FileReadError> {
        let parts = relative.split(separator: "/", omittingEmptySubsequences: false)
        let name = String(parts.last ?? "")
        return openFolder(parts.dropLast().joined(separator: "/"), in: root).map { ($0, name) }
    }

    /// What the entry at `relative` is, without following a symlink at any level.
    public static func kind(of relative: String, in root: String) -> FileKind {
        let folder: (fd: Int32, name: String)
        switch parent(of: relative, in: root) {
        case .success(let opened): folder = opened
        case .failure(let error): return error.code == "missing" ? .missing : .unreachable(error)
        }
        defer { close(folder.fd) }
        var info = stat()
        guard fstatat(folder.fd, folder.name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
            let error = FileReadError.from(errno: errno, action: "look at the file")
            return error.code == "missing" ? .missing : .unreachable(error)
        }
        return kind(info)
    }

    private static func kind(_ info: stat) -> FileKind {
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            return .regular(size: Int64(info.st_size), inode: UInt64(info.st_ino), mtimeNs: modification(info), ctimeNs: statusChange(info))
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        case S_IFIFO: return .other("a named pipe (FIFO)")
        case S_IFSOCK: return .other("a socket")
        case S_IFCHR, S_IFBLK: return .other("a device node")
        default: return .other("not a regular file")
        }
    }

    private static func modification(_ info: stat) -> Int64 {
        FileTime.nanoseconds(seconds: Int64(info.st_mtim.tv_sec), nanoseconds: Int64(info.st_mtim.tv_nsec))
    }

    private static func statusChange(_ info: stat) -> Int64 {
        FileTime.nanoseconds(seconds: Int64(info.st_ctim.tv_sec), nanoseconds: Int64(info.st_ctim.tv_nsec))
    }

    /// What `read` returns: the bytes and the stamp of what was read.
    public typealias Contents = (bytes: [UInt8], size: Int64, inode: UInt64, mtimeNs: Int64, ctimeNs: Int64)

    /// Reads the whole file at `relative`, returning its bytes and the stamp of what was read.
    public static func read(_ relative: String, in root: String, maxBytes: Int64) throws(FileReadError) -> Contents {
        let folder = try parent(of: relative, in: root).get()
        // O_NONBLOCK: a FIFO swapped in after the lstat must not hang the ingest loop.
        let fd = openat(folder.fd, folder.name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        let err = errno
        close(folder.fd)
        guard fd >= 0 else { throw .from(errno: err, action: "open the file") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .from(errno: errno, action: "look at the file") }
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
                throw .from(errno: errno, action: "read the file")
            }
            if got == 0 { break }
            filled += got
        }
        bytes.removeSubrange(filled...)
        return (bytes, Int64(filled), UInt64(info.st_ino), modification(info), statusChange(info))
    }
}
