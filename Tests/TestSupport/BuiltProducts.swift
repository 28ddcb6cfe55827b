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

/// Runs an executable to completion with extra environment variables.
public func runProcess(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env.removeValue(forKey: "NEWSD_SOCKET")
    env.merge(environment) { $1 }
    process.environment = env
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    // Read both pipes before waiting, so a large output cannot block the child.
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus,
                         stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self))
}
