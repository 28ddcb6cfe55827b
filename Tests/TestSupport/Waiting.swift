import Foundation

/// Polls `condition` until it holds or `timeout` passes. Used to wait on observable state
/// (a count in the status call, a file appearing) instead of sleeping a fixed time. The default
/// is long because a daemon indexes at background priority: beside the suite's other tests
/// (searches that burn their whole time budget) on two cores, its first file once took more than
/// 15 s. Waiting longer costs nothing when the condition comes true.
public func waitUntil(timeout: Duration = .seconds(60), pollEvery interval: Duration = .milliseconds(10),
                      _ condition: () throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if (try? condition()) == true { return true }
        try await Task.sleep(for: interval)
    }
    return try condition()
}
