/// Renders API answers as the text newsctl prints. Pure, so the output is golden-tested.
public enum ResultFormatter {
    /// `newsctl status`.
    public static func status(_ status: StatusResponse, socket: String) -> String {
        var state = status.state
        if let error = status.error { state += " (\(error))" }
        if status.state == "indexing" { state += " (\(status.pending) pending)" }
        if let progress = status.progress { state += " " + self.progress(progress) }
        var notes = ""
        for folder in status.unwatched { notes += "  not watched: \(folder.path): \(folder.reason)\n" }
        let outlets = status.outlets.isEmpty ? "" : "\n  outlets:   " + status.outlets.map { "\($0.outlet) \($0.articles)" }.joined(separator: ", ")
        let languages = status.languages.isEmpty ? "" : "\n  languages: " + status.languages.map { "\($0.language) \($0.articles)" }.joined(separator: ", ")
        let ignored = status.ignored == 0 ? "" : "\n  ignored:   \(status.ignored) (not an article format; newsctl failures --ignored)"
        var archive = ""
        if let shared = status.archive {
            archive = "\n  archive:   \(shared.backend) \(shared.database) (this host: \(shared.host))"
            for host in shared.hosts {
                archive += "\n    \(host.host): \(host.files) \(host.files == 1 ? "file" : "files"), \(host.failed) failed"
            }
            if let replica = shared.replica {
                archive += "\n  replica:   \(replica.database)"
                if let error = replica.error {
                    archive += " (unknown lag: \(error))"
                } else if let bytes = replica.lagBytes {
                    archive += bytes == 0 ? " (caught up)" : " (\(byteCount(bytes)) behind, last replayed \(duration(replica.lagSeconds ?? 0)) ago)"
                }
            }
        }
        let indexLine = status.archive == nil ? "index:     \(byteCount(status.indexBytes))" : "database:  \(byteCount(status.indexBytes))"
        return """
        newsd \(status.version): \(state)
          inbox:     \(status.inbox)
          articles:  \(status.articles) (\(status.files) \(status.files == 1 ? "file" : "files"))
          stories:   \(status.stories)\(status.unplaced > 0 ? " (\(status.unplaced) articles being placed)" : "")\(outlets)\(languages)
          pending:   \(status.pending)
          failed:    \(status.failed)\(ignored)
          \(indexLine)\(archive)
          uptime:    \(duration(status.uptimeSeconds))
          socket:    \(socket)

        """ + notes
    }

    /// `done/total (NN%), N/s, ETA Ns` for a reconciliation or reindex.
    public static func progress(_ progress: ProgressInfo) -> String {
        let percent = progress.total == 0 ? 100 : progress.done * 100 / progress.total
        var text = "\(progress.done)/\(progress.total) (\(percent)%)"
        if progress.elapsedSeconds > 0 && progress.done > 0 {
            let rate = Double(progress.done) / progress.elapsedSeconds
            text += ", \(Int(rate.rounded()))/s"
            if progress.done < progress.total {
                text += ", ETA \(duration(Double(progress.total - progress.done) / rate))"
            }
        }
        return text
    }

    /// `newsctl failures`: one line per file, `path: reason [code]`.
    public static func failures(_ response: FailuresResponse, ignored: Bool = false) -> String {
        if ignored {
            guard !response.failures.isEmpty else { return "no ignored files: every file in the inbox is of a format newsd reads\n" }
            var out = ""
            for failure in response.failures { out += "\(failure.path): \(failure.reason)\n" }
            if response.total > response.failures.count { out += "… and \(response.total - response.failures.count) more\n" }
            return out
        }
        guard !response.failures.isEmpty else { return "no failures: every article file in the inbox is indexed\n" }
        var out = ""
        for failure in response.failures { out += "\(failure.path): \(failure.reason) [\(failure.code)]\n" }
        if response.total > response.failures.count { out += "… and \(response.total - response.failures.count) more\n" }
        out += "\nA failed file is retried as soon as it changes (fix it, or touch it after fixing its permissions).\n"
        return out
    }

    /// Said above hits that hold only some of a query's words.
    public static let partialNote = "no article has every word; showing the best partial matches"

    /// `newsctl find`: one block per hit (rank and headline; outlet, date and path; snippet), then a count line.
    public static func search(_ response: SearchResponse, style: OutputStyle) -> String {
        guard !response.hits.isEmpty else {
            return response.total == 0 ? "no articles match \u{201C}\(response.query)\u{201D}\n"
                                       : "no more hits: \(response.total) in all, offset \(response.offset)\n"
        }
        var out = response.partial == true ? style.dim(Self.partialNote) + "\n\n" : ""
        out += hitBlocks(response.hits, group: response.group, style: style)
        let last = response.offset + response.hits.count
        let order = switch response.sort {
        case .relevance: "best match first"
        case .coverage: "most outlets first"
        case .added: "latest arrival first"
        default: "\(response.sort.rawValue) first"
        }
        let noun = response.group == .stories ? (response.total == 1 ? "story" : "stories") : (response.total == 1 ? "article" : "articles")
        out += "\n\(response.offset + 1)–\(last) of \(response.total) \(noun), \(order)\n"
        if last < response.total { out += "next page: --offset \(last)\n" }
        return out
    }

    /// Hits as `find` shows them, one block each (rank and headline; outlet, date, path and
    /// story; snippet), without a footer.
    public static func hitBlocks(_ hits: [SearchHit], group: SearchGrouping = .copies, style: OutputStyle) -> String {
        hits.map { hitBlock($0, label: "\($0.rank).", group: group, style: style) }.joined()
    }

    /// One hit: `label` (its rank, or for `watch` the time it arrived) and headline, then its
    /// facts and snippet indented below.
    public static func hitBlock(_ hit: SearchHit, label: String, group: SearchGrouping = .copies, style: OutputStyle) -> String {
        var out = "\(label) \(style.bold(hit.title))\n"
        var facts: [String] = []
        if let outlet = hit.outlet { facts.append(outlet) }
        if hit.dateSource != .file { facts.append(dateText(hit.date, hit.dateSource)) }
        var place = hit.path
        let copies = hit.paths.count - 1 + hit.copies
        if copies > 0 { place += " (+\(copies) \(copies == 1 ? "copy" : "copies"))" }
        facts.append(place)
        facts.append("id \(hit.id)")
        if let story = hit.story, story.articles > 1 || group == .stories {
            var text = "story \(story.id): \(story.articles) \(story.articles == 1 ? "article" : "articles"), "
            text += story.outlets == 0 ? "outlet unknown" : "\(story.outlets) \(story.outlets == 1 ? "outlet" : "outlets")"
            if let matching = hit.storyHits, group == .stories { text += ", \(matching) matching" }
            facts.append(text)
        }
        out += "   " + style.dim(facts.joined(separator: " · ")) + "\n"
        if !hit.snippet.isEmpty { out += "   \(highlighted(oneLine(hit.snippet), hit.highlights, style: style))\n" }
        return out
    }

    /// `newsctl alert list`: one line per alert.
    public static func alertList(_ response: AlertListResponse) -> String {
        guard !response.alerts.isEmpty else { return "no alerts; add one with newsctl alert add NAME QUERY\n" }
        return response.alerts.map { alert in
            let matches = alert.matches == 1 ? "1 match" : "\(alert.matches) matches"
            let last = alert.lastMatchAt.map { ", last \(LocalTimeText.minute($0))" } ?? ""
            // On a shared archive: which host announces it.
            let host = alert.host.map { ", announced by \($0)" } ?? ""
            return "\(alert.name): \(alert.query)  (\(matches)\(last)\(host))\n"
        }.joined()
    }

    /// `newsctl alert show`: the alert, then its matches as `find` shows them.
    public static func alert(_ response: AlertResponse, style: OutputStyle) -> String {
        let alert = response.alert
        var out = "\(style.bold(alert.name)): \(alert.query)\n"
        out += "added \(LocalTimeText.minute(alert.createdAt)); \(alert.matches) \(alert.matches == 1 ? "match" : "matches")\n\n"
        if response.hits.isEmpty { return out + "no article has matched yet\n" }
        out += hitBlocks(response.hits, style: style)
        if alert.matches > response.hits.count { out += "\n(the latest \(response.hits.count) of \(alert.matches); --limit shows more)\n" }
        return out
    }

    /// `newsctl timeline`: a bar chart of the matching articles per period (one per outlet with
    /// `--by-outlet`), with what it leaves out.
    public static func timeline(_ response: TimelineResponse, style: OutputStyle) -> String {
        let undated = response.undated == 0 ? "" : "; \(response.undated) without a date of their own not shown"
        var out = "Articles matching \u{201C}\(response.query)\u{201D} per \(response.by.rawValue): \(response.total) dated\(undated)\n"
        guard !response.rows.isEmpty else { return out }
        if !response.byOutlet {
            return out + "\n" + BarChart.render(response.rows.map { (label: $0.start, count: $0.count) }, width: style.width, ascii: style.ascii)
        }
        var outlets: [(name: String?, rows: [TimelineResponse.Row])] = []
        for row in response.rows {
            if let last = outlets.last, last.name == row.outlet { outlets[outlets.count - 1].rows.append(row) } else { outlets.append((row.outlet, [row])) }
        }
        for outlet in outlets {
            out += "\n" + style.bold(outlet.name ?? "unknown outlet") + " (\(outlet.rows.reduce(0) { $0 + $1.count })):\n"
            out += BarChart.render(outlet.rows.map { (label: $0.start, count: $0.count) }, width: style.width, ascii: style.ascii)
        }
        return out
    }

    /// `newsctl timeline --csv`: `start,count`, or `start,outlet,count` per outlet (RFC 4180).
    public static func timelineCSV(_ response: TimelineResponse) -> String {
        var out = response.byOutlet ? "start,outlet,count\r\n" : "start,count\r\n"
        for row in response.rows {
            out += response.byOutlet ? "\(row.start),\(HitExport.csvField(row.outlet ?? "")),\(row.count)\r\n" : "\(row.start),\(row.count)\r\n"
        }
        return out
    }

    /// `newsctl stories`: one line per story — id, first and last date, articles, outlets, the
    /// first report's headline — in columns, then a count line.
    public static func storyList(_ response: StoryListResponse, style: OutputStyle) -> String {
        let period = response.since.map { " since \($0)" } ?? ""
        guard !response.stories.isEmpty else { return "no stories\(period)\n" }
        let idWidth = response.stories.map { String($0.story.id).count }.max() ?? 1
        let articleWidth = response.stories.map { String($0.story.articles).count }.max() ?? 1
        let outletWidth = response.stories.map { String($0.story.outlets).count }.max() ?? 1
        func pad(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }
        var out = ""
        for entry in response.stories {
            let story = entry.story
            let span = story.firstDate == story.lastDate ? story.firstDate + "             " : "\(story.firstDate) – \(story.lastDate)"
            out += "\(pad(String(story.id), idWidth))  \(span)  \(pad(String(story.articles), articleWidth)) \(story.articles == 1 ? "article " : "articles")"
            out += "  \(pad(String(story.outlets), outletWidth)) \(story.outlets == 1 ? "outlet " : "outlets")  \(style.bold(oneLine(entry.headline)))\n"
        }
        let order = switch response.sort {
        case .latest: "latest report first"
        case .size: "most articles first"
        case .outlets: "most outlets first"
        }
        out += "\n\(response.stories.count) of \(response.total) \(response.total == 1 ? "story" : "stories")\(period), \(order); newsctl story ID shows one\n"
        return out
    }

    /// `newsctl new`: since when, then the hits as `find` shows them.
    public static func newArticles(_ response: NewArticlesResponse, style: OutputStyle) -> String {
        guard !response.hits.isEmpty else {
            return response.firstLook ? "nothing arrived in the last day\n" : "nothing new since your last look (\(response.sinceText))\n"
        }
        let noun = response.total == 1 ? "article" : "articles"
        var out = response.firstLook ? "\(response.total) \(noun) arrived in the last day (your first look)\n\n"
                                     : "\(response.total) \(noun) arrived since your last look (\(response.sinceText))\n\n"
        out += hitBlocks(response.hits, style: style)
        if response.total > response.hits.count {
            out += "\n… and \(response.total - response.hits.count) more: newsctl find '\(response.allQuery)' --sort added\n"
        }
        return out
    }

    /// `newsctl show`: the metadata, then the indexed text.
    public static func article(_ article: ArticleResponse, style: OutputStyle) -> String {
        var out = style.bold(article.title) + "\n\n"
        if let outlet = article.outlet { out += "Outlet:  \(outlet)\n" }
        if let byline = article.byline { out += "Byline:  \(byline)\n" }
        switch article.dateSource {
        case .published: out += "Date:    \(article.date)\n"
        case .inferred: out += "Date:    \(dateText(article.date, .inferred)) (the text gives day and month; the year is the file's)\n"
        case .file: out += "Date:    \(article.date) (the file's date; the text gives none)\n"
        }
        if let url = article.url { out += "URL:     \(url)\n" }
        if let language = article.language { out += "Lang:    \(language)\n" }
        out += "Words:   \(article.wordCount)\n"
        out += (article.paths.count == 1 ? "Path:    " : "Paths:   ") + article.paths.joined(separator: "\n         ") + "\n"
        out += "Id:      \(article.id)\n"
        if let story = article.storyId { out += "Story:   \(story)" + (article.copyOf.map { " (a copy of article \($0)\(article.copySimilarity.map { ", \(Int(($0 * 100).rounded()))% alike" } ?? ""))" } ?? "") + "\n" }
        if article.encoding == TextEncoding.declared.rawValue {
            out += "Encoding: the charset the file declares (not UTF-8)\n"
        } else if article.encoding != TextEncoding.utf8.rawValue {
            out += "Encoding: \(article.encoding) (the file is not UTF-8)\n"
        }
        out += "\n" + article.body + "\n"
        return out
    }

    /// A date with its certainty: "2024-03-31", or "2024-03-31 (year?)" when the year was inferred.
    public static func dateText(_ date: String, _ source: DateSource) -> String {
        source == .inferred ? "\(date) (year?)" : date
    }

    /// `newsctl story`: the story's size and dates, then one line per report, oldest first.
    public static func story(_ response: StoryResponse, style: OutputStyle) -> String {
        let story = response.story
        var out = style.bold("Story \(story.id)") + ": \(story.articles) \(story.articles == 1 ? "article" : "articles") from "
        out += "\(story.outlets) \(story.outlets == 1 ? "outlet" : "outlets"), "
        out += story.firstDate == story.lastDate ? "\(story.firstDate)\n\n" : "\(story.firstDate) to \(story.lastDate)\n\n"
        let outletWidth = min(24, response.timeline.map { ($0.outlet ?? "unknown outlet").count }.max() ?? 0)
        for (place, entry) in response.timeline.enumerated() {
            let outlet = entry.outlet ?? "unknown outlet"
            let padded = outlet + String(repeating: " ", count: max(0, outletWidth - outlet.count))
            var line = "\(entry.dateSource == .inferred ? entry.date + "?" : entry.date)  \(padded)  \(entry.title)"
            if place == 0 && response.timeline.count > 1 { line += "  " + style.bold("(first)") }
            out += line + "\n"
            var detail = "            \(entry.path) · id \(entry.id)"
            if entry.dateSource == .file { detail += " · file date" }
            if entry.dateSource == .inferred { detail += " · year inferred" }
            if let copy = entry.copyOf { detail += " · copy of \(copy)" }
            out += style.dim(detail) + "\n"
        }
        // How coverage grew, day by day (week by week for a long story), by the reports' own dates.
        var dayCounts: [String: Int] = [:]
        for entry in response.timeline where entry.dateSource != .file { dayCounts[entry.date, default: 0] += 1 }
        if response.timeline.count > 1 && !dayCounts.isEmpty {
            let period = CoverageBuckets.fitting(dayCounts, preferred: .day)
            out += "\nReports per \(period.rawValue):\n"
            out += BarChart.render(CoverageBuckets.buckets(dayCounts, by: period).map { (label: $0.start, count: $0.count) },
                                   width: style.width, ascii: style.ascii)
        }
        return out
    }

    /// `newsctl related`: similarity, headline, outlet and date, path and id.
    public static func related(_ response: RelatedResponse, style: OutputStyle) -> String {
        guard !response.related.isEmpty else { return "no articles resemble \u{201C}\(response.title)\u{201D}\n" }
        var out = "Related to \(style.bold(response.title)) (id \(response.id)):\n\n"
        for entry in response.related {
            var marks: [String] = []
            if entry.copy { marks.append("copy") } else if entry.sameStory { marks.append("same story") }
            let score = String(Int((entry.similarity * 100).rounded()))
            out += "\(score.count < 3 ? String(repeating: " ", count: 3 - score.count) : "")\(score)%  \(entry.title)"
            out += marks.isEmpty ? "\n" : "  [\(marks.joined(separator: ", "))]\n"
            var facts = [entry.outlet, entry.date, entry.path, "id \(entry.id)"].compactMap { $0 }
            if let story = entry.storyId { facts.append("story \(story)") }
            out += "      " + style.dim(facts.joined(separator: " · ")) + "\n"
        }
        return out
    }

    /// Snippets keep paragraph breaks from the body; a result line should not.
    static func oneLine(_ snippet: String) -> String {
        String(String.UnicodeScalarView(snippet.unicodeScalars.map { $0 == "\n" ? " " : $0 }))
    }

    /// Applies highlight spans (in scalars) to a snippet: bold on a terminal, unchanged when plain.
    public static func highlighted(_ snippet: String, _ highlights: [Highlight], style: OutputStyle) -> String {
        guard style.emphasis, !highlights.isEmpty else { return snippet }
        let scalars = Array(snippet.unicodeScalars)
        var out = String.UnicodeScalarView()
        var cursor = 0
        for span in highlights.sorted(by: { $0.start < $1.start }) {
            let start = max(cursor, min(span.start, scalars.count))
            let end = min(scalars.count, span.start + span.length)
            guard end > start else { continue }
            out.append(contentsOf: scalars[cursor..<start])
            out.append(contentsOf: style.bold(String(String.UnicodeScalarView(scalars[start..<end]))).unicodeScalars)
            cursor = end
        }
        out.append(contentsOf: scalars[cursor...])
        return String(out)
    }

    static func formatScore(_ score: Double) -> String {
        let hundredths = Int((score * 100).rounded())
        let fraction = abs(hundredths % 100)
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    static func byteCount(_ bytes: Int64) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        if unit == 0 { return "\(bytes) bytes" }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }

    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds)
        let (days, hours, minutes, secs) = (total / 86_400, total / 3600 % 24, total / 60 % 60, total % 60)
        if days > 0 { return "\(days)d \(hours)h \(minutes)m" }
        if hours > 0 { return "\(hours)h \(minutes)m \(secs)s" }
        if minutes > 0 { return "\(minutes)m \(secs)s" }
        return "\(secs)s"
    }
}
