import Foundation
import Synchronization
import NewsClient

/// Query latency and throughput against a running newsd, with N concurrent clients
/// (threads, each its own connection per request, as newsctl does).
enum QueryLoad {
    /// The baselines' mix plus a date filter (Reuters datelines give March 1987), which only newsd can run.
    static let mix = ["oil", "oil prices", "\"crude oil\"", "export*", "bank rate", "wheat", "\"trade deficit\"", "compan*", "oil date:1987-03"]

    struct Result: Codable {
        var clients: Int
        var requests: Int
        var p50Ms: Double
        var p99Ms: Double
        var queriesPerSecond: Double
    }

    static func run(socket: String, queries: [String], clients: Int, seconds: Double) -> Result {
        let all = Mutex(Samples())
        let deadline = now() + seconds
        let group = DispatchGroup()
        let started = now()
        for worker in 0..<clients {
            group.enter()
            Thread.detachNewThread {
                let client = NewsClient(socketPath: socket, timeoutSeconds: 30)
                var local = Samples()
                var index = worker
                while now() < deadline {
                    let query = queries[index % queries.count]
                    index += 1
                    let t0 = now()
                    _ = try? client.search(query, limit: 10)
                    local.add((now() - t0) * 1000)
                }
                all.withLock { samples in for value in local.values { samples.add(value) } }
                group.leave()
            }
        }
        group.wait()
        let elapsed = now() - started
        let samples = all.withLock { $0 }
        return Result(clients: clients, requests: samples.values.count, p50Ms: samples.quantile(0.5), p99Ms: samples.quantile(0.99),
                      queriesPerSecond: Double(samples.values.count) / elapsed)
    }

    /// A deep or broad page: the same request `times` times in a row, one client; the latencies
    /// in milliseconds, or why it failed (a refusal or a time-limit answer is not a latency).
    static func page(socket: String, query: String, sort: SearchSort = .relevance, group: SearchGrouping = .copies,
                     limit: Int, offset: Int, times: Int) -> Swift.Result<Samples, ClientError> {
        let client = NewsClient(socketPath: socket, timeoutSeconds: 30)
        var samples = Samples()
        for _ in 0..<times {
            let t0 = now()
            do throws(ClientError) {
                _ = try client.search(query, sort: sort, group: group, limit: limit, offset: offset)
            } catch {
                return .failure(error)
            }
            samples.add((now() - t0) * 1000)
        }
        return .success(samples)
    }

    /// Drop-to-searchable: write a file with a unique token, poll until a search finds it.
    static func drops(socket: String, folder: String, count: Int) -> Samples {
        let client = NewsClient(socketPath: socket, timeoutSeconds: 30)
        var samples = Samples()
        for n in 0..<count {
            let token = "benchdrop\(n)z\(UInt32.random(in: 0...UInt32.max))"
            let t0 = now()
            try? "Drop \(n)\n\nA single article with the token \(token).\n".write(toFile: folder + "/drop\(n).txt", atomically: false, encoding: .utf8)
            while (try? client.search(token, limit: 1).total) != 1 {
                if now() - t0 > 30 { break }
                usleep(200)
            }
            samples.add((now() - t0) * 1000)
        }
        return samples
    }
}
