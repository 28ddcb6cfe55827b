import ArgumentParser
import Glibc
import NewsClient
import NewsCore

extension Newsctl {
    struct Watch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print each newly indexed article that matches a query, as it arrives, until interrupted.",
            discussion: """
                The query is written as for find. Only articles indexed after the watch started \
                are printed (find covers the archive); each is matched as it is indexed, not by \
                searching again. With --json, one JSON object per line (the hit, as in find --json). \
                To be told without a terminal open, use an alert (newsctl alert add).
                Exit status: 0 when newsd ends the watch (it stopped), 2 for a bad query, 3 when newsd is unreachable.
                """
        )

        @OptionGroup var connection: ConnectionOptions

        @Argument(help: "The query (see newsctl find --help).")
        var query: [String]

        func validate() throws {
            guard !query.joined().allSatisfy(\.isWhitespace) else { throw ValidationError("give the words to watch for") }
        }

        func run() throws {
            let text = QueryArguments.join(query)
            currentQuery = text
            let style = Environment.outputStyle
            let json = connection.json
            do {
                try connection.client.watch(text, onStart: {
                    // On stderr, so that a pipe gets the matches alone.
                    writeStandardError("watching for \u{201C}\(text)\u{201D}; new matches appear as they arrive (Ctrl-C stops)")
                }, onMatch: { hit in
                    if json {
                        writeOutput((try? JSONOutput.encode(hit)) ?? "")
                    } else {
                        writeOutput(ResultFormatter.hitBlock(hit, label: LocalTimeText.clock(), style: style))
                    }
                    return true
                })
            } catch {
                throw fail(error)
            }
        }
    }
}
