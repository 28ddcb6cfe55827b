import GRDB

/// Each article's arrival in the index (`ingestedAt`, seconds since 1970), for searches in the
/// order articles arrived (`--sort added`) that the ranking keeps by itself (`ArrivalOrder`).
/// Logged: articles whose arrival changes (an edited file's article keeps its id and arrives
/// again) and every article removed (its id may be given again), in `article_arrival_change`.
typealias ArrivalTimes = SnapshotValues<Double>

extension SnapshotValues where Value == Double {
    static func arrivalTimes() -> ArrivalTimes {
        perArticle("ingestedAt", log: "article_arrival_change", absent: .nan, value: { $0[1] })
    }
}

/// The added order — the later arrival first, then the higher id — as one number per article
/// id, smaller first and distinct, for the ranking to keep its window by (`DayChecks.orderKey`):
/// each article's place in that order. NaN for an id without an article.
///
/// Made from a table of arrival times once and shared by every search that reads the same
/// table. Articles arrive in batches, each sharing its batch's time, and in id order but for
/// edited ones: the times read in id order are nearly sorted already, which Swift's sort (a
/// merge of the runs it finds) takes far faster than times in no order.
final class ArrivalOrder: Sendable {
    let keys: [Double]

    init(times: [Double]) {
        var ids = times.indices.filter { !times[$0].isNaN }
        ids.sort { times[$0] != times[$1] ? times[$0] < times[$1] : $0 < $1 }
        var keys = [Double](repeating: .nan, count: times.count)
        for (place, id) in ids.enumerated() { keys[id] = Double(ids.count - 1 - place) }
        self.keys = keys
    }

    /// Whether the article `id` has a place in the order.
    func holds(_ id: Int64) -> Bool {
        id >= 0 && id < keys.count && !keys[Int(id)].isNaN
    }
}
