import ArgumentParser
import Glibc
import NewsClient

extension Newsctl {
    struct Failures: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the inbox files that could not be indexed, with the reason.",
            discussion: "Exit status: 0 when there are none, 1 when some files failed, 3 when newsd is unreachable."
        )

        @OptionGroup var connection: ConnectionOptions

        @Option(name: .long, help: "Most failures to list.")
        var limit = 1000

        @Flag(name: .long, help: "List the files newsd does not read (other formats), with why, instead of the failures.")
        var ignored = false

        func run() throws {
            let response: FailuresResponse
            do { response = try connection.client.failures(limit: limit, ignored: ignored) } catch { throw fail(error) }
            writeOutput(connection.json ? try JSONOutput.encode(response) : ResultFormatter.failures(response, ignored: ignored))
            if response.total > 0 && !ignored { throw ExitCode(ExitStatus.nothingFound) }
        }
    }

    struct Pause: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop indexing for now; files that arrive meanwhile are queued, not lost.")
        @OptionGroup var connection: ConnectionOptions
        func run() throws { try runControl(.pause, connection) }
    }

    struct Resume: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Index again, starting with the files queued while paused.")
        @OptionGroup var connection: ConnectionOptions
        func run() throws { try runControl(.resume, connection) }
    }

    struct Reconcile: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare the inbox with the index now, as at start: new and changed files are read, gone ones removed.")
        @OptionGroup var connection: ConnectionOptions
        func run() throws { try runControl(.reconcile, connection) }
    }

    struct Reindex: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rebuild the index from the inbox: every file is read again.",
            discussion: "Waits until the rebuild is done, showing progress on a terminal; --no-wait returns at once."
        )
        @OptionGroup var connection: ConnectionOptions

        @Flag(name: .long, help: "Return as soon as the rebuild has been asked for.")
        var noWait = false

        func run() throws {
            let client = connection.client
            let answer: ControlResponse
            do { answer = try client.control(.reindex) } catch { throw fail(error) }
            if noWait || answer.state == "paused" {
                writeOutput(connection.json ? try JSONOutput.encode(answer) : answer.message + "\n")
                return
            }
            let showProgress = isatty(2) == 1 && !connection.json
            var status: StatusResponse
            var sawWork = false
            // Poll the status until the queued rebuild has run: it shows progress while it runs,
            // and the daemon is idle once it is done.
            repeat {
                usleep(100_000)
                do { status = try client.status() } catch { throw fail(error) }
                if status.progress != nil || status.state == "reconciling" { sawWork = true }
                if showProgress, let progress = status.progress {
                    writeStandardErrorInline("\rreindexing: \(ResultFormatter.progress(progress))\u{1B}[K")
                }
            } while status.state == "reconciling" || status.state == "indexing" || status.state == "starting" || (!sawWork && status.pending > 0)
            if showProgress { writeStandardErrorInline("\r\u{1B}[K") }
            if connection.json {
                writeOutput(try JSONOutput.encode(status))
            } else {
                writeOutput("reindexed: \(status.articles) articles, \(status.failed) failed\n")
            }
        }
    }
}

private func runControl(_ action: ControlAction, _ connection: ConnectionOptions) throws {
    let answer: ControlResponse
    do { answer = try connection.client.control(action) } catch { throw fail(error) }
    writeOutput(connection.json ? try JSONOutput.encode(answer) : answer.message + "\n")
}

func writeStandardErrorInline(_ text: String) {
    var bytes = Array(text.utf8)
    _ = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress, $0.count) }
}
