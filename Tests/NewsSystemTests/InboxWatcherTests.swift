import Foundation
import NewsSystem
import Synchronization
import Testing
import TestSupport

/// Collects what the watcher delivers, for the test to wait on.
final class EventLog: Sendable {
    private let events = Mutex<[InboxEvent]>([])
    func append(_ new: [InboxEvent]) { events.withLock { $0 += new } }
    var all: [InboxEvent] { events.withLock { $0 } }
    func contains(_ event: InboxEvent) -> Bool { all.contains(event) }
}

@Suite("inotify watcher (real inotify on a temporary folder)")
struct InboxWatcherTests {
    let folder = TemporaryFolder("newsd-watch")

    func watch() throws -> (InboxWatcher, EventLog) {
        let watcher = try InboxWatcher(directory: folder.path)
        let log = EventLog()
        watcher.start { log.append($0) }
        return (watcher, log)
    }

    @Test("a file closed after writing is reported")
    func closeWrite() async throws {
        let (watcher, log) = try watch()
        defer { watcher.stop() }
        try folder.write("Head\n\nBody", to: "a.txt")
        #expect(try await waitUntil { log.contains(.changed(path: "a.txt")) })
    }

    @Test("a file moved in, moved out and deleted is reported each time")
    func moves() async throws {
        let outside = TemporaryFolder("newsd-outside")
        try outside.write("Head", to: "m.txt")
        try folder.write("Head", to: "gone.txt")
        let (watcher, log) = try watch()
        defer { watcher.stop() }

        try FileManager.default.moveItem(atPath: outside.file("m.txt"), toPath: folder.file("m.txt"))
        #expect(try await waitUntil { log.contains(.changed(path: "m.txt")) })

        let before = log.all.count
        try FileManager.default.moveItem(atPath: folder.file("m.txt"), toPath: outside.file("back.txt"))
        #expect(try await waitUntil { log.all.count > before && log.all.last == .changed(path: "m.txt") })

        try FileManager.default.removeItem(atPath: folder.file("gone.txt"))
        #expect(try await waitUntil { log.contains(.changed(path: "gone.txt")) })
    }

    @Test("a temporary name renamed into place reports both names; the reader decides what to ignore")
    func temporaryRename() async throws {
        let (watcher, log) = try watch()
        defer { watcher.stop() }
        try folder.write("Head", to: "story.txt.part")
        try FileManager.default.moveItem(atPath: folder.file("story.txt.part"), toPath: folder.file("story.txt"))
        #expect(try await waitUntil { log.contains(.changed(path: "story.txt")) })
        #expect(log.contains(.changed(path: "story.txt.part")))
    }

    @Test("the inbox itself disappearing is reported")
    func inboxGone() async throws {
        let inner = folder.folder("inner")
        let watcher = try InboxWatcher(directory: inner)
        let log = EventLog()
        watcher.start { log.append($0) }
        try FileManager.default.removeItem(atPath: inner)
        #expect(try await waitUntil { log.contains(.inboxGone) })
    }

    @Test("watching a missing folder fails with a clear message")
    func missingFolder() {
        #expect {
            try InboxWatcher(directory: folder.file("nope"))
        } throws: { error in
            "\(error)".contains("cannot watch the inbox \(folder.file("nope"))")
        }
    }
}

@Suite("Reading inbox files")
struct ArticleFileReaderTests {
    let folder = TemporaryFolder("newsd-read")

    @Test("kinds: regular, folder, FIFO, symlink, missing")
    func kinds() throws {
        try folder.write("x", to: "a.txt")
        folder.folder("sub")
        #expect(mkfifo(folder.file("pipe.txt"), 0o644) == 0)
        try FileManager.default.createSymbolicLink(atPath: folder.file("link.txt"), withDestinationPath: "/etc/passwd")
        if case .regular(let size, _, _) = ArticleFileReader.kind(of: folder.file("a.txt")) { #expect(size == 1) } else { Issue.record("not regular") }
        #expect(ArticleFileReader.kind(of: folder.file("sub")) == .directory)
        #expect(ArticleFileReader.kind(of: folder.file("pipe.txt")) == .other("a named pipe (FIFO)"))
        #expect(ArticleFileReader.kind(of: folder.file("link.txt")) == .other("a symbolic link"))
        #expect(ArticleFileReader.kind(of: folder.file("none.txt")) == .missing)
    }

    @Test("reading never blocks on a FIFO and never follows a symlink")
    func safeReads() throws {
        #expect(mkfifo(folder.file("pipe.txt"), 0o644) == 0)
        try FileManager.default.createSymbolicLink(atPath: folder.file("link.txt"), withDestinationPath: "/etc/passwd")
        #expect(throws: FileReadError.self) { try ArticleFileReader.read(path: folder.file("pipe.txt"), maxBytes: 100) }
        #expect(throws: FileReadError.self) { try ArticleFileReader.read(path: folder.file("link.txt"), maxBytes: 100) }
    }

    @Test("files over the limit are refused with the sizes in the message")
    func tooLarge() throws {
        try folder.write(String(repeating: "x", count: 200), to: "big.txt")
        #expect {
            try ArticleFileReader.read(path: folder.file("big.txt"), maxBytes: 100)
        } throws: { error in
            (error as? FileReadError)?.code == "too-large" && "\(error)".contains("200 bytes") && "\(error)".contains("max_file_bytes")
        }
        let small = try ArticleFileReader.read(path: folder.file("big.txt"), maxBytes: 1000)
        #expect(small.bytes.count == 200)
    }

    @Test("listing a folder")
    func listing() throws {
        try folder.write("x", to: "a.txt")
        try folder.write("x", to: ".hidden")
        #expect(try ArticleFileReader.list(directory: folder.path).sorted() == [".hidden", "a.txt"])
    }
}

@Suite("Socket probing")
struct UnixSocketProbeTests {
    let folder = TemporaryFolder("newsd-sock")

    @Test("absent, not a socket, stale and live sockets are told apart")
    func states() throws {
        #expect(UnixSocketProbe.state(of: folder.file("none.sock")) == .absent)
        try folder.write("x", to: "file.sock")
        #expect(UnixSocketProbe.state(of: folder.file("file.sock")) == .notASocket)

        let path = folder.file("s.sock")
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        #expect(UnixSocketProbe.fill(&address, path: path))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        #expect(listen(fd, 1) == 0)
        #expect(UnixSocketProbe.state(of: path) == .live)
        close(fd)
        #expect(UnixSocketProbe.state(of: path) == .stale)
    }
}
