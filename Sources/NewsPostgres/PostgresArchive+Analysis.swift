import NewsCore
import PostgresNIO

extension PostgresArchive {
    /// Whether this host's files were last read, all of them, by an analysis older than this
    /// build's (`ArticleAnalyzer.version`): their dates and fingerprints in the archive are then
    /// what the older build made of them, and only reading the files again renews them.
    public func readByOlderAnalysis() async throws(ArchiveError) -> Bool {
        let (host, logger) = (self.host, self.logger)
        return try await connected(doing: "read which analysis this host's files were read with") { connection in
            let stored = try await connection.query("SELECT analysis FROM newsd_host WHERE host_id = \(host)", logger: logger)
                .collect().first?.decode(Int.self)
            return (stored ?? 0) < ArticleAnalyzer.version
        }
    }

    /// Records that every file of this host has been read by this build's analysis (after a
    /// scan that read them all). A newer host's higher number is kept.
    public func recordAnalysis() async throws(ArchiveError) {
        let (host, logger) = (self.host, self.logger)
        try await connected(doing: "record which analysis this host's files were read with") { connection in
            _ = try await connection.query("""
                UPDATE newsd_host SET analysis = \(ArticleAnalyzer.version) WHERE host_id = \(host) AND analysis < \(ArticleAnalyzer.version)
                """, logger: logger).collect()
        }
    }
}
