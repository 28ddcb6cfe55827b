import Foundation
import NewsClient
import Testing
import TestSupport

/// The real newsd and newsctl binaries on the five seed articles.
@Suite("End to end on the seed articles", .enabled(if: SeedCorpus.isAvailable, SeedCorpus.skipReason))
struct SeedEndToEndTests {
    struct FindOutput: Decodable {
        struct Hit: Decodable { var id: Int64; var path: String; var title: String; var score: Double; var snippet: String }
        var total: Int
        var hits: [Hit]
    }

    func find(_ daemon: RunningDaemon, _ query: String) throws -> (ProcessResult, FindOutput?) {
        let result = try daemon.newsctl("find", query, "--json")
        return (result, try? JSONDecoder().decode(FindOutput.self, from: Data(result.stdout.utf8)))
    }

    @Test("drop the seeds, find them, delete one", arguments: ArchiveBackend.allCases)
    func seeds(backend: ArchiveBackend) async throws {
        let daemon = try await RunningDaemon(extraArguments: try backend.daemonArguments())
        try SeedCorpus.copy(into: daemon.inbox)
        #expect(try await daemon.waitForStatus { $0.articles == 5 && $0.pending == 0 }, "status never showed 5 articles; log:\n\(daemon.log)")

        let (bountyRun, bounty) = try find(daemon, "bounty")
        #expect(bountyRun.status == 0)
        #expect(Set(bounty?.hits.map { backend.local($0.path) } ?? []) == [SeedCorpus.name("000"), SeedCorpus.name("001")])
        #expect(bounty?.total == 2)

        let (rewardRun, reward) = try find(daemon, "reward")
        #expect(rewardRun.status == 0)
        #expect(Set(reward?.hits.map { backend.local($0.path) } ?? []) == [SeedCorpus.name("000"), SeedCorpus.name("002")])

        let (noneRun, none) = try find(daemon, "xylophonequartet")
        #expect(noneRun.status == 1, "no hits exits 1, like grep")
        #expect(none?.total == 0 && none?.hits.isEmpty == true)

        let human = try daemon.newsctl("find", "bounty")
        #expect(human.status == 0)
        #expect(human.stdout.contains("1. "))
        #expect(human.stdout.contains(SeedCorpus.name("001")))
        #expect(!human.stdout.contains("\u{1B}["), "plain output when piped")

        try FileManager.default.removeItem(atPath: daemon.inbox + "/" + SeedCorpus.name("003"))
        #expect(try await daemon.waitForStatus { $0.articles == 4 })

        let status = try daemon.newsctl("status", "--json")
        let decoded = try JSONDecoder().decode(StatusResponse.self, from: Data(status.stdout.utf8))
        #expect(decoded.articles == 4 && decoded.failed == 0 && decoded.inbox == daemon.inbox)
        #expect(try await daemon.stop() == 0)
    }

    @Test("articles already in the inbox are indexed at start")
    func existingFiles() async throws {
        let daemon = try await RunningDaemon { inbox in try SeedCorpus.copy(into: inbox) }
        #expect(try await daemon.waitForStatus { $0.articles == 5 && $0.state == "idle" })
        let (_, reward) = try find(daemon, "reward")
        #expect(reward?.total == 2)
    }
}
