import ArgumentParser
import Glibc
import NewsClient

extension SearchSort: ExpressibleByArgument {}
extension ExportFormat: ExpressibleByArgument {}

extension Newsctl {
    struct Find: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Search the articles; ranked hits with a highlighted snippet.",
            discussion: """
                All words must match, in the headline or the body; matching is case- and \
                accent-insensitive and stemmed (bounty finds bounties). Full guide: docs/query.md.
                  word word        both words (AND is implied; writing AND is allowed)
                  "exact phrase"   words next to each other, in order
                  a OR b           either (OR binds looser than the implied AND)
                  -word  -"phrase" NOT word   leave out articles that match
                  ( … )            grouping: (russia OR moscow) -ukraine
                  prefix*          words starting with prefix
                  NEAR(a b, 5)     a and b at most 5 words apart (default 10)
                  title:  body:  outlet:  byline:   search one field: title:(taliban OR bounty)
                  path:world/europe                 files in a folder of the inbox (or a glob: path:*/2020-*)
                  since:2020-06-01  until:2020-07  date:2020-06  date:2017..2019
                                   by the published date, else the file's date; YYYY, YYYY-MM or YYYY-MM-DD,
                                   or relative: today, yesterday, 7d, 2w, 3m, 1y, "last week" (since:7d)
                  added:>2h  added:today          when the article arrived in the index (min, h, d, w)
                Near-duplicates (syndicated copies, light edits) show once, with "+N copies". --stories \
                shows one hit per story instead: the best-matching report, with how many articles and \
                outlets carry it; --min-outlets N keeps stories carried by at least N outlets.
                Several words are one query, quoted together or not: newsctl find russia taliban \
                -bounty is newsctl find 'russia taliban -bounty'. Words after the first may start \
                with '-' (they are left out, not options; '--' still ends the options). A phrase needs \
                its double quotes to reach newsctl, so quote it for the shell: \
                newsctl find '"new york"' -trump, or the whole query: newsctl find 'title:"new york" -trump'.
                Exit status: 0 with hits, 1 when nothing matches, 2 for a bad query, 3 when newsd is unreachable.
                """
        )

        @OptionGroup var connection: ConnectionOptions

        @Option(name: .long, help: "Order: relevance (ties: newer first), newest, oldest (articles without a date last), added (latest arrival first), or coverage (stories with most outlets first).")
        var sort: SearchSort = .relevance

        @Flag(name: .long, help: "One hit per story instead of one per article.")
        var stories = false

        @Option(name: .customLong("min-outlets"), help: ArgumentHelp("Only stories carried by at least N outlets.", valueName: "N"))
        var minOutlets: Int?

        @Option(name: .long, help: "Hits to show (1–\(SearchLimits.maxLimit)).")
        var limit = SearchLimits.defaultLimit

        @Option(name: .long, help: "Hits to skip, for the next page.")
        var offset = 0

        @Option(name: .long, help: ArgumentHelp(
            "Write the hits for other tools: csv, tsv, markdown, json (one record per hit), or cite (one citation line per hit). Columns: rank, date, date_certainty, outlet, byline, headline, url, path, id.",
            valueName: "format"))
        var format: ExportFormat?

        @Argument(help: "The query (see above).")
        var query: [String]

        func validate() throws {
            guard (1...SearchLimits.maxLimit).contains(limit) else {
                throw ValidationError("--limit must be from 1 to \(SearchLimits.maxLimit)")
            }
            guard offset >= 0 else { throw ValidationError("--offset must not be negative") }
            if format != nil && connection.json { throw ValidationError("--json prints the whole answer and --format the hits alone: give one of them") }
            if let minOutlets, !(1...1000).contains(minOutlets) { throw ValidationError("--min-outlets must be from 1 to 1000") }
            guard !query.joined().allSatisfy(\.isWhitespace) else { throw ValidationError("give the words to search for") }
        }

        func run() throws {
            let response: SearchResponse
            let text = QueryArguments.join(query)
            currentQuery = text
            do {
                response = try connection.client.search(text, sort: sort, group: stories ? .stories : .copies, minOutlets: minOutlets,
                                                        limit: limit, offset: offset)
            } catch {
                throw fail(error)
            }
            if let format {
                // The hits alone on stdout; what they are, for whoever reads the terminal.
                if response.partial == true { writeStandardError("newsctl: " + ResultFormatter.partialNote) }
                writeOutput(HitExport.render(response.hits, as: format))
            } else if connection.json {
                writeOutput(try JSONOutput.encode(response))
            } else {
                let style = Environment.outputStyle
                writeOutput(ResultFormatter.search(response, style: style))
            }
            if response.hits.isEmpty { throw ExitCode(ExitStatus.nothingFound) }
        }
    }
}
