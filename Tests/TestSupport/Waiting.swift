import Foundation

/// Polls `condition` until it holds or `timeout` passes. Used to wait on observable state
/// (a count in the status call, a file appearing) instead of sleeping a fixed time.
public func waitUntil(timeout: Duration = .seconds(15), pollEvery interval: Duration = .milliseconds(10),
                      _ condition: () throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if (try? condition()) == true { return true }
        try await Task.sleep(for: interval)
    }
    return try condition()
}
