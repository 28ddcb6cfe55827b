import Glibc
import NewsCore

/// Walks the inbox folder tree without following symlinks at any level: each folder is opened
/// relative to its parent with `O_NOFOLLOW` (`ArticleFileReader.openFolder`), so a folder swapped
/// for a link during the walk is not entered. Paths are relative to the inbox root
/// (`"world/2026/a.txt"`); folders whose names start with `.` are skipped.
public enum InboxTree {
    /// What a walk found.
    public struct Listing: Sendable, Equatable {
        /// Every non-folder entry with a usable name (regular files, and also FIFOs, symlinks…,
        /// which the reader turns into failures).
        public var entries: [String] = []
        /// Entries whose names cannot be stored (escaped), with the problem.
        public var badNames: [String: String] = [:]
        /// Sub-folders, including `subtree` itself.
        public var directories: [String] = []
        /// Folders that could not be listed, with the reason.
        public var unreadable: [String: FileReadError] = [:]
    }

    /// An entry's decoded name (or why it cannot be used) and its type, read in place. A
    /// `dirent` is only as long as its name: copying the declared 256-byte `d_name` reads past
    /// the entry, and past the end of glibc's buffer when the entry is the last one there
    /// (a crash seen in CI, in the copy).
    static func nameAndType(of entry: UnsafeMutablePointer<dirent>) -> (name: String, problem: String?, type: UInt8) {
        let base = UnsafeRawPointer(entry)
        let name = (base + MemoryLayout<dirent>.offset(of: \dirent.d_name)!).assumingMemoryBound(to: CChar.self)
        let type = (base + MemoryLayout<dirent>.offset(of: \dirent.d_type)!).load(as: UInt8.self)
        let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(name).assumingMemoryBound(to: UInt8.self), count: strlen(name))
        let decoded = FileName.decode(bytes)
        return (decoded.name, decoded.problem, type)
    }

    /// Lists `subtree` (`""` for the whole inbox) below `root`, calling `onProgress` every
    /// `progressEvery` entries: a folder of hundreds of thousands of files takes seconds to list
    /// at background priority, and whoever waits (the watchdog) must tell that from a stall.
    public static func walk(root: String, subtree: String = "", onProgress: () -> Void = {}) -> Listing {
        var listing = Listing()
        // A missing inbox is not an empty one: without its root nothing is listed, and nothing
        // the index holds may be taken for gone.
        switch ArticleFileReader.openFolder("", in: root) {
        case .success(let fd): close(fd)
        case .failure(let error):
            listing.unreadable[""] = error
            return listing
        }
        var stack = [subtree]
        var seen = 0
        while let relative = stack.popLast() {
            let fd: Int32
            switch ArticleFileReader.openFolder(relative, in: root) {
            case .success(let opened): fd = opened
            case .failure(let error):
                // Gone, or no longer a real folder: nothing below it is in the inbox.
                if error.code != "missing" { listing.unreadable[relative] = error }
                continue
            }
            guard let dir = fdopendir(fd) else {
                listing.unreadable[relative] = FileReadError.from(errno: errno, action: "list the folder")
                close(fd)
                continue
            }
            listing.directories.append(relative)
            while let entry = readdir(dir) {
                seen += 1
                if seen % progressEvery == 0 { onProgress() }
                let (name, problem, type) = Self.nameAndType(of: entry)
                if name == "." || name == ".." { continue }
                let path = relative.isEmpty ? name : relative + "/" + name
                if let problem { listing.badNames[path] = problem; continue }
                var isDirectory = type == UInt8(DT_DIR)
                if type == UInt8(DT_UNKNOWN) {
                    var info = stat()
                    isDirectory = fstatat(fd, name, &info, AT_SYMLINK_NOFOLLOW) == 0 && info.st_mode & S_IFMT == S_IFDIR
                }
                if isDirectory {
                    if !name.hasPrefix(".") { stack.append(path) }
                } else {
                    listing.entries.append(path)
                }
            }
            closedir(dir)
        }
        return listing
    }

    /// Entries listed between two calls of `walk`'s `onProgress`.
    public static let progressEvery = 4096
}
