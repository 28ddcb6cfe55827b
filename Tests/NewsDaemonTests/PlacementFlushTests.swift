@testable import NewsDaemon
import NewsIndex
import Testing

@Suite("How often placement writes what it gathers")
struct PlacementFlushTests {
    @Test("often while files arrive, for a spell after the last file that ended a placement transaction; seldom otherwise")
    func oftenWhileFilesArrive() {
        let now = ContinuousClock.now
        let often = ArticleIndex.placementFlushEveryWhileFilesArrive
        let seldom = ArticleIndex.placementFlushEvery
        #expect(often < seldom)
        #expect(IngestService.placementFlushEvery(lastGaveWay: nil, now: now) == seldom, "no file has come during placement")
        #expect(IngestService.placementFlushEvery(lastGaveWay: now, now: now) == often)
        #expect(IngestService.placementFlushEvery(lastGaveWay: now - .seconds(1), now: now) == often)
        let spell = IngestService.arrivalSpell
        #expect(IngestService.placementFlushEvery(lastGaveWay: now - spell + .milliseconds(1), now: now) == often)
        #expect(IngestService.placementFlushEvery(lastGaveWay: now - spell, now: now) == seldom, "the spell is over")
        #expect(IngestService.placementFlushEvery(lastGaveWay: now - .seconds(3600), now: now) == seldom)
    }
}
