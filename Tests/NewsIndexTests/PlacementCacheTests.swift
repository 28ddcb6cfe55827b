@testable import NewsIndex
import Testing

/// The writer's page cache while placing: a quarter of the index file, within its bounds.
@Suite("Placement cache: a quarter of the index file, within bounds")
struct PlacementCacheTests {
    @Test("small files get the smallest cache, large ones a quarter of their size, the largest capped")
    func sizedByTheFile() {
        let range = ArticleIndex.placementCacheKiBRange
        #expect(ArticleIndex.placementCacheKiB(fileBytes: 0) == range.lowerBound)
        #expect(ArticleIndex.placementCacheKiB(fileBytes: -1) == range.lowerBound)
        #expect(ArticleIndex.placementCacheKiB(fileBytes: 100 << 20) == range.lowerBound, "a quarter of 100 MB is below the floor")
        #expect(ArticleIndex.placementCacheKiB(fileBytes: 600 << 20) == 150 << 10, "a quarter of 600 MB")
        #expect(ArticleIndex.placementCacheKiB(fileBytes: 10 << 30) == range.upperBound)
        #expect(ArticleIndex.placementCacheKiB(fileBytes: .max) == range.upperBound)
    }
}
