import ArgumentParser
import Glibc
import NewsClient

extension Newsctl {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print one whole article with its metadata.",
            discussion: """
                ARTICLE is an id (as `newsctl find` prints it) or a path: relative to the inbox, \
                or an absolute path inside it. The body shown is the indexed one (boilerplate and repeated \
                paragraphs left out); --raw prints the file exactly as it is on disk.
                Exit status: 0 shown, 2 no such article or bad argument, 3 newsd unreachable.
                """
        )

        @OptionGroup var connection: ConnectionOptions

        @Flag(name: .long, help: "Print the file's bytes as they are, without metadata.")
        var raw = false

        @Argument(help: "An article id or a path.")
        var article: String

        func run() throws {
            let client = connection.client
            do {
                let found = try resolve(client)
                if raw {
                    let bytes = try client.rawArticle(id: found.id)
                    writeOutput(bytes)
                } else if connection.json {
                    writeOutput(try JSONOutput.encode(found))
                } else {
                    let style = Environment.outputStyle
                    writeOutput(ResultFormatter.article(found, style: style))
                }
            } catch let error as ClientError {
                throw fail(error)
            }
        }

        private func resolve(_ client: NewsClient) throws(ClientError) -> ArticleResponse {
            try ArticleReference.resolve(article, client)
        }

    }
}

/// An article named on the command line: an id, a path relative to the inbox, or a path
/// (absolute or from the current folder) inside the inbox.
enum ArticleReference {
    static func resolve(_ argument: String, _ client: NewsClient) throws(ClientError) -> ArticleResponse {
        if let id = Int64(argument), id > 0 { return try client.article(id: id) }
        do {
            return try client.article(path: argument)
        } catch {
            guard let absolute = absolutePath(argument) else { throw error }
            let inbox = try client.status().inbox
            guard absolute.hasPrefix(inbox + "/") else { throw error }
            return try client.article(path: String(absolute.dropFirst(inbox.count + 1)))
        }
    }

    private static func absolutePath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
