import Foundation
import NewsClient
import NewsCore
import Testing

@Suite("newsctl find --format")
struct HitExportTests {
    /// Hits with every awkward value a field can hold: commas, quotes, line breaks, tabs, pipes,
    /// non-ASCII text, and absent outlet, byline and address.
    static let hits = [
        SearchHit(rank: 1, id: 42, path: "wires/ap, 2024.txt", paths: ["wires/ap, 2024.txt"], title: "Port strike: \"no deal\" yet, union says",
                  outlet: "AP", byline: "Maria Núñez, Tom O'Hara", date: "2024-03-02", dateSource: .published,
                  url: "https://apnews.example/article/port-strike", score: 1, snippet: "", highlights: []),
        SearchHit(rank: 2, id: 7, path: "notes/tab\there.md", paths: ["notes/tab\there.md"], title: "Line one\nline two | piped",
                  date: "2024-03-01", dateSource: .inferred, score: 0.5, snippet: "", highlights: []),
        SearchHit(rank: 3, id: 9, path: "saved.txt", paths: ["saved.txt"], title: "Untitled draft", outlet: "Le Monde",
                  date: "2026-11-30", dateSource: .file, score: 0.2, snippet: "", highlights: []),
    ]

    @Test("CSV parses with an RFC 4180 parser and gives back every field exactly")
    func csvRoundTrip() throws {
        let text = HitExport.render(Self.hits, as: .csv)
        let rows = try RFC4180.parse(text)
        #expect(rows.first == HitExport.columns)
        #expect(Array(rows.dropFirst()) == Self.hits.map(HitExport.fields))
        #expect(text.hasPrefix("rank,date,date_certainty,outlet,byline,headline,url,path,id\r\n"))
        #expect(text.contains(#"1,2024-03-02,published,AP,"Maria Núñez, Tom O'Hara","Port strike: ""no deal"" yet, union says","#))
    }

    @Test("TSV: one line per hit, tabs and line breaks inside fields become spaces")
    func tsv() {
        let lines = HitExport.render(Self.hits, as: .tsv).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 5 && lines.last == "")
        #expect(lines.dropLast().allSatisfy { $0.split(separator: "\t", omittingEmptySubsequences: false).count == HitExport.columns.count })
        #expect(lines[2] == "2\t2024-03-01\tinferred\t\t\tLine one line two | piped\t\tnotes/tab here.md\t7")
    }

    @Test("Markdown: a table; headlines link to their address; pipes escaped; dates say how sure they are")
    func markdown() {
        #expect(HitExport.render(Self.hits, as: .markdown) == """
            | # | Date | Outlet | Headline | Byline | Path | Id |
            |---:|---|---|---|---|---|---:|
            | 1 | 2024-03-02 | AP | [Port strike: "no deal" yet, union says](<https://apnews.example/article/port-strike>) | Maria Núñez, Tom O'Hara | wires/ap, 2024.txt | 42 |
            | 2 | 2024-03-01 (year?) |  | Line one line two \\| piped |  | notes/tab\there.md | 7 |
            | 3 | 2026-11-30 (file) | Le Monde | Untitled draft |  | saved.txt | 9 |

            """)
    }

    @Test("cite: one line per hit, with what the article gives")
    func cite() {
        #expect(HitExport.render(Self.hits, as: .cite) == """
            Maria Núñez, Tom O'Hara. “Port strike: "no deal" yet, union says.” AP, 2 March 2024. https://apnews.example/article/port-strike
            “Line one line two | piped.” 1 March 2024 (year inferred). Inbox: notes/tab\there.md
            “Untitled draft.” Le Monde, undated (saved 30 November 2026). Inbox: saved.txt

            """)
    }

    @Test("JSON: an array of records with the columns as keys; absent values are left out")
    func json() throws {
        let data = Data(HitExport.render(Self.hits, as: .json).utf8)
        let records = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(records.count == 3)
        #expect(records[0]["headline"] as? String == "Port strike: \"no deal\" yet, union says")
        #expect(records[0]["date_certainty"] as? String == "published" && records[0]["id"] as? Int == 42)
        #expect(records[1]["outlet"] == nil && records[2]["date_certainty"] as? String == "file")
    }
}

/// A strict RFC 4180 reader for the tests: quoted fields may hold commas, quotes (doubled) and
/// line breaks; records end in CRLF; anything else is an error.
enum RFC4180 {
    struct Malformed: Error { let offset: Int }

    static func parse(_ text: String) throws -> [[String]] {
        var records: [[String]] = [], record: [String] = [], field = ""
        let scalars = Array(text.unicodeScalars)
        var index = 0
        var quoted = false
        while index < scalars.count {
            let scalar = scalars[index]
            if quoted {
                if scalar == "\"" {
                    if index + 1 < scalars.count && scalars[index + 1] == "\"" { field.unicodeScalars.append("\""); index += 2; continue }
                    quoted = false
                    index += 1
                    guard index == scalars.count || scalars[index] == "," || scalars[index] == "\r" else { throw Malformed(offset: index) }
                    continue
                }
                field.unicodeScalars.append(scalar)
                index += 1
                continue
            }
            switch scalar {
            case "\"":
                guard field.isEmpty else { throw Malformed(offset: index) }
                quoted = true
            case ",":
                record.append(field)
                field = ""
            case "\r":
                guard index + 1 < scalars.count && scalars[index + 1] == "\n" else { throw Malformed(offset: index) }
                record.append(field)
                records.append(record)
                (record, field) = ([], "")
                index += 1
            case "\n":
                throw Malformed(offset: index)
            default:
                field.unicodeScalars.append(scalar)
            }
            index += 1
        }
        guard !quoted, record.isEmpty, field.isEmpty else { throw Malformed(offset: index) }
        return records
    }
}
