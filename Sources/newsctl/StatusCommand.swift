import ArgumentParser
import NewsClient

extension Newsctl {
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what newsd is doing: inbox, article count, pending, failed, index size, uptime."
        )

        @OptionGroup var connection: ConnectionOptions

        func run() throws {
            let status: StatusResponse
            do {
                status = try connection.client.status()
            } catch {
                throw fail(error)
            }
            if connection.json {
                writeOutput(try JSONOutput.encode(status))
            } else {
                writeOutput(ResultFormatter.status(status, socket: connection.socketPath))
            }
        }
    }
}
