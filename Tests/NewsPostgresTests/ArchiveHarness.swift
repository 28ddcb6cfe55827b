import Foundation
import Logging
import NewsCore
import NewsIndex
import NewsPostgres
import TestSupport

/// Runs `body` with an archive on `database` of the shared test cluster, its connection pool
/// running for exactly that long.
func withArchive<T: Sendable>(_ cluster: PostgresCluster, database: String, host: String = "alpha",
                              user: String = PostgresCluster.adminUser, environment: [String: String] = [:],
                              prepare: Bool = true,
                              _ body: @Sendable (PostgresArchive) async throws -> T) async throws -> T {
    // A generous connect timeout: the rest of the suite may keep this process's two cooperative
    // threads busy for seconds, which delays the pool's tasks (newsd itself never blocks them).
    let url = cluster.socketURL(database: database, user: user) + "&connect_timeout=120"
    guard case .postgres(let address) = try ArchiveLocation.parse(url, defaultUser: user) else {
        throw ArchiveError(message: "not a PostgreSQL address")
    }
    var logger = Logger(label: "newsd-test")
    logger.logLevel = .warning
    let archive = try PostgresArchive(address: address, host: host, environment: environment, logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await archive.run() }
        defer { group.cancelAll() }
        if prepare { try await archive.prepare(now: 1_000) }
        return try await body(archive)
    }
}

/// An article as the ingest service would hand it over.
func article(_ headline: String, _ body: String, language: String? = "en", date: String? = nil, outlet: String? = nil,
             url: String? = nil) -> IndexableArticle {
    IndexableArticle(contentHash: ContentHash.of(normalisedText: ContentHash.normalise(headline + "\n" + body)), headline: headline, body: body, encoding: "utf-8",
                     wordCount: body.split(separator: " ").count, outlet: outlet, publishedDate: date, url: url, language: language,
                     fileDate: "2026-11-30", fileTime: 1_796_000_000)
}

func stamp(_ inode: UInt64, size: Int64 = 100) -> FileStamp { FileStamp(inode: inode, size: size, mtimeNs: Int64(inode) * 1_000, ctimeNs: 1) }
