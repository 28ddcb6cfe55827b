import ArgumentParser
import NewsClient
import NewsCore

extension CoveragePeriod: ExpressibleByArgument {}

extension Newsctl {
    struct Timeline: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Chart how many articles matching a query were published per day, week or month.",
            discussion: """
                The query is written as for find. Articles count by their own date (published, or \
                with an inferred year); those dated only by their file are counted apart, not charted. \
                The chart fits $COLUMNS and is plain ASCII with NO_COLOR or TERM=dumb; --csv and \
                --json print the counts instead.
                Exit status: 0 with articles, 1 when none match, 2 for a bad query, 3 when newsd is unreachable.
                """
        )

        @OptionGroup var connection: ConnectionOptions

        @Option(name: .long, help: "Period: day, week (from Monday) or month.")
        var by: CoveragePeriod = .day

        @Flag(name: .customLong("by-outlet"), help: "One chart per outlet, most articles first.")
        var byOutlet = false

        @Flag(name: .long, help: "Print the counts as CSV (start,count or start,outlet,count).")
        var csv = false

        @Argument(help: "The query (see newsctl find --help).")
        var query: [String]

        func validate() throws {
            guard !query.joined().allSatisfy(\.isWhitespace) else { throw ValidationError("give the words to chart") }
            if csv && connection.json { throw ValidationError("give one of --csv and --json") }
        }

        func run() throws {
            let text = QueryArguments.join(query)
            currentQuery = text
            let response: TimelineResponse
            do {
                response = try connection.client.timeline(text, by: by, byOutlet: byOutlet)
            } catch {
                throw fail(error)
            }
            if csv {
                writeOutput(ResultFormatter.timelineCSV(response))
            } else if connection.json {
                writeOutput(try JSONOutput.encode(response))
            } else {
                writeOutput(ResultFormatter.timeline(response, style: Environment.outputStyle))
            }
            if response.total == 0 && response.undated == 0 { throw ExitCode(ExitStatus.nothingFound) }
        }
    }
}
