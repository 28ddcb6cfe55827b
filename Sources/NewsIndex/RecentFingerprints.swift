import NewsCore

/// Decoded fingerprints kept for the next surveys of a placement transaction (`StorySurveyor`),
/// the most recently used kept: articles placed one after another by date find many of the same
/// candidates, week after week. Two generations, not a strict least-recently-used order: when
/// the newer fills up it becomes the older and the older is dropped, and a fingerprint found in
/// the older moves to the newer. So at most `2 × generation` are kept, and the last `generation`
/// used always are.
struct RecentFingerprints {
    private var newer: [Int64: ArticleFingerprint] = [:]
    private var older: [Int64: ArticleFingerprint] = [:]
    /// Fingerprints in one generation.
    let generation: Int

    init(generation: Int) {
        precondition(generation > 0)
        self.generation = generation
    }

    /// How many are kept now.
    var count: Int { newer.count + older.count }

    /// The fingerprint of `id`, if kept; it counts as used now.
    mutating func fingerprint(of id: Int64) -> ArticleFingerprint? {
        if let fingerprint = newer[id] { return fingerprint }
        guard let fingerprint = older.removeValue(forKey: id) else { return nil }
        keep(fingerprint, for: id)
        return fingerprint
    }

    /// Keeps `fingerprint` as used now.
    mutating func keep(_ fingerprint: ArticleFingerprint, for id: Int64) {
        if newer[id] == nil && newer.count >= generation {
            // Swapped, not assigned: the emptied generation's storage is reused, not copied.
            swap(&newer, &older)
            newer.removeAll(keepingCapacity: true)
        }
        newer[id] = fingerprint
    }
}
