/// Story-key filings made in one placement transaction and not yet written (`StoryCandidates`):
/// placing an article files it under a dozen keys, and a batch of articles files many of them
/// under the same keys, so the filings are gathered here and each key's row is read and
/// rewritten once per transaction (`StoryCandidates.write`) instead of once per article.
/// Lookups made meanwhile see the stored rows and these together, as if each had been written.
///
/// Also remembers the stored article count of every key looked up, which only the
/// transaction's own writes change.
struct PendingStoryKeys {
    /// Articles filed per key and filing day, ascending and distinct.
    private(set) var entries: [Int64: [Int64: [Int64]]] = [:]
    /// Stored article counts (`story_key_count`) read in this transaction; 0 for a key with no row.
    private(set) var stored: [Int64: Int] = [:]

    var isEmpty: Bool { entries.isEmpty }

    /// How many articles `key` counts as filed under: the stored count and those filed here.
    /// Nil when the stored count was not read yet.
    func count(_ key: Int64) -> Int? {
        stored[key].map { stored in entries[key]?.values.reduce(stored) { $0 + $1.count } ?? stored }
    }

    /// Remembers `key`'s stored count.
    mutating func remember(_ key: Int64, storedCount: Int) {
        stored[key] = storedCount
    }

    /// Files `articleId` under `key` on `day`; false when it is filed there already.
    @discardableResult
    mutating func add(key: Int64, day: Int64, articleId: Int64) -> Bool {
        var ids = entries[key, default: [:]][day, default: []]
        let at = ids.firstIndex { $0 >= articleId } ?? ids.count
        guard at == ids.count || ids[at] != articleId else { return false }
        ids.insert(articleId, at: at)
        entries[key, default: [:]][day] = ids
        return true
    }

    /// The days within `range` that `key` has articles filed on here, each with those articles.
    func days(of key: Int64, in range: ClosedRange<Int64>) -> [Int64: [Int64]] {
        entries[key]?.filter { range.contains($0.key) } ?? [:]
    }

    /// Forgets everything: the filings were written, or the stored counts may have changed.
    mutating func removeAll() {
        entries.removeAll()
        stored.removeAll()
    }
}

extension Array where Element == Int64 {
    /// Two ascending arrays of distinct ids merged into one, ascending and distinct.
    func mergedAscending(with other: [Int64]) -> [Int64] {
        var merged: [Int64] = []
        merged.reserveCapacity(count + other.count)
        var (i, j) = (0, 0)
        while i < count || j < other.count {
            if j == other.count || (i < count && self[i] < other[j]) {
                merged.append(self[i]); i += 1
            } else if i == count || other[j] < self[i] {
                merged.append(other[j]); j += 1
            } else {
                merged.append(self[i]); i += 1; j += 1
            }
        }
        return merged
    }
}
