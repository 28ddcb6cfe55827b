import NewsIndex

/// How placement divides its work: the most articles one transaction places, and how many it
/// places between two writes of what it gathers (story-key filings, story counts). A file that
/// arrives during placement ends the transaction under way, and waits for that write and for the
/// commit, whose cost grows with every page the transaction changed; so while files keep
/// arriving, transactions are short. Otherwise they are long, because each commit writes the
/// pages its articles share once (fewer, larger commits place a bulk load's articles sooner).
struct PlacementPace: Equatable {
    /// Articles placed at most in one transaction.
    let articles: Int
    /// Articles placed between two writes of what the transaction gathers (0: at its end only).
    let flushEvery: Int

    /// While no file arrives.
    static let steady = PlacementPace(articles: 8192, flushEvery: ArticleIndex.placementFlushEvery)
    /// For `arrivalSpell` after a file ended a placement transaction.
    static let whileFilesArrive = PlacementPace(articles: 32, flushEvery: 0)
    /// How long after a file ended a placement transaction placement keeps the pace it has while
    /// files arrive: files dropped one after another come seconds apart.
    static let arrivalSpell = Duration.seconds(30)

    /// The pace given when a file last ended a placement transaction (nil: never).
    static func at(_ now: ContinuousClock.Instant, lastGaveWay: ContinuousClock.Instant?) -> PlacementPace {
        guard let lastGaveWay, now - lastGaveWay < arrivalSpell else { return .steady }
        return .whileFilesArrive
    }
}
