import ArgumentParser
import Glibc
import NewsClient

extension Newsctl {
    struct Find: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Search the articles; ranked hits with a highlighted snippet.",
            discussion: """
                All words must match, in the headline or the body; matching is case- and \
                accent-insensitive and stemmed (bounty finds bounties).
                  "exact phrase"   words next to each other, in order
                  prefix*          words starting with prefix
                Exit status: 0 with hits, 1 when nothing matches, 2 for a bad query, 3 when newsd is unreachable.
                """
        )

        @OptionGroup var connection: ConnectionOptions

        @Option(name: .long, help: "Hits to show (1–\(SearchLimits.maxLimit)).")
        var limit = SearchLimits.defaultLimit

        @Option(name: .long, help: "Hits to skip, for the next page.")
        var offset = 0

        @Argument(help: "The query words.")
        var query: [String]

        func validate() throws {
            guard (1...SearchLimits.maxLimit).contains(limit) else {
                throw ValidationError("--limit must be from 1 to \(SearchLimits.maxLimit)")
            }
            guard offset >= 0 else { throw ValidationError("--offset must not be negative") }
            guard !query.joined().allSatisfy(\.isWhitespace) else { throw ValidationError("give the words to search for") }
        }

        func run() throws {
            let response: SearchResponse
            let text = query.joined(separator: " ")
            currentQuery = text
            do {
                response = try connection.client.search(text, limit: limit, offset: offset)
            } catch {
                throw fail(error)
            }
            if connection.json {
                writeOutput(try JSONOutput.encode(response))
            } else {
                let style = OutputStyle.detect(isTerminal: isatty(1) == 1, environment: Environment.all)
                writeOutput(ResultFormatter.search(response, style: style))
            }
            if response.hits.isEmpty { throw ExitCode(ExitStatus.nothingFound) }
        }
    }
}
