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

        // Moving in and moving out are reported alike: the move out is one more report of the name.
        let reportsOfM = { log.all.filter { $0 == .changed(path: "m.txt") }.count }
        let before = reportsOfM()
        try FileManager.default.moveItem(atPath: folder.file("m.txt"), toPath: outside.file("back.txt"))
        #expect(try await waitUntil { reportsOfM() > before })

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
        #expect(try await waitUntil { log.all.contains { if case .inboxGone = $0 { true } else { false } } })
        // The loop has ended and closed its descriptors; stopping now touches none of them.
        let probe = open("/dev/null", O_RDONLY)
        watcher.stop()
        watcher.stop()
        #expect(fcntl(probe, F_GETFD) >= 0, "a descriptor opened after the loop ended is still open")
        close(probe)
    }

    @Test("a symbolic link to a folder is reported, and nothing behind it is watched")
    func linkedFolderIsNotWatched() async throws {
        let outside = TemporaryFolder("newsd-outside")
        outside.folder("deeper")
        try FileManager.default.createSymbolicLink(atPath: folder.file("early"), withDestinationPath: outside.path)
        let (watcher, log) = try watch()
        defer { watcher.stop() }
        folder.folder("a")
        #expect(try await waitUntil { log.contains(.directoryAppeared(path: "a")) })
        try FileManager.default.moveItem(atPath: folder.file("a"), toPath: folder.file("a.old"))
        try FileManager.default.createSymbolicLink(atPath: folder.file("a"), withDestinationPath: outside.path)
        #expect(try await waitUntil { log.contains(.changed(path: "a")) })
        try outside.write("Secret\n\nnot in the inbox", to: "secret.txt")
        try outside.write("Secret\n\nnot in the inbox", to: "deeper/secret.txt")
        try folder.write("Marker\n\nin the inbox", to: "marker.txt")
        #expect(try await waitUntil { log.contains(.changed(path: "marker.txt")) })
        #expect(!log.all.contains { "\($0)".contains("secret") })
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
        if case .regular(let size, _, _, _) = ArticleFileReader.kind(of: "a.txt", in: folder.path) { #expect(size == 1) } else { Issue.record("not regular") }
        #expect(ArticleFileReader.kind(of: "sub", in: folder.path) == .directory)
        #expect(ArticleFileReader.kind(of: "pipe.txt", in: folder.path) == .other("a named pipe (FIFO)"))
        #expect(ArticleFileReader.kind(of: "link.txt", in: folder.path) == .symlink)
        #expect(ArticleFileReader.kind(of: "none.txt", in: folder.path) == .missing)
        #expect(ArticleFileReader.kind(of: "sub/none.txt", in: folder.path) == .missing)
        if case .unreachable(let error) = ArticleFileReader.kind(of: "a.txt", in: folder.file("gone")) {
            #expect(error.code == "inbox-gone" && error.isTransient)
        } else {
            Issue.record("a missing inbox is not a missing file")
        }
    }

    @Test("a folder on the way that is a symbolic link is never walked through")
    func linkedFolders() throws {
        let outside = TemporaryFolder("newsd-outside")
        try outside.write("Secret\n\nbody", to: "secret.txt")
        outside.folder("deeper")
        try outside.write("Deeper\n\nbody", to: "deeper/x.txt")
        try FileManager.default.createSymbolicLink(atPath: folder.file("a"), withDestinationPath: outside.path)
        #expect(ArticleFileReader.kind(of: "a/secret.txt", in: folder.path) == .missing)
        #expect(ArticleFileReader.kind(of: "a", in: folder.path) == .symlink)
        #expect { try ArticleFileReader.read("a/secret.txt", in: folder.path, maxBytes: 100) } throws: { ($0 as? FileReadError)?.code == "missing" }
        #expect { try ArticleFileReader.read("a/deeper/x.txt", in: folder.path, maxBytes: 100) } throws: { ($0 as? FileReadError)?.code == "missing" }
        let listing = InboxTree.walk(root: folder.path)
        #expect(listing.entries == ["a"], "the link is an entry (a failure), never a folder to walk")
        #expect(InboxTree.walk(root: folder.path, subtree: "a").entries.isEmpty)
    }

    @Test("listing a large inbox says it is moving every few thousand entries")
    func walkReportsProgress() throws {
        // Two folders, so that the count runs on across folders (".", ".." and the folder's own
        // entry are read too, and counted).
        let perFolder = InboxTree.progressEvery + InboxTree.progressEvery / 2
        for name in ["a", "b"] {
            folder.folder(name)
            for n in 0..<perFolder {
                let fd = creat(folder.file("\(name)/\(n).txt"), 0o644)
                #expect(fd >= 0)
                close(fd)
            }
        }
        var calls = 0
        let listing = InboxTree.walk(root: folder.path) { calls += 1 }
        #expect(listing.entries.count == 2 * perFolder)
        let read = 2 * perFolder + 3 * 2 + 2
        #expect(calls == read / InboxTree.progressEvery, "\(calls) calls for \(read) entries read")
    }

    @Test("a missing inbox is listed as unreadable, never as empty")
    func missingInbox() {
        let listing = InboxTree.walk(root: folder.file("gone"))
        #expect(listing.entries.isEmpty)
        #expect(listing.unreadable[""]?.code == "inbox-gone")
    }

    @Test("reading never blocks on a FIFO and never follows a symlink")
    func safeReads() throws {
        #expect(mkfifo(folder.file("pipe.txt"), 0o644) == 0)
        try FileManager.default.createSymbolicLink(atPath: folder.file("link.txt"), withDestinationPath: "/etc/passwd")
        #expect(throws: FileReadError.self) { try ArticleFileReader.read("pipe.txt", in: folder.path, maxBytes: 100) }
        #expect { try ArticleFileReader.read("link.txt", in: folder.path, maxBytes: 100) } throws: { ($0 as? FileReadError)?.code == "symlink" }
    }

    @Test("files over the limit are refused with the sizes in the message")
    func tooLarge() throws {
        try folder.write(String(repeating: "x", count: 200), to: "big.txt")
        #expect {
            try ArticleFileReader.read("big.txt", in: folder.path, maxBytes: 100)
        } throws: { error in
            (error as? FileReadError)?.code == "too-large" && "\(error)".contains("200 bytes") && "\(error)".contains("max_file_bytes")
        }
        let small = try ArticleFileReader.read("big.txt", in: folder.path, maxBytes: 1000)
        #expect(small.bytes.count == 200)
    }

    @Test("paths deeper than PATH_MAX are read, one folder at a time")
    func deepPaths() throws {
        var relative = ""
        let component = String(repeating: "d", count: 200)
        // GNU rm walks deep trees one folder at a time; FileManager cannot remove them.
        defer { _ = try? runProcess("/bin/rm", ["-rf", folder.file(component)]) }
        for _ in 0..<25 {
            relative += (relative.isEmpty ? "" : "/") + component
            guard case .success(let parent) = ArticleFileReader.openFolder(String(relative.split(separator: "/").dropLast().joined(separator: "/")), in: folder.path) else {
                Issue.record("cannot open a parent folder"); return
            }
            #expect(mkdirat(parent, component, 0o755) == 0)
            close(parent)
        }
        guard case .success(let deepest) = ArticleFileReader.openFolder(relative, in: folder.path) else { Issue.record("cannot open the deepest folder"); return }
        let fd = openat(deepest, "deep.txt", O_CREAT | O_WRONLY, 0o644)
        _ = "Deep\n\nbody".withCString { write(fd, $0, strlen($0)) }
        close(fd)
        close(deepest)
        #expect((folder.path + "/" + relative).utf8.count > Int(PATH_MAX))
        #expect(try ArticleFileReader.read(relative + "/deep.txt", in: folder.path, maxBytes: 100).bytes.count == 10)
        #expect(InboxTree.walk(root: folder.path).entries == [relative + "/deep.txt"])
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
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
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
