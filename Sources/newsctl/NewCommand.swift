import ArgumentParser
import Foundation
import Glibc
import NewsClient
import NewsCore

extension Newsctl {
    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the articles that arrived since you last ran this, latest first.",
            discussion: """
                newsd keeps one mark per Unix user (who is asking is read from the socket, not \
                from an option): each run shows what arrived after your last run and moves your \
                mark to now. Your first run shows the last day. --peek leaves the mark where it was. \
                Copies fold as in find. To see more than the page, or older arrivals: \
                newsctl find 'added:>2d' --sort added.
                Exit status: 0 with new articles, 1 when nothing is new, 3 when newsd is unreachable.
                """
        )

        @OptionGroup var connection: ConnectionOptions

        @Option(name: .long, help: "Articles to show (1–\(SearchLimits.maxLimit)).")
        var limit = 50

        @Flag(name: .long, help: "Look without moving your mark.")
        var peek = false

        @Option(name: .long, help: ArgumentHelp("Write the hits for other tools: csv, tsv, markdown, json or cite (see find).", valueName: "format"))
        var format: ExportFormat?

        func validate() throws {
            guard (1...SearchLimits.maxLimit).contains(limit) else { throw ValidationError("--limit must be from 1 to \(SearchLimits.maxLimit)") }
            if format != nil && connection.json { throw ValidationError("--json prints the whole answer and --format the hits alone: give one of them") }
        }

        func run() throws {
            let response: NewArticlesResponse
            do {
                response = try connection.client.newArticles(limit: limit, peek: peek)
            } catch {
                throw fail(error)
            }
            if let format {
                writeOutput(HitExport.render(response.hits, as: format))
            } else if connection.json {
                writeOutput(try JSONOutput.encode(response))
            } else {
                writeOutput(ResultFormatter.newArticles(response, style: Environment.outputStyle))
            }
            if response.hits.isEmpty { throw ExitCode(ExitStatus.nothingFound) }
        }
    }
}
