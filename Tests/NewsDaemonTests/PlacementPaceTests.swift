@testable import NewsDaemon
import Testing

@Suite("How placement divides its work into transactions")
struct PlacementPaceTests {
    @Test("short transactions while files arrive, for a spell after the last file that ended one; long ones otherwise")
    func shortWhileFilesArrive() {
        let now = ContinuousClock.now
        let short = PlacementPace.whileFilesArrive, long = PlacementPace.steady
        #expect(short.articles < long.articles)
        #expect(short.articles < long.flushEvery, "a file waits for fewer articles' writes while files arrive than a long transaction gathers between its writes")
        #expect(PlacementPace.at(now, lastGaveWay: nil) == long, "no file has come during placement")
        #expect(PlacementPace.at(now, lastGaveWay: now) == short)
        #expect(PlacementPace.at(now, lastGaveWay: now - .seconds(1)) == short)
        let spell = PlacementPace.arrivalSpell
        #expect(PlacementPace.at(now, lastGaveWay: now - spell + .milliseconds(1)) == short)
        #expect(PlacementPace.at(now, lastGaveWay: now - spell) == long, "the spell is over")
        #expect(PlacementPace.at(now, lastGaveWay: now - .seconds(3600)) == long)
    }
}
