import ArgumentParser
import Glibc
import NewsClient

extension Newsctl {
    struct Story: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a story as a timeline: date, outlet and headline of each report, first report first.",
            discussion: """
                STORY is a story id (shown by `newsctl find`) or, with --article, an article id or path \
                whose story to show. Dates are published dates where the text gives one, else the file's date.
                Exit status: 0 shown, 2 no such story or bad argument, 3 newsd unreachable.
                """
        )

        @OptionGroup var connection: ConnectionOptions

        @Flag(name: .long, help: "STORY names an article (id or path): show the story it belongs to.")
        var article = false

        @Argument(help: "A story id, or with --article an article id or path.")
        var story: String

        func run() throws {
            let client = connection.client
            do {
                let id: Int64
                if article {
                    guard let storyId = try ArticleReference.resolve(story, client).storyId else {
                        writeStandardError("newsctl: that article is not in a story yet (it is still being indexed); try again")
                        throw ExitCode(ExitStatus.usage)
                    }
                    id = storyId
                } else {
                    guard let number = Int64(story), number > 0 else {
                        throw ValidationError("STORY must be a story id (a positive number); to name an article, add --article")
                    }
                    id = number
                }
                let response = try client.story(id: id)
                if connection.json {
                    writeOutput(try JSONOutput.encode(response))
                } else {
                    writeOutput(ResultFormatter.story(response, style: Environment.outputStyle))
                }
            } catch let error as ClientError {
                throw fail(error)
            }
        }
    }

    struct Related: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the articles most similar to one, with a similarity from 0 to 1.",
            discussion: """
                ARTICLE is an id or a path. The similarity is the one stories are decided by (words and \
                names in common); it is symmetric and does not change as other articles arrive. Articles \
                of other stories are listed too, marked when they share the story or are copies.
                Exit status: 0 listed, 1 nothing similar, 2 no such article, 3 newsd unreachable.
                """
        )

        @OptionGroup var connection: ConnectionOptions

        @Option(name: .long, help: "How many to list (1–100).")
        var limit = 10

        @Argument(help: "An article id or path.")
        var article: String

        func validate() throws {
            guard (1...100).contains(limit) else { throw ValidationError("--limit must be from 1 to 100") }
        }

        func run() throws {
            let (article, limit) = (self.article, self.limit)
            let response = try connection.show({ client throws(ClientError) in
                try client.related(id: ArticleReference.resolve(article, client).id, limit: limit)
            }) { ResultFormatter.related($0, style: Environment.outputStyle) }
            if response.related.isEmpty { throw ExitCode(ExitStatus.nothingFound) }
        }
    }
}
