import Foundation
import NewsClient

// newsd-bench: measures one newsd binary on one corpus folder and prints a JSON object.
// Benchmarks/run drives it for each corpus and prints the table beside the baselines.
//
// usage: newsd-bench NEWSD CORPUS_DIR WORK_DIR RUNS
//        newsd-bench load SOCKET CLIENTS SECONDS   (the query mix against a running newsd)
//
// With NEWSD_BENCH_INDEX_URL, newsd keeps its archive in that PostgreSQL database, which the
// shell command NEWSD_BENCH_RESET empties before each bulk run; then only bulk ingest, queries
// and the archive's size are measured (what the shared archive's column of the table shows).

let arguments = CommandLine.arguments
// The harness's query mix against a newsd already running, for A/B comparisons by hand:
// newsd-bench load SOCKET CLIENTS SECONDS
if arguments.count == 5, arguments[1] == "load", let clients = Int(arguments[3]), let seconds = Double(arguments[4]) {
    let result = QueryLoad.run(socket: arguments[2], queries: QueryLoad.mix, clients: clients, seconds: seconds)
    print(String(format: "%d clients: %d queries, %.0f q/s, p50 %.2f ms, p99 %.2f ms",
                 clients, result.requests, result.queriesPerSecond, result.p50Ms, result.p99Ms))
    exit(0)
}
guard arguments.count == 5, let runs = Int(arguments[4]), runs > 0 else {
    FileHandle.standardError.write(Data("usage: newsd-bench NEWSD CORPUS_DIR WORK_DIR RUNS\n".utf8))
    exit(2)
}
let (binary, corpus, work) = (arguments[1], arguments[2], arguments[3])
let fm = FileManager.default
let names = try fm.contentsOfDirectory(atPath: corpus).filter { $0.hasSuffix(".txt") }
let corpusBytes = names.reduce(0) { $0 + ((try? fm.attributesOfItem(atPath: corpus + "/" + $1)[.size] as? Int) ?? 0) }
let queries = QueryLoad.mix
var report: [String: Any] = ["articles": names.count, "corpus_bytes": corpusBytes, "runs": runs,
                             "query_mix": queries]

func fresh(_ path: String) { try? fm.removeItem(atPath: path); try? fm.createDirectory(atPath: path, withIntermediateDirectories: true) }
func summary(_ samples: Samples) -> [String: Double] { ["median": samples.median, "spread": samples.spread] }

// (a) bulk ingest: newsd started on an inbox that already holds the corpus.
var bulkSeconds = Samples(), peakRSS = Samples(), placedSeconds = Samples(), quietSeconds = Samples()
var running: NewsdRunner?
let state = work + "/state"
let shared = ProcessInfo.processInfo.environment["NEWSD_BENCH_INDEX_URL"] != nil
func resetSharedArchive() {
    guard shared, let command = ProcessInfo.processInfo.environment["NEWSD_BENCH_RESET"] else { return }
    let reset = Process()
    reset.executableURL = URL(fileURLWithPath: "/bin/sh")
    reset.arguments = ["-c", command]
    try? reset.run()
    reset.waitUntilExit()
    guard reset.terminationStatus == 0 else { fatalError("NEWSD_BENCH_RESET failed") }
}
for run in 1...runs {
    fresh(state)
    resetSharedArchive()
    let start = now()
    let daemon = try NewsdRunner(binary: binary, inbox: corpus, state: state, socket: work + "/newsd.sock")
    guard let seconds = daemon.waitUntilSettled(files: names.count, since: start) else { fatalError("bulk ingest did not finish") }
    bulkSeconds.add(seconds)
    placedSeconds.add(daemon.waitUntilPlaced(since: start) ?? .nan)
    quietSeconds.add(daemon.waitUntilQuiet(since: start) ?? .nan)
    peakRSS.add(Double(memory(of: daemon.pid).peak))
    if run < runs { daemon.stop() } else { running = daemon }
}
report["bulk_seconds"] = summary(bulkSeconds)
report["stories_placed_seconds"] = summary(placedSeconds)
report["quiet_seconds"] = summary(quietSeconds)
report["bulk_articles_per_second"] = Double(names.count) / bulkSeconds.median
report["bulk_mb_per_second"] = Double(corpusBytes) / 1_048_576 / bulkSeconds.median
report["peak_rss_bytes"] = summary(peakRSS)

// (c), (d), (b) on the daemon left running with the corpus indexed.
let daemon = running!
// Once the idle work after placement is done (`waitUntilQuiet`: merging and rewriting the
// full-text index, the checkpoint and memory handed back, recompressing text), where an idle
// daemon stays; and queries measured then, not beside that work.
report["idle_rss_bytes"] = memory(of: daemon.pid).rss
let status = try daemon.client.status()
report["index_bytes"] = status.indexBytes
report["index_to_corpus_ratio"] = Double(status.indexBytes) / Double(corpusBytes)
var load: [[String: Double]] = []
for clients in shared ? [1, 8] : [1, 8, 32] {
    let result = QueryLoad.run(socket: daemon.socket, queries: queries, clients: clients, seconds: 5)
    load.append(["clients": Double(clients), "requests": Double(result.requests), "p50_ms": result.p50Ms,
                 "p99_ms": result.p99Ms, "queries_per_second": result.queriesPerSecond])
}
report["queries"] = load
// Deep and broad pages (#13): a one-letter prefix's first 1,000 hits, and page 51 of a broad OR;
// and broad queries grouped by story, which group every match (by relevance and by coverage).
var pages: [[String: Any]] = []
let pageQueries: [(String, Int, Int, SearchSort, SearchGrouping)] = [
    ("a*", 1000, 0, .relevance, .copies), ("compan* OR said", 10, 500, .relevance, .copies),
    ("compan*", 10, 0, .relevance, .stories), ("said", 10, 0, .coverage, .stories),
]
for (query, limit, offset, sort, group) in pageQueries {
    var row: [String: Any] = ["query": query, "limit": limit, "offset": offset]
    if group != .copies { row["group"] = group.rawValue }
    if sort != .relevance { row["sort"] = sort.rawValue }
    switch QueryLoad.page(socket: daemon.socket, query: query, sort: sort, group: group, limit: limit, offset: offset, times: 5) {
    case .success(let samples): row["median_ms"] = samples.median; row["max_ms"] = samples.quantile(1)
    case .failure(let error): row["error"] = error.description
    }
    pages.append(row)
}
report["pages"] = pages
if shared {
    daemon.stop()
    let json = try JSONSerialization.data(withJSONObject: jsonReady(report), options: [.prettyPrinted, .sortedKeys])
    FileHandle.standardOutput.write(json)
    FileHandle.standardOutput.write(Data("\n".utf8))
    exit(0)
}
let dropFolder = corpus + "/zz-bench-drops"
fresh(dropFolder)
let drops = QueryLoad.drops(socket: daemon.socket, folder: dropFolder, count: 200)
report["drop_to_searchable_ms"] = ["p50": drops.quantile(0.5), "p99": drops.quantile(0.99), "count": Double(drops.values.count)]
try? fm.removeItem(atPath: dropFolder)
_ = daemon.waitUntilSettled(files: names.count, since: now())
daemon.stop()

// (e) restart with the index unchanged: time to answer (READY) and to reconciled.
var readySeconds = Samples(), reconciledSeconds = Samples()
for _ in 1...runs {
    let start = now()
    let restarted = try NewsdRunner(binary: binary, inbox: corpus, state: state, socket: work + "/newsd.sock")
    readySeconds.add(restarted.waitUntilAnswering() ?? .nan)
    reconciledSeconds.add(restarted.waitUntilSettled(files: names.count, since: start) ?? .nan)
    restarted.stop()
}
report["restart_ready_seconds"] = summary(readySeconds)
report["restart_reconciled_seconds"] = summary(reconciledSeconds)

// (a) burst: the corpus moved into a running daemon's empty inbox. Then, while its articles
// wait for their stories, single files dropped one at a time: each must be searchable without
// waiting for the placement under way (#13: drop-to-searchable stays within its target then).
var burstSeconds = Samples()
var placingDrops = Samples()
var unplacedAtDrops: [Int] = []
let burstInbox = work + "/burst-inbox"
for _ in 1...runs {
    fresh(state)
    fresh(burstInbox)
    let burst = try NewsdRunner(binary: binary, inbox: burstInbox, state: state, socket: work + "/newsd.sock")
    _ = burst.waitUntilAnswering()
    let start = now()
    for name in names { rename(corpus + "/" + name, burstInbox + "/" + name) }
    guard let seconds = burst.waitUntilSettled(files: names.count, since: start) else { fatalError("burst did not finish") }
    burstSeconds.add(seconds)
    if let unplaced = try? burst.client.status().unplaced, unplaced > 0 {
        unplacedAtDrops.append(unplaced)
        let folder = burstInbox + "/zz-bench-drops"
        fresh(folder)
        for value in QueryLoad.drops(socket: burst.socket, folder: folder, count: 100).values { placingDrops.add(value) }
        try? fm.removeItem(atPath: folder)
    }
    burst.stop()
    for name in names { rename(burstInbox + "/" + name, corpus + "/" + name) }
}
report["burst_seconds"] = summary(burstSeconds)
if !placingDrops.values.isEmpty {
    // The slowest drops with their place in the run (0: the first, which also meets its folder's
    // scan), so that a p99 set by two drops can be told apart from a slow run.
    let slowest = placingDrops.values.enumerated().sorted { $0.element > $1.element }.prefix(5)
    report["drop_during_placement_ms"] = ["p50": placingDrops.quantile(0.5), "p99": placingDrops.quantile(0.99),
                                          "count": Double(placingDrops.values.count), "unplaced_at_start": Double(unplacedAtDrops.min() ?? 0),
                                          "slowest": slowest.map { ["ms": $0.element, "drop": Double($0.offset)] }]
}
report["burst_articles_per_second"] = Double(names.count) / burstSeconds.median

// (f) ingest under load: the burst again, with 8 query clients and a status prober running, and
// newsd pinging a watchdog.
let loaded = try LoadedIngest.run(binary: binary, corpus: corpus, names: names, work: work, queries: queries, clients: 8)
report["loaded_ingest"] = [
    "seconds": loaded.seconds, "clients": 8.0,
    "status_p50_ms": loaded.status.quantile(0.5), "status_p99_ms": loaded.status.quantile(0.99),
    "status_max_ms": loaded.status.quantile(1), "status_count": Double(loaded.status.values.count),
    "query_p50_ms": loaded.queries.quantile(0.5), "query_p99_ms": loaded.queries.quantile(0.99),
    "queries": Double(loaded.queries.values.count),
    "watchdog_longest_gap_s": loaded.longestPingGap, "watchdog_ping_interval_s": loaded.pingInterval,
    "watchdog_withheld": Double(loaded.withheldPings.count), "inotify_overflow_rescans": Double(loaded.overflowRescans),
]

let json = try JSONSerialization.data(withJSONObject: jsonReady(report), options: [.prettyPrinted, .sortedKeys])
FileHandle.standardOutput.write(json)
FileHandle.standardOutput.write(Data("\n".utf8))
