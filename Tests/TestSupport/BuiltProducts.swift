import Foundation

/// The executables built beside the test bundle (`.build/debug/newsd`, `newsctl`).
public enum BuiltProducts {
    /// The folder holding the test bundle, which is where SwiftPM puts the executables too.
    public static let directory: String = {
        if let override = ProcessInfo.processInfo.environment["NEWSD_BIN_DIR"] { return override }
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var url = URL(fileURLWithPath: exe).deletingLastPathComponent()
        // The bundle may be a folder (name.xctest/…) on some layouts.
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("newsd").path), url.path != "/" {
            url.deleteLastPathComponent()
        }
        return url.path
    }()

    public static var newsd: String { directory + "/newsd" }
    public static var newsctl: String { directory + "/newsctl" }
}

/// What a finished process printed and returned.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs an executable to completion with extra environment variables, capturing its output.
public func runProcess(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> ProcessResult {
    var outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
    guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else { throw DaemonTestError(message: "pipe failed") }
    // Close-on-exec: children spawned later by other tests must not inherit these ends
    // (posix_spawn's dup2 gives this child its copies without the flag).
    for fd in outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    let child: ChildProcess
    do {
        child = try ChildProcess(executable, arguments, environment: ChildProcess.environment(environment),
                                 stdoutFD: outPipe[1], stderrFD: errPipe[1])
    } catch {
        for fd in outPipe + errPipe { close(fd) }
        throw error
    }
    close(outPipe[1])
    close(errPipe[1])
    // Read both pipes until both close, so a large output cannot block the child.
    var output: [Int32: [UInt8]] = [outPipe[0]: [], errPipe[0]: []]
    var open = [outPipe[0], errPipe[0]]
    var buffer = [UInt8](repeating: 0, count: 65536)
    while !open.isEmpty {
        var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        if poll(&fds, nfds_t(fds.count), -1) < 0 { if errno == EINTR { continue } else { break } }
        for entry in fds where entry.revents != 0 {
            let count = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
            if count > 0 {
                output[entry.fd]!.append(contentsOf: buffer[0..<count])
            } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                close(entry.fd)
                open.removeAll { $0 == entry.fd }
            }
        }
    }
    child.waitUntilExit()
    return ProcessResult(status: child.terminationStatus,
                         stdout: String(decoding: output[outPipe[0]]!, as: UTF8.self),
                         stderr: String(decoding: output[errPipe[0]]!, as: UTF8.self))
}
