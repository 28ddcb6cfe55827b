import Foundation
import NewsPostgres
import Synchronization
import Testing
import TestSupport

/// A server that goes away under a held connection: the call fails, never hangs.
@Suite struct ConnectionLossTests {
    /// What the call under test ended with, once it ends.
    final class Outcome: Sendable {
        private let text = Mutex<String?>(nil)
        func set(_ value: String) { text.withLock { $0 = value } }
        var value: String? { text.withLock { $0 } }
    }

    @Test func aServerKilledUnderTheStoryPlacerEndsItsSessionWithAnError() async throws {
        // A cluster of its own: this test kills it.
        let cluster = try PostgresCluster()
        let database = try cluster.createDatabase()
        try await withArchive(cluster, database: database) { archive in
            let outcome = Outcome()
            // Unstructured, so that a call that hangs fails this test instead of hanging it.
            let attempt = Task { @Sendable in
                do {
                    _ = try await archive.leadPlacement { session, _ in
                        _ = try await session.articleIds()
                        try cluster.stop()
                        // postgres-nio never answers a query written to a closed channel.
                        try await Task.sleep(for: .seconds(1))
                        _ = try await session.articleIds()
                    }
                    outcome.set("returned")
                } catch let error as ArchiveError {
                    outcome.set(error.isUnreachable ? "unreachable: \(error.message)" : "other: \(error.message)")
                } catch {
                    outcome.set("other: \(error)")
                }
            }
            defer { attempt.cancel() }
            let ended = try await waitUntil(timeout: .seconds(30)) { outcome.value != nil }
            #expect(ended)
            let result = outcome.value ?? "still waiting"
            #expect(result.hasPrefix("unreachable: database unreachable: the connection to"), "\(result)")
        }
    }
}
