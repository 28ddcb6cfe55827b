import Foundation
import NewsClient
import Testing
import TestSupport

/// The real daemon compresses stored text with a dictionary trained on the inbox's own articles:
/// during the start-up scan, then recompressing what it stored before, with every article shown
/// and searched exactly as written, before and after a restart.
@Suite("End to end: stored text and its dictionary")
struct TextDictionaryEndToEndTests {
    /// A short report with a dateline and stock phrases (what a dictionary learns) about people
    /// and firms of its own (so that, as in a real inbox, most reports are on different stories).
    static func report(_ random: inout SeededRandom, number: Int) -> (headline: String, body: String) {
        let syllables = ["var", "ok", "el", "men", "dra", "si", "tal", "wen", "bro", "qui", "ster", "lan", "pho", "rix", "ud", "gar"]
        func name() -> String {
            let word = (0..<Int.random(in: 2...3, using: &random)).map { _ in syllables.randomElement(using: &random)! }.joined()
            return word.prefix(1).uppercased() + word.dropFirst()
        }
        let (person, firm, town) = (name(), name() + " Holdings", name())
        let openings = ["\(person) said on Monday that", "\(firm) confirmed in a statement that",
                        "A spokesman for \(firm) told reporters that", "\(person), who chairs the \(town) council, said that"]
        let facts = ["freight volumes at \(town) rose \(Int.random(in: 2...40, using: &random)) percent in the quarter",
                     "the \(town) quay would be extended by \(Int.random(in: 50...300, using: &random)) metres",
                     "talks with \(firm) over night-shift pay had stalled", "\(person) would step down in the spring"]
        var sentences = ["\(town.uppercased()), April \(Int.random(in: 1...30, using: &random)) - Dispatch \(number)."]
        for _ in 0..<Int.random(in: 2...6, using: &random) {
            sentences.append("\(openings.randomElement(using: &random)!) \(facts.randomElement(using: &random)!).")
        }
        return ("\(firm) and \(person) in \(town)", sentences.joined(separator: " "))
    }

    @Test("1,200 articles at start: a dictionary is trained during the scan, older text recompressed, every article reads back, also after a restart")
    func bulkLoadTrainsAndRecompresses() async throws {
        var random = SeededRandom.forTest("TextDictionaryEndToEndTests.bulkLoad")
        let seed = random.seed
        let daemon = RestartableDaemon("newsd-text-dictionary")
        var reports: [String: (headline: String, body: String)] = [:]
        for number in 0..<1200 {
            let report = Self.report(&random, number: number)
            reports["d\(number).txt"] = report
            try "\(report.headline)\n\n\(report.body)\n".write(toFile: daemon.inbox + "/d\(number).txt", atomically: false, encoding: .utf8)
        }
        try await daemon.start()
        // Recompression waits for the 1,200 articles' placement and a quiet spell after it. In a
        // debug build beside the other end-to-end tests on 2 cores, the placement alone has run
        // past 120 s (a fresh machine's run logged nothing after the scan for 120 s).
        #expect(try await waitUntil(timeout: .seconds(360)) { daemon.log.contains("event=text-recompressed") }, "seed \(seed); log:\n\(daemon.log)")
        #expect(daemon.log.components(separatedBy: "event=text-dictionary-trained").count == 2, "trained once, during the scan:\n\(daemon.log)")
        #expect(daemon.log.contains("articles=1000"), "at the first 1,000 articles, not after the whole scan:\n\(daemon.log)")

        try "Ormscar ferry resumes\n\nThe ferry operator confirmed in a statement that the Ormscar crossing would resume on Thursday.\n"
            .write(toFile: daemon.inbox + "/late.txt", atomically: false, encoding: .utf8)
        reports["late.txt"] = ("Ormscar ferry resumes", "The ferry operator confirmed in a statement that the Ormscar crossing would resume on Thursday.")
        // Ormscar and crossings are the late report's alone.
        let client = daemon.client
        #expect(try await waitUntil { (try? client.article(path: "late.txt")) != nil })
        let sample = ["d0.txt", "d1.txt", "d999.txt", "d1000.txt", "d1199.txt", "late.txt"]
        for path in sample {
            #expect(try client.article(path: path).body == reports[path]!.body, "\(path); seed \(seed)")
        }
        let hits = try client.search("crossing")
        #expect(hits.total == 1 && hits.hits.first?.snippet.contains("crossing") == true)

        #expect(try await daemon.stop() == 0)
        try await daemon.start()
        for path in sample {
            #expect(try client.article(path: path).body == reports[path]!.body, "after a restart: \(path); seed \(seed)")
        }
        #expect(!daemon.log.contains("event=text-dictionary-trained"), "a restart trains nothing:\n\(daemon.log)")
    }
}
