import ArgumentParser
import Glibc
import NewsClient
import NewsCore

/// Exit statuses, shared by every subcommand (documented in `newsctl --help`).
enum ExitStatus {
    static let found: Int32 = 0
    static let nothingFound: Int32 = 1
    static let usage: Int32 = 2
    static let unreachable: Int32 = 3
}

@main
struct Newsctl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "newsctl",
        abstract: "Query the newsd news-article index.",
        discussion: """
            Exit status: 0 success (find: hits), 1 find matched nothing, 2 usage or query syntax error, \
            3 newsd unreachable or failing.
            """,
        version: NewsdVersion.current,
        subcommands: [Status.self, Find.self, New.self, Watch.self, Alert.self, Stories.self, Timeline.self, Show.self, Story.self, Related.self, Failures.self, Pause.self, Resume.self, Reconcile.self, Reindex.self]
    )

    /// Like `ParsableCommand.main()`, but usage errors exit with 2 (as grep does) instead of 64.
    static func main() {
        do {
            var command = try parseAsRoot(separatingQueryWords(hoistingGlobalOptions(Array(CommandLine.arguments.dropFirst()))))
            try command.run()
        } catch let error as ExitCode {
            Glibc.exit(error.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success { writeOutput(fullMessage(for: error) + "\n"); Glibc.exit(0) }
            writeStandardError(fullMessage(for: error))
            Glibc.exit(code == .validationFailure ? ExitStatus.usage : code.rawValue)
        }
    }
}

/// `newsctl --socket PATH status` is accepted as well as `newsctl status --socket PATH`:
/// options written before the subcommand are moved after it, where the parser expects them.
func hoistingGlobalOptions(_ arguments: [String]) -> [String] {
    var hoisted: [String] = []
    var index = 0
    while index < arguments.count {
        let argument = arguments[index]
        if argument == "--socket", index + 1 < arguments.count {
            hoisted += [argument, arguments[index + 1]]
            index += 2
        } else if argument.hasPrefix("--socket=") || argument == "--json" {
            hoisted.append(argument)
            index += 1
        } else {
            break
        }
    }
    guard !hoisted.isEmpty, index < arguments.count else { return arguments }
    return [arguments[index]] + hoisted + arguments[(index + 1)...]
}

/// For a subcommand that takes a query, its options first and the query after `--`, so that
/// `newsctl find russia -taliban` searches for russia without taliban (see
/// `QueryArguments.separatingQuery`).
func separatingQueryWords(_ arguments: [String]) -> [String] {
    if arguments.starts(with: ["alert", "add"]) {
        return ["alert", "add"] + QueryArguments.separatingQuery(Array(arguments.dropFirst(2)), valued: ["--socket"])
    }
    guard let subcommand = arguments.first, let valued = queryCommandOptions[subcommand] else { return arguments }
    return [subcommand] + QueryArguments.separatingQuery(Array(arguments.dropFirst()), valued: valued)
}

/// The subcommands whose arguments are a query, with their options that take a value.
let queryCommandOptions: [String: Set<String>] = [
    "find": ["--socket", "--sort", "--min-outlets", "--limit", "--offset", "--format"],
    "timeline": ["--socket", "--by"],
    "watch": ["--socket"],
]

/// Options every subcommand takes.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("newsd's control socket. [default: $NEWSD_SOCKET, else /run/newsd/newsd.sock]", valueName: "path"))
    var socket: String?

    @Flag(name: .long, help: "Print one JSON object instead of text.")
    var json = false

    var socketPath: String { NewsClient.socketPath(flag: socket, environment: Environment.all) }
    var client: NewsClient { NewsClient(socketPath: socketPath) }

    /// Asks newsd (a failure is reported in one line and ends newsctl with its exit status),
    /// then prints the answer: as JSON with --json, else as `text` renders it.
    @discardableResult
    func show<Response: Encodable>(_ ask: (NewsClient) throws(ClientError) -> Response, text: (Response) -> String) throws -> Response {
        let response: Response
        do {
            response = try ask(client)
        } catch {
            throw fail(error)
        }
        writeOutput(json ? try JSONOutput.encode(response) : text(response))
        return response
    }
}

/// Reports a client error in one line and returns the exit status for it.
func fail(_ error: ClientError) -> ExitCode {
    writeStandardError("newsctl: \(error)")
    if case .api(_, let body) = error, let column = body.error.column, let query = currentQuery {
        // Point at the problem, as compilers do.
        writeStandardError("  \(query)\n  \(String(repeating: " ", count: max(0, column - 1)))^")
    }
    if case .api(let status, _) = error, (400..<500).contains(status) { return ExitCode(ExitStatus.usage) }
    return ExitCode(ExitStatus.unreachable)
}

/// The query being run, for pointing at syntax errors.
nonisolated(unsafe) var currentQuery: String?

func writeStandardError(_ message: String) {
    var bytes = Array((message.hasSuffix("\n") ? message : message + "\n").utf8)
    _ = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress, $0.count) }
}

/// Writes to stdout without Foundation.
func writeOutput(_ text: String) {
    writeOutput(Array(text.utf8))
}

/// Writes bytes to stdout as they are (for `show --raw`).
func writeOutput(_ bytes: [UInt8]) {
    var bytes = bytes
    var written = 0
    while written < bytes.count {
        let count = bytes.withUnsafeMutableBytes { Glibc.write(1, $0.baseAddress! + written, $0.count - written) }
        if count <= 0 { return }
        written += count
    }
}

enum Environment {
    /// Bold and colour on a terminal; plain when piped or with NO_COLOR.
    static var outputStyle: OutputStyle { OutputStyle.detect(isTerminal: isatty(1) == 1, environment: all) }

    static var all: [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let pair = String(cString: entry)
            if let equals = pair.firstIndex(of: "=") {
                result[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }
}
