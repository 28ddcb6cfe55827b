import ArgumentParser
import NewsClient
import NewsCore

extension Newsctl {
    struct Alert: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Keep standing queries that newsd matches against every new article.",
            discussion: """
                Each article indexed after an alert was added and matching its query is recorded \
                once, logged to the journal (journalctl NEWSD_EVENT=alert ALERT=NAME) and, when \
                alert_command is set in newsd's configuration, passed to that command as JSON. \
                Alerts are kept in the index: they survive restarts, and files dropped while newsd \
                was down fire them when it starts.
                """,
            subcommands: [Add.self, List.self, Show.self, Remove.self]
        )

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add an alert: NAME (letters, digits, - _ .) and a query written as for find.",
                discussion: "Example: newsctl alert add opec-cuts opec output -forecast since:2026"
            )

            @OptionGroup var connection: ConnectionOptions

            @Argument(help: "The alert's name.")
            var name: String

            @Argument(help: "The query (see newsctl find --help).")
            var query: [String]

            func validate() throws {
                if let problem = AlertName.problem(name) { throw ValidationError(problem) }
                guard !query.joined().allSatisfy(\.isWhitespace) else { throw ValidationError("give the query the alert matches") }
            }

            func run() throws {
                let text = QueryArguments.join(query)
                currentQuery = text
                try connection.show({ client throws(ClientError) in try client.addAlert(name: name, query: text) }) { alert in
                    "added alert '\(alert.name)': \(alert.query)\nit matches articles indexed from now on; newsctl alert show \(alert.name) lists them\n"
                }
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List the alerts, with how often and when each last matched.")

            @OptionGroup var connection: ConnectionOptions

            func run() throws {
                try connection.show({ client throws(ClientError) in try client.alerts() }) { ResultFormatter.alertList($0) }
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Show an alert and the articles it matched, latest first.")

            @OptionGroup var connection: ConnectionOptions

            @Option(name: .long, help: "Matches to show (1–1000).")
            var limit = 20

            @Argument(help: "The alert's name.")
            var name: String

            func validate() throws {
                guard (1...1000).contains(limit) else { throw ValidationError("--limit must be from 1 to 1000") }
            }

            func run() throws {
                try connection.show({ client throws(ClientError) in try client.alert(name: name, limit: limit) }) { ResultFormatter.alert($0, style: Environment.outputStyle) }
            }
        }

        struct Remove: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Remove an alert and the record of its matches.")

            @OptionGroup var connection: ConnectionOptions

            @Argument(help: "The alert's name.")
            var name: String

            func run() throws {
                try connection.show({ client throws(ClientError) in try client.removeAlert(name: name) }) { "\($0.message)\n" }
            }
        }
    }
}
