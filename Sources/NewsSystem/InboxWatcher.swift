import Foundation
import Glibc
import NewsCore

/// Something inotify reported about the inbox.
public enum InboxEvent: Sendable, Equatable {
    /// The entry `name` was closed after writing, moved in, moved out, deleted or had its
    /// attributes changed: its state on disk must be looked at again.
    case changed(name: String)
    /// The kernel's event queue overflowed; events were lost and the whole inbox must be rescanned.
    case overflow
    /// The inbox folder itself was deleted or moved away.
    case inboxGone
}

/// Why the inbox could not be watched.
public struct WatcherError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// Watches one folder with inotify on a thread of its own and hands every batch of
/// events read in one `read(2)` to a callback.
///
/// Only events that mean "the file is complete or gone" are asked for: IN_CLOSE_WRITE
/// (never IN_MODIFY, so half-written files are not read), IN_MOVED_TO/FROM, IN_DELETE, IN_ATTRIB.
public final class InboxWatcher: Sendable {
    public let directory: String
    private let inotifyFD: Int32
    private let wakeRead: Int32
    private let wakeWrite: Int32

    /// Starts watching `directory`. Events that happen from now on are delivered once `start` is called.
    public init(directory: String) throws(WatcherError) {
        self.directory = directory
        let fd = inotify_init1(Int32(IN_CLOEXEC) | Int32(IN_NONBLOCK))
        guard fd >= 0 else {
            throw WatcherError(description: "cannot create an inotify instance: \(String(cString: strerror(errno))); raise fs.inotify.max_user_instances")
        }
        let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)
        if inotify_add_watch(fd, directory, mask) < 0 {
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
        inotifyFD = fd
        wakeRead = pipeFDs[0]
        wakeWrite = pipeFDs[1]
    }

    /// Runs the read loop on a new thread until `stop()`; `deliver` is called on that thread.
    public func start(_ deliver: @escaping @Sendable ([InboxEvent]) -> Void) {
        let reader = ReaderThread(watcher: self, deliver: deliver)
        // A plain thread, not a task: the loop blocks in poll(2), which must not hold a cooperative-pool thread.
        Thread.detachNewThread { reader.run() }
    }

    /// Ends the read loop; the descriptors are closed by the loop as it exits.
    public func stop() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    private final class ReaderThread: @unchecked Sendable {
        let watcher: InboxWatcher
        let deliver: @Sendable ([InboxEvent]) -> Void
        init(watcher: InboxWatcher, deliver: @escaping @Sendable ([InboxEvent]) -> Void) {
            self.watcher = watcher
            self.deliver = deliver
        }

        func run() {
            defer {
                close(watcher.inotifyFD)
                close(watcher.wakeRead)
                close(watcher.wakeWrite)
            }
            // Large enough for about a thousand events per read, which is what makes group commit possible.
            let capacity = 64 * 1024
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
            defer { buffer.deallocate() }
            var fds = [pollfd(fd: watcher.inotifyFD, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: watcher.wakeRead, events: Int16(POLLIN), revents: 0)]
            while true {
                let ready = poll(&fds, 2, -1)
                if ready < 0 { if errno == EINTR { continue } else { return } }
                if fds[1].revents != 0 { return }
                let count = read(watcher.inotifyFD, buffer, capacity)
                if count < 0 { if errno == EAGAIN || errno == EINTR { continue } else { return } }
                let events = Self.decode(buffer, count: count)
                if !events.isEmpty { deliver(events) }
                if events.contains(.inboxGone) { return }
            }
        }

        static func decode(_ buffer: UnsafeMutableRawPointer, count: Int) -> [InboxEvent] {
            var events: [InboxEvent] = []
            var offset = 0
            let header = MemoryLayout<inotify_event>.size
            while offset + header <= count {
                let mask = buffer.load(fromByteOffset: offset + 4, as: UInt32.self)
                let length = Int(buffer.load(fromByteOffset: offset + 12, as: UInt32.self))
                let namePointer = (buffer + offset + header).assumingMemoryBound(to: CChar.self)
                offset += header + length
                if mask & UInt32(IN_Q_OVERFLOW) != 0 { events.append(.overflow); continue }
                if mask & UInt32(IN_DELETE_SELF | IN_MOVE_SELF) != 0 { events.append(.inboxGone); continue }
                if mask & UInt32(IN_IGNORED) != 0 || length == 0 { continue }
                if mask & UInt32(IN_ISDIR) != 0 { continue }
                events.append(.changed(name: String(cString: namePointer)))
            }
            return events
        }
    }
}
