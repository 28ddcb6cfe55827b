import Foundation
import NewsCore

/// The formats `newsctl find --format` writes hits in, for spreadsheets, notes and citations.
public enum ExportFormat: String, CaseIterable, Sendable {
    /// RFC 4180: a header row, fields quoted when they hold a comma, quote or line break, CRLF lines.
    case csv
    /// Tab-separated values (IANA `text/tab-separated-values`): a header row; tabs and line
    /// breaks inside a field become spaces, since the format has no escapes.
    case tsv
    /// A Markdown table (GitHub-flavoured): the headline links to the article's address when known.
    case markdown
    /// A JSON array of one object per hit, with the same fields as the columns.
    case json
    /// One citation line per hit: byline, headline, outlet, date, address (or inbox path).
    case cite
}

/// Hits as exported rows: pure, so every format is golden-tested.
public enum HitExport {
    /// The columns, in order: what citing a hit needs, and how to find it again.
    public static let columns = ["rank", "date", "date_certainty", "outlet", "byline", "headline", "url", "path", "id"]

    /// One hit's fields in `columns` order (an absent value is empty).
    public static func fields(_ hit: SearchHit) -> [String] {
        [String(hit.rank), hit.date, hit.dateSource.rawValue, hit.outlet ?? "", hit.byline ?? "", hit.title, hit.url ?? "", hit.path, String(hit.id)]
    }

    /// The hits in `format`: nothing else (no colour, no count line), so that pipes stay clean.
    public static func render(_ hits: [SearchHit], as format: ExportFormat) -> String {
        switch format {
        case .csv:
            return ([columns] + hits.map(fields)).map { $0.map(csvField).joined(separator: ",") + "\r\n" }.joined()
        case .tsv:
            return ([columns] + hits.map(fields)).map { $0.map(tsvField).joined(separator: "\t") + "\n" }.joined()
        case .markdown:
            return markdown(hits)
        case .json:
            return json(hits)
        case .cite:
            return hits.map { citation($0) + "\n" }.joined()
        }
    }

    /// A CSV field, quoted when it holds a comma, quote or line break (RFC 4180).
    public static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func tsvField(_ text: String) -> String {
        String(text.map { $0 == "\t" || $0.isNewline ? " " : $0 })
    }

    private static func markdownCell(_ text: String) -> String {
        var cell = ""
        for character in text {
            if character.isNewline { cell += " " } else if "|\\`*_[]<>".contains(character) { cell += "\\" + String(character) } else { cell.append(character) }
        }
        return cell
    }

    private static func markdown(_ hits: [SearchHit]) -> String {
        var out = "| # | Date | Outlet | Headline | Byline | Path | Id |\n|---:|---|---|---|---|---|---:|\n"
        for hit in hits {
            var headline = markdownCell(hit.title)
            if let url = hit.url, let address = URL(string: url), address.scheme == "http" || address.scheme == "https" {
                headline = "[\(headline)](<\(url.replacingOccurrences(of: ">", with: "%3E"))>)"
            }
            let cells = [String(hit.rank), markdownCell(ResultFormatter.dateText(hit.date, hit.dateSource) + (hit.dateSource == .file ? " (file)" : "")),
                         markdownCell(hit.outlet ?? ""), headline, markdownCell(hit.byline ?? ""), markdownCell(hit.path), String(hit.id)]
            out += "| " + cells.joined(separator: " | ") + " |\n"
        }
        return out
    }

    /// The JSON form of one exported hit.
    struct Record: Encodable {
        var rank: Int, date: String, date_certainty: String, outlet: String?, byline: String?, headline: String, url: String?, path: String, id: Int64
    }

    private static func json(_ hits: [SearchHit]) -> String {
        let records = hits.map { Record(rank: $0.rank, date: $0.date, date_certainty: $0.dateSource.rawValue, outlet: $0.outlet, byline: $0.byline,
                                        headline: $0.title, url: $0.url, path: $0.path, id: $0.id) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return ((try? encoder.encode(records)).map { String(decoding: $0, as: UTF8.self) } ?? "[]") + "\n"
    }

    /// `Byline. "Headline." Outlet, 2 March 2024. https://…` — parts the article lacks are left
    /// out; an inferred year is marked, and a file's date is given as when it was saved.
    public static func citation(_ hit: SearchHit) -> String {
        var parts: [String] = []
        if let byline = hit.byline.map(oneLine), !byline.isEmpty { parts.append(byline.hasSuffix(".") ? byline : byline + ".") }
        let title = oneLine(hit.title)
        parts.append("\u{201C}" + title + (title.last.map { ".?!".contains($0) } == true ? "" : ".") + "\u{201D}")
        var source = hit.outlet.map(oneLine) ?? ""
        let day = longDate(hit.date)
        switch hit.dateSource {
        case .published: source += (source.isEmpty ? "" : ", ") + day
        case .inferred: source += (source.isEmpty ? "" : ", ") + day + " (year inferred)"
        case .file: source += (source.isEmpty ? "" : ", ") + "undated (saved \(day))"
        }
        parts.append(source + ".")
        parts.append(oneLine(hit.url ?? "Inbox: \(hit.path)"))
        return parts.joined(separator: " ")
    }

    /// Line breaks as spaces, ends trimmed: a citation is one line.
    private static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 }).trimmingCharacters(in: .whitespaces)
    }

    private static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                                     "October", "November", "December"]

    /// `2024-03-02` as `2 March 2024` (anything else as it is).
    static func longDate(_ iso: String) -> String {
        guard let day = CalendarDay(iso: iso) else { return iso }
        return "\(day.day) \(monthNames[day.month - 1]) \(day.year)"
    }
}
