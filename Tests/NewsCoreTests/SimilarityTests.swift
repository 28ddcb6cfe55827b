import Foundation
import NewsCore
import Testing
import TestSupport

@Suite("Article similarity")
struct SimilarityTests {
    static func seed(_ prefix: String) throws -> AnalyzedArticle {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: SeedCorpus.folder + "/" + SeedCorpus.name(prefix))))
        return ArticleAnalyzer.analyze(try ArticleParser.parse(bytes).get(), fileDay: CalendarDay(year: 2020, month: 7, day: 1)!)
    }

    static func fingerprint(_ article: AnalyzedArticle) -> ArticleFingerprint {
        ArticleFingerprint.of(headline: article.headline, body: article.body)
    }

    @Test("the three bounty reports are one story; 003 and 004 stand apart", .enabled(if: SeedCorpus.isAvailable, SeedCorpus.skipReason))
    func seeds() throws {
        let prints = try ["000", "001", "002", "003", "004"].map { try Self.fingerprint(Self.seed($0)) }
        for i in 0..<5 {
            for j in 0..<5 where i != j {
                let score = Similarity.articles(prints[i], prints[j])
                #expect(score == Similarity.articles(prints[j], prints[i]), "symmetric")
                #expect((0...1).contains(score))
                let sameStory = i < 3 && j < 3
                #expect(sameStory == (score >= Similarity.storyThreshold), "seeds \(i) and \(j): \(score)")
                #expect(Similarity.shingles(prints[i], prints[j]) < Similarity.copyThreshold, "different texts are not copies")
            }
        }
    }

    @Test("a lightly edited copy is a near-duplicate; stored fingerprints compare as computed ones", .enabled(if: SeedCorpus.isAvailable, SeedCorpus.skipReason))
    func nearDuplicate() throws {
        let original = try Self.seed("002")
        var edited = original
        edited.headline = "UPDATED: " + edited.headline
        edited.paragraphs[1] = "CNN has reached out to the NSC and the Pentagon for comment."
        edited.paragraphs.removeLast()
        let (a, b) = (Self.fingerprint(original), Self.fingerprint(edited))
        #expect(Similarity.shingles(a, b) >= Similarity.copyThreshold)
        #expect(Similarity.articles(a, b) > 0.9)
        let stored = try #require(ArticleFingerprint(encoded: a.encoded))
        #expect(stored == a, "the stored form keeps everything")
        #expect(Similarity.shingles(stored, b) == Similarity.shingles(a, b))
        #expect(ArticleFingerprint(encoded: [9, 0, 0, 0]) == nil)
        #expect(ArticleFingerprint(encoded: [2, 1, 0, 0]) == nil)
        #expect(ArticleFingerprint(encoded: Array(a.encoded.dropLast())) == nil)
    }

    @Test("names come from the body, possessives are cut, plurals fold")
    func names() {
        let a = ArticleFingerprint.of(headline: "Bounties Paid", body: "Officials said Russia’s unit paid Taliban fighters. The bounties were large.")
        let b = ArticleFingerprint.of(headline: "A bounty", body: "Reports say Russia paid the Taliban a bounty.")
        #expect(Similarity.names(a, b) == 1, "{russia, taliban} on both sides")
        #expect(Similarity.terms(a, b) > 0.3, "bounties and bounty fold together")
    }
}
