import Foundation
import Glibc
import NewsCore
import Synchronization

/// Something inotify reported about the inbox. Paths are relative to the inbox root.
public enum InboxEvent: Sendable, Hashable {
    /// The file at `path` was closed after writing, moved in or out, deleted, or had its
    /// attributes changed: its state on disk must be looked at again.
    case changed(path: String)
    /// An entry whose name cannot be stored appeared (`present`) or went away; `path` is escaped.
    case badName(path: String, problem: String, present: Bool)
    /// A folder was created or moved in (and is now watched): its contents must be scanned.
    case directoryAppeared(path: String)
    /// A folder was deleted or moved out: whatever was indexed below it must be checked.
    case directoryGone(path: String)
    /// The kernel's event queue overflowed; events were lost and the whole inbox must be rescanned.
    case overflow
    /// A folder could not be watched (the watch limit, usually); it must be rescanned periodically.
    case unwatched(path: String, reason: String)
    /// The inbox can no longer be watched: it was deleted, moved away or unmounted, or reading
    /// inotify failed. Watching has ended; the inbox must be watched anew once it is back.
    case inboxGone(reason: String)
}

/// Why the inbox could not be watched.
public struct WatcherError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// Watches the inbox and every sub-folder with inotify, on a thread of its own, and hands
/// the events of each `read(2)` to a callback.
///
/// Only events that mean "the file is complete or gone" are asked for: IN_CLOSE_WRITE
/// (never IN_MODIFY, so half-written files are not read), IN_MOVED_TO/FROM, IN_DELETE,
/// IN_ATTRIB, plus IN_CREATE for new folders.
public final class InboxWatcher: Sendable {
    public let directory: String
    private let reader: ReaderThread

    static let fileMask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ATTRIB | IN_CREATE | IN_ONLYDIR)
    static let rootMask = fileMask | UInt32(IN_DELETE_SELF | IN_MOVE_SELF | IN_DONT_FOLLOW)

    /// Starts watching `directory` and its sub-folders. Events from now on are delivered once `start` is called.
    public init(directory: String) throws(WatcherError) {
        self.directory = directory
        let fd = inotify_init1(Int32(IN_CLOEXEC) | Int32(IN_NONBLOCK))
        guard fd >= 0 else {
            throw WatcherError(description: "cannot create an inotify instance: \(String(cString: strerror(errno))); raise the sysctl fs.inotify.max_user_instances")
        }
        let rootWD = inotify_add_watch(fd, directory, Self.rootMask)
        if rootWD < 0 {
            let reason = errno == ENOSPC
                ? "the inotify watch limit is reached; raise the sysctl fs.inotify.max_user_watches"
                : String(cString: strerror(errno))
            close(fd)
            throw WatcherError(description: "cannot watch the inbox \(directory): \(reason)")
        }
        var pipeFDs: [Int32] = [0, 0]
        guard pipe(&pipeFDs) == 0 else {
            close(fd)
            throw WatcherError(description: "cannot create a pipe: \(String(cString: strerror(errno)))")
        }
        for end in pipeFDs { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        reader = ReaderThread(root: directory, rootWD: rootWD,
                              descriptors: Descriptors(inotify: fd, wakeRead: pipeFDs[0], wakeWrite: pipeFDs[1]))
        reader.watchTree(below: "")
    }

    /// Runs the read loop on a new thread until `stop()`; `deliver` is called on that thread.
    /// If the loop ends for any other reason, its last delivery holds `.inboxGone`.
    public func start(_ deliver: @escaping @Sendable ([InboxEvent]) -> Void) {
        let reader = self.reader
        reader.deliver = deliver
        guard reader.lifecycle.withLock({ state in
            guard !state.stopped else { return false }
            state.running = true
            return true
        }) else { return }
        // A plain thread, not a task: the loop blocks in poll(2), which must not hold a cooperative-pool thread.
        Thread.detachNewThread { reader.run() }
    }

    /// Ends the read loop. Safe to call at any time and more than once: the descriptors are
    /// closed exactly once, by whichever of the loop and this call comes last.
    public func stop() {
        reader.lifecycle.withLock { state in
            guard !state.stopped else { return }
            state.stopped = true
            if state.running {
                // The loop is alive and owns the descriptors until it exits (under this lock).
                var byte: UInt8 = 1
                _ = write(state.descriptors.wakeWrite, &byte, 1)
            } else {
                state.descriptors.closeAll()
            }
        }
    }

    /// The three descriptors of a watcher.
    struct Descriptors {
        let inotify: Int32
        let wakeRead: Int32
        let wakeWrite: Int32

        func closeAll() {
            close(inotify)
            close(wakeRead)
            close(wakeWrite)
        }
    }

    /// Who owns the descriptors: the loop while it runs, else `stop()`.
    struct Lifecycle {
        var descriptors: Descriptors
        var running = false
        var stopped = false
    }

    /// The reader thread's state. Only that thread touches it after `start` (init runs before).
    private final class ReaderThread: @unchecked Sendable {
        let root: String
        let inotifyFD: Int32
        let wakeRead: Int32
        let rootWD: Int32
        let lifecycle: Mutex<Lifecycle>
        var deliver: (@Sendable ([InboxEvent]) -> Void)?
        /// Watch descriptor → folder path relative to the root ("" is the root).
        var folders: [Int32: String]
        /// Events produced outside a read (watch failures while adding), delivered with the next batch.
        var early: [InboxEvent] = []

        init(root: String, rootWD: Int32, descriptors: Descriptors) {
            self.root = root
            inotifyFD = descriptors.inotify
            wakeRead = descriptors.wakeRead
            self.rootWD = rootWD
            lifecycle = Mutex(Lifecycle(descriptors: descriptors))
            folders = [rootWD: ""]
        }

        /// Adds watches for every folder below `relative` (not the root itself).
        func watchTree(below relative: String) {
            for folder in InboxTree.walk(root: root, subtree: relative).directories where !folder.isEmpty {
                // The folder is opened without following a link at any level, and the watch is set
                // on what was opened (through /proc), so a folder swapped for a link is never watched.
                guard case .success(let fd) = ArticleFileReader.openFolder(folder, in: root) else { continue }
                let wd = inotify_add_watch(inotifyFD, "/proc/self/fd/\(fd)", InboxWatcher.fileMask)
                let err = errno
                close(fd)
                if wd >= 0 {
                    folders[wd] = folder
                } else {
                    let reason = err == ENOSPC
                        ? "the inotify watch limit is reached; raise the sysctl fs.inotify.max_user_watches (newsd rescans this folder periodically meanwhile)"
                        : String(cString: strerror(err))
                    early.append(.unwatched(path: folder, reason: reason))
                }
            }
        }

        /// Drops the watches of `relative` and everything below it (the folder left the inbox).
        func unwatchTree(_ relative: String) {
            for (wd, folder) in folders where folder == relative || folder.hasPrefix(relative + "/") {
                inotify_rm_watch(inotifyFD, wd)
                folders.removeValue(forKey: wd)
            }
        }

        func run() {
            let ending = loop()
            let unasked = lifecycle.withLock { state -> Bool in
                state.running = false
                state.descriptors.closeAll()
                defer { state.stopped = true }
                return !state.stopped
            }
            // Said last, after the descriptors are closed: whoever hears it may start a new watcher.
            if unasked { deliver?([.inboxGone(reason: ending)]) }
        }

        /// Reads events until asked to stop or the inbox can no longer be watched; returns why it ended.
        private func loop() -> String {
            if !early.isEmpty { deliver?(early); early.removeAll() }
            // Large enough for about a thousand events per read, which is what makes group commit possible.
            let capacity = 64 * 1024
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
            defer { buffer.deallocate() }
            var fds = [pollfd(fd: inotifyFD, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            while true {
                let ready = poll(&fds, 2, -1)
                if ready < 0 {
                    if errno == EINTR { continue }
                    return "waiting for inotify failed: \(String(cString: strerror(errno)))"
                }
                if fds[1].revents != 0 { return "stopped" }
                let count = read(inotifyFD, buffer, capacity)
                if count < 0 {
                    if errno == EAGAIN || errno == EINTR { continue }
                    return "reading inotify failed: \(String(cString: strerror(errno)))"
                }
                var events = decode(buffer, count: count)
                if !early.isEmpty { events = early + events; early.removeAll() }
                if let gone = events.lazy.compactMap({ if case .inboxGone(let reason) = $0 { reason } else { nil } }).first {
                    events.removeAll { if case .inboxGone = $0 { true } else { false } }
                    if !events.isEmpty { deliver?(events) }
                    return gone
                }
                if !events.isEmpty { deliver?(events) }
            }
        }

        private func arrivesComplete(_ path: String) -> Bool {
            var info = stat()
            guard lstat(path, &info) == 0 else { return false }
            return info.st_mode & S_IFMT != S_IFREG || info.st_nlink > 1
        }

        func decode(_ buffer: UnsafeMutableRawPointer, count: Int) -> [InboxEvent] {
            var events: [InboxEvent] = []
            var offset = 0
            let header = MemoryLayout<inotify_event>.size
            while offset + header <= count {
                let wd = buffer.load(fromByteOffset: offset, as: Int32.self)
                let mask = buffer.load(fromByteOffset: offset + 4, as: UInt32.self)
                let length = Int(buffer.load(fromByteOffset: offset + 12, as: UInt32.self))
                let nameStart = (buffer + offset + header).assumingMemoryBound(to: UInt8.self)
                let nameBytes = UnsafeBufferPointer(start: nameStart, count: length).prefix { $0 != 0 }
                offset += header + length

                if mask & UInt32(IN_Q_OVERFLOW) != 0 { events.append(.overflow); continue }
                if wd == rootWD && mask & UInt32(IN_UNMOUNT) != 0 {
                    events.append(.inboxGone(reason: "the inbox's file system was unmounted")); continue
                }
                if mask & UInt32(IN_IGNORED) != 0 {
                    folders.removeValue(forKey: wd)
                    if wd == rootWD { events.append(.inboxGone(reason: "the inbox is no longer watched (deleted or unmounted)")) }
                    continue
                }
                guard let folder = folders[wd] else { continue }
                if mask & UInt32(IN_DELETE_SELF | IN_MOVE_SELF) != 0 {
                    if folder.isEmpty { events.append(.inboxGone(reason: "the inbox was deleted or moved away")) }
                    continue
                }
                guard !nameBytes.isEmpty else { continue }
                let (name, problem) = FileName.decode(nameBytes)
                let path = folder.isEmpty ? name : folder + "/" + name
                let arrived = mask & UInt32(IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE | IN_ATTRIB) != 0
                if let problem {
                    events.append(.badName(path: path, problem: problem, present: arrived))
                    continue
                }
                if mask & UInt32(IN_ISDIR) != 0 {
                    if name.hasPrefix(".") { continue }
                    if mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 {
                        // Watch first, then scan: files written into the new folder meanwhile are seen by one or the other.
                        watchTree(below: path)
                        events.append(contentsOf: early)
                        early.removeAll()
                        events.append(.directoryAppeared(path: path))
                    } else if mask & UInt32(IN_DELETE | IN_MOVED_FROM) != 0 {
                        unwatchTree(path)
                        events.append(.directoryGone(path: path))
                    } else if mask & UInt32(IN_ATTRIB) != 0 {
                        // Permissions changed: a folder newsd could not read (or watch) may be
                        // readable now, or the other way round. Watch again and compare.
                        watchTree(below: path)
                        events.append(contentsOf: early)
                        early.removeAll()
                        events.append(.directoryAppeared(path: path))
                    }
                    continue
                }
                // A regular file that was just created is still being written: wait for its close.
                // FIFOs, sockets, devices and symlinks are never closed after writing, and a hard
                // link arrives complete, so those are looked at now.
                if mask == UInt32(IN_CREATE) && !arrivesComplete(root + "/" + path) { continue }
                events.append(.changed(path: path))
            }
            return events
        }
    }
}
