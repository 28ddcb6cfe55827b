import Foundation
import NewsSystem
import Testing
import TestSupport

/// Children get their standard descriptors and nothing else of the process that starts them:
/// an inherited descriptor of a file being written keeps the file open after its writer closed
/// it, and the IN_CLOSE_WRITE newsd waits for never comes while the child runs.
@Suite("Descriptors children inherit")
struct DescriptorInheritanceTests {
    /// A descriptor without close-on-exec, as Foundation's `String.write(toFile:)` opens one,
    /// moved high so that no shell reuses its number; closed by `body`'s end.
    private func withOpenFile(_ body: (Int32) throws -> Void) throws {
        let folder = TemporaryFolder("newsd-descriptors")
        let plain = open(folder.file("being-written.txt"), O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        try #require(plain >= 0)
        let high = fcntl(plain, F_DUPFD, 200)
        close(plain)
        try #require(high >= 200)
        defer { close(high) }
        try body(high)
    }

    /// A shell command that fails when descriptor `fd` is open in the shell running it.
    private func failsIfOpen(_ fd: Int32) -> String { "[ ! -e /proc/$$/fd/\(fd) ]" }

    @Test("an alert command does not inherit newsd's descriptors")
    func alertCommand() throws {
        try withOpenFile { fd in
            let failure = AlertCommandRunner.run(failsIfOpen(fd), input: [], environment: [:], timeout: .seconds(60))
            #expect(failure == nil, "\(String(describing: failure))")
        }
    }

    @Test("pdftotext gets the PDF on descriptor 3 and no other of newsd's")
    func pdfConverter() throws {
        let folder = TemporaryFolder("newsd-descriptors-converter")
        let program = folder.file("pdftotext")
        try withOpenFile { fd in
            try "#!/bin/sh\n\(failsIfOpen(fd)) || exit 1\n[ -e /proc/$$/fd/3 ] || exit 2\necho 'Ferry timetable changes'\n"
                .write(toFile: program, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: program)
            let result = PDFConverter(searchPath: folder.path).text(of: Array("%PDF-1.4".utf8))
            guard case .success(let text) = result else { Issue.record("\(result)"); return }
            #expect(String(decoding: text, as: UTF8.self).contains("Ferry timetable"))
        }
    }

    @Test("a child the tests start does not inherit a file another test is writing")
    func testChildren() throws {
        try withOpenFile { fd in
            let child = try ChildProcess("/bin/sh", ["-c", failsIfOpen(fd)], environment: [:])
            child.waitUntilExit()
            #expect(child.terminationStatus == 0)
        }
    }
}
