import ArgumentParser
import NewsClient

extension Newsctl {
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what newsd is doing: inbox, article count, pending, failed, index size, uptime."
        )

        @OptionGroup var connection: ConnectionOptions

        func run() throws {
            let socket = connection.socketPath
            try connection.show({ client throws(ClientError) in try client.status() }) { ResultFormatter.status($0, socket: socket) }
        }
    }
}
