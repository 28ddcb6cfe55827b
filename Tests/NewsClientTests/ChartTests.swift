@testable import NewsClient
import NewsCore
import Testing

@Suite("Charts and coverage periods")
struct ChartTests {
    let rows = [(label: "2024-03-13", count: 1), (label: "2024-03-14", count: 4), (label: "2024-03-15", count: 0), (label: "2024-03-16", count: 3)]

    /// `label  bar, padded to cells  count`.
    func line(_ label: String, _ bar: String, cells: Int, _ count: Int) -> String {
        label + "  " + bar + String(repeating: " ", count: cells - bar.count) + "  \(count)\n"
    }

    @Test("Unicode bars in eighths: the longest fills the width, counts right-aligned, an empty period stays empty")
    func unicode() {
        // 36 columns - 10 for the label - 1 for the count - 4 of spacing: 21 cells.
        let full = String(repeating: "█", count: 21)
        #expect(BarChart.render(rows, width: 36, ascii: false) == line("2024-03-13", "█████▎", cells: 21, 1) + line("2024-03-14", full, cells: 21, 4)
                + line("2024-03-15", "", cells: 21, 0) + line("2024-03-16", String(repeating: "█", count: 15) + "▊", cells: 21, 3))
    }

    @Test("ASCII bars with NO_COLOR or TERM=dumb")
    func ascii() {
        let chart = BarChart.render(rows, width: 36, ascii: true)
        #expect(chart == line("2024-03-13", "#####", cells: 21, 1) + line("2024-03-14", String(repeating: "#", count: 21), cells: 21, 4)
                + line("2024-03-15", "", cells: 21, 0) + line("2024-03-16", String(repeating: "#", count: 16), cells: 21, 3))
        #expect(chart.unicodeScalars.allSatisfy { $0.isASCII })
    }

    @Test("a count too small for a cell still shows an eighth")
    func smallest() {
        #expect(BarChart.bar(1, of: 1000, cells: 10, ascii: false) == "▏")
        #expect(BarChart.bar(1, of: 1000, cells: 10, ascii: true) == "#")
        #expect(BarChart.bar(0, of: 1000, cells: 10, ascii: false) == "")
    }

    @Test("days, weeks from Monday and months, every period from first to last, gaps as zeros")
    func buckets() {
        let days = ["2024-03-13": 1, "2024-03-14": 4, "2024-03-18": 2, "2024-04-02": 1, "not a day": 9]
        #expect(CoverageBuckets.buckets(days, by: .day).count == 21)
        #expect(CoverageBuckets.buckets(days, by: .day).prefix(3).map(\.count) == [1, 4, 0])
        #expect(CoverageBuckets.buckets(days, by: .week).map { "\($0.start) \($0.count)" }
                == ["2024-03-11 5", "2024-03-18 2", "2024-03-25 0", "2024-04-01 1"])
        #expect(CoverageBuckets.buckets(days, by: .month).map { "\($0.start) \($0.count)" } == ["2024-03-01 7", "2024-04-01 1"])
        #expect(CoverageBuckets.buckets([:], by: .day).isEmpty)
        #expect(CoverageBuckets.fitting(["1990-01-01": 1, "2024-01-01": 1], preferred: .day) == .month)
        #expect(CoverageBuckets.fitting(["2024-01-01": 1, "2024-03-01": 1], preferred: .day) == .day)
    }
}
