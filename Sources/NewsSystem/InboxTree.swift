import Glibc
import NewsCore

/// Walks the inbox folder tree without following symlinks. Paths are relative to the inbox
/// root (`"world/2026/a.txt"`); folders whose names start with `.` are skipped.
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
        public var unreadable: [String: String] = [:]
    }

    /// Lists `subtree` (`""` for the whole inbox) below `root`.
    public static func walk(root: String, subtree: String = "") -> Listing {
        var listing = Listing()
        var stack = [subtree]
        while let relative = stack.popLast() {
            let absolute = relative.isEmpty ? root : root + "/" + relative
            guard let dir = opendir(absolute) else {
                if errno != ENOENT && errno != ENOTDIR { listing.unreadable[relative] = String(cString: strerror(errno)) }
                continue
            }
            listing.directories.append(relative)
            while let entry = readdir(dir) {
                let (name, problem, type) = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                    pointer.withMemoryRebound(to: UInt8.self, capacity: 256) { bytes -> (String, String?, UInt8) in
                        let decoded = FileName.decode(UnsafeBufferPointer(start: bytes, count: strlen(UnsafeRawPointer(bytes).assumingMemoryBound(to: CChar.self))))
                        return (decoded.name, decoded.problem, entry.pointee.d_type)
                    }
                }
                if name == "." || name == ".." { continue }
                let path = relative.isEmpty ? name : relative + "/" + name
                if let problem { listing.badNames[path] = problem; continue }
                var isDirectory = type == UInt8(DT_DIR)
                if type == UInt8(DT_UNKNOWN) {
                    var info = stat()
                    isDirectory = lstat(absolute + "/" + name, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
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
}
