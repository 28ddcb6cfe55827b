import ArgumentParser
import NewsClient
import NewsCore

extension StoryListSort: ExpressibleByArgument {}

extension Newsctl {
    struct Stories: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List stories: id, first and last date, articles, outlets, and the first report's headline.",
            discussion: """
                A story is the reports of one event from any number of outlets (newsd groups them as \
                articles arrive). --since takes a date as since: does in a query: 2024-03, 7d, \
                yesterday, "last week". newsctl story ID prints one story's reports.
                Exit status: 0 with stories, 1 when none match, 2 for a bad option, 3 when newsd is unreachable.
                """
        )

        @OptionGroup var connection: ConnectionOptions

        @Option(name: .long, help: ArgumentHelp("Only stories with a report dated on or after this day (2024-03-01, 7d, \"last week\").", valueName: "date"))
        var since: String?

        @Option(name: .long, help: "Order: latest (latest report first), size (most articles) or outlets (most outlets).")
        var sort: StoryListSort = .latest

        @Option(name: .customLong("min-articles"), help: ArgumentHelp("Only stories of at least N articles (1 lists single reports too).", valueName: "N"))
        var minArticles = 2

        @Option(name: .long, help: "Stories to show (1–1000).")
        var limit = 20

        func validate() throws {
            guard (1...1000).contains(limit) else { throw ValidationError("--limit must be from 1 to 1000") }
            guard minArticles >= 1 else { throw ValidationError("--min-articles must be at least 1") }
        }

        func run() throws {
            let (since, minArticles, sort, limit) = (self.since, self.minArticles, self.sort, self.limit)
            let response = try connection.show({ client throws(ClientError) in
                try client.stories(since: since, minArticles: minArticles, sort: sort, limit: limit)
            }) { ResultFormatter.storyList($0, style: Environment.outputStyle) }
            if response.stories.isEmpty { throw ExitCode(ExitStatus.nothingFound) }
        }
    }
}
