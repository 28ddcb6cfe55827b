/// Horizontal bar charts for the terminal: one line per row, `label  bar  count`, the longest
/// bar filling the width left. Unicode blocks in eighths of a cell, or `#` when the output
/// should be plain ASCII (`NO_COLOR`, `TERM=dumb`). Pure, so charts are golden-tested.
public enum BarChart {
    /// Partial cells, one to seven eighths.
    static let eighths: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]

    /// The chart of `rows` in at most `width` columns (at least a 10-cell bar is drawn).
    public static func render(_ rows: [(label: String, count: Int)], width: Int, ascii: Bool) -> String {
        guard let largest = rows.map(\.count).max(), largest > 0 else {
            return rows.map { "\($0.label)  0\n" }.joined()
        }
        let labelWidth = rows.map(\.label.count).max() ?? 0
        let countWidth = String(largest).count
        let barWidth = max(10, width - labelWidth - countWidth - 4)
        var out = ""
        for row in rows {
            let label = row.label + String(repeating: " ", count: labelWidth - row.label.count)
            let bar = self.bar(row.count, of: largest, cells: barWidth, ascii: ascii)
            let gap = String(repeating: " ", count: barWidth - bar.count)
            let count = String(repeating: " ", count: countWidth - String(row.count).count) + String(row.count)
            out += "\(label)  \(bar)\(gap)  \(count)\n"
        }
        return out
    }

    /// A bar for `count` of `largest` in `cells` cells; a count above zero always shows something.
    static func bar(_ count: Int, of largest: Int, cells: Int, ascii: Bool) -> String {
        guard count > 0 else { return "" }
        if ascii {
            let full = max(1, Int((Double(count) / Double(largest) * Double(cells)).rounded()))
            return String(repeating: "#", count: full)
        }
        let eighthsTotal = max(1, Int((Double(count) / Double(largest) * Double(cells * 8)).rounded()))
        let partial = eighthsTotal % 8
        return String(repeating: "█", count: eighthsTotal / 8) + (partial > 0 ? String(eighths[partial - 1]) : "")
    }
}
