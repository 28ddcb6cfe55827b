/// The order of a story's reports: by date, but a report whose date is uncertain (`inferred`
/// year, or the file's day) never comes before the first report with a published date, so it
/// can never be the one that "reported first".
public enum StoryTimeline {
    /// `entries` (each with the modification time of the file that brought it in) in story order.
    public static func ordered(_ entries: [(entry: StoryResponse.Entry, fileTime: Double)]) -> [StoryResponse.Entry] {
        let firstPublished = entries.filter { $0.entry.dateSource == .published }.map(\.entry.date).min()
        // Then a copy group's first article before its copies, then the path: never the id,
        // which says only which arrived first.
        func key(_ item: (entry: StoryResponse.Entry, fileTime: Double)) -> (String, Int, Double, Int, String) {
            let uncertain = item.entry.dateSource.isUncertain
            var date = item.entry.date
            if uncertain, let firstPublished, date < firstPublished { date = firstPublished }
            return (date, uncertain ? 1 : 0, item.fileTime, item.entry.copyOf == nil ? 0 : 1, item.entry.path)
        }
        return entries.sorted { key($0) < key($1) }.map(\.entry)
    }
}
