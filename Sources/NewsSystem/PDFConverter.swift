import CLinux
import Glibc
import NewsCore

/// Turns a PDF's bytes into text with `pdftotext` (Debian's poppler-utils), run as a child
/// process: the bytes go in through an anonymous memory file (no temporary file, nothing
/// followed by name), the text comes back on a pipe, within a time and a size limit. A PDF that
/// hangs or crashes the converter costs one failure, never newsd.
public struct PDFConverter: Sendable {
    /// Where `pdftotext` is, when it is installed.
    public let program: String?
    public var timeLimit: Duration
    public var maximumTextBytes: Int

    public init(searchPath: String? = getenv("PATH").map { String(cString: $0) }, timeLimit: Duration = .seconds(30),
                maximumTextBytes: Int = 16 << 20) {
        let folders = (searchPath ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        program = folders.lazy.map { $0 + "/pdftotext" }.first { access($0, X_OK) == 0 }
        self.timeLimit = timeLimit
        self.maximumTextBytes = maximumTextBytes
    }

    /// The converter's text, or the rejection that says why there is none.
    public func text(of pdf: [UInt8]) -> Result<[UInt8], ArticleRejection> {
        guard let program else { return .failure(.converterMissing(program: "pdftotext", package: "poppler-utils")) }
        // The PDF in a memory file the child reads as /dev/fd/3.
        let memory = memfd_create("newsd-pdf", NEWSD_MFD_CLOEXEC)
        guard memory >= 0 else { return .failure(.converterFailed(program: "pdftotext", detail: "memfd_create: \(String(cString: strerror(errno)))")) }
        defer { close(memory) }
        var written = 0
        while written < pdf.count {
            let n = pdf.withUnsafeBytes { write(memory, $0.baseAddress! + written, pdf.count - written) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return .failure(.converterFailed(program: "pdftotext", detail: "writing the PDF to memory failed")) }
            written += n
        }
        var output: [Int32] = [0, 0]
        guard pipe2(&output, O_CLOEXEC) == 0 else { return .failure(.converterFailed(program: "pdftotext", detail: "pipe: \(String(cString: strerror(errno)))")) }
        defer { close(output[0]) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, memory, 3)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        // The PDF on 3 and nothing of newsd's beyond it.
        posix_spawn_file_actions_addclosefrom_np(&actions, 4)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group, so that a timeout kills whatever it started too.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        let arguments = [program, "-q", "-enc", "UTF-8", "-eol", "unix", "/dev/fd/3", "-"]
        var argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        var spawned = posix_spawn(&child, program, &actions, &attributes, &argv, environ)
        // ETXTBSY: the program is being replaced (a package upgrade) or still open for writing
        // in a process that just forked; it passes in moments.
        for _ in 0..<20 where spawned == ETXTBSY {
            usleep(50_000)
            spawned = posix_spawn(&child, program, &actions, &attributes, &argv, environ)
        }
        close(output[1])
        guard spawned == 0 else {
            return .failure(.converterFailed(program: "pdftotext", detail: "cannot start \(program): \(String(cString: strerror(spawned)))"))
        }
        let (text, stop) = collect(from: output[0])
        if stop != nil { kill(-child, SIGKILL) }
        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0 && errno == EINTR {}
        switch stop {
        case .timedOut?:
            return .failure(.converterFailed(program: "pdftotext", detail: "it ran longer than \(timeLimit.components.seconds) s and was stopped"))
        case .tooMuch?:
            return .failure(.converterFailed(program: "pdftotext", detail: "its text passed \(maximumTextBytes >> 20) MiB and it was stopped"))
        case nil:
            break
        }
        let exited = status & 0x7f == 0
        let code = (status >> 8) & 0xff
        if !exited {
            return .failure(.converterFailed(program: "pdftotext", detail: "it crashed (signal \(status & 0x7f)) on this file"))
        }
        if code != 0 {
            return .failure(.converterFailed(program: "pdftotext", detail: code == 1 || code == 3
                ? "it cannot open the PDF (exit status \(code): damaged, or protected by a password)"
                : "it failed with exit status \(code)"))
        }
        return .success(text)
    }

    private enum Stop { case timedOut, tooMuch }

    private func collect(from descriptor: Int32) -> ([UInt8], Stop?) {
        let deadline = ContinuousClock.now + timeLimit
        var text: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let left = deadline - ContinuousClock.now
            if left <= .zero { return (text, .timedOut) }
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(min(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1, 60_000))
            let ready = poll(&poller, 1, milliseconds)
            if ready < 0 { if errno == EINTR { continue }; return (text, nil) }
            if ready == 0 { continue }
            let n = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR || errno == EAGAIN { continue }; return (text, nil) }
            if n == 0 { return (text, nil) }
            text.append(contentsOf: buffer[0..<n])
            if text.count > maximumTextBytes { return (text, .tooMuch) }
        }
    }
}
