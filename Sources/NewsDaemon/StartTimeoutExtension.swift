import Dispatch
import NewsSystem
import Synchronization

/// Keeps systemd's start timeout (TimeoutStartSec=, 90 s by default) from running out while an
/// index upgrade runs before READY: an upgrade may rewrite every row, in proportion to the archive.
/// Every `interval` it asks for `extensionLength` more time, with `status`, if the upgrade moved
/// (`progress`, called from SQLite's progress handler) since it last asked; an upgrade that stops
/// moving runs out of time as any start does.
final class StartTimeoutExtension: @unchecked Sendable {
    static let interval: DispatchTimeInterval = .seconds(20)
    static let extensionLength: Duration = .seconds(60)

    /// Progress calls counted, and the count when time was last asked for.
    private final class Counts: Sendable {
        let steps = Atomic<Int>(0)
        let whenAsked = Atomic<Int>(-1)
    }

    private let counts = Counts()
    private let timer: DispatchSourceTimer

    /// Asks at once, then every `interval` while `progress` is called; `end` stops.
    init(status: String, notifier: SystemdNotifier) {
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "newsd.start-timeout"))
        timer.schedule(deadline: .now(), repeating: Self.interval)
        timer.setEventHandler { [counts] in
            let now = counts.steps.load(ordering: .relaxed)
            guard counts.whenAsked.exchange(now, ordering: .relaxed) != now else { return }
            notifier.status(status)
            notifier.extendStartTimeout(by: Self.extensionLength)
        }
        timer.resume()
    }

    /// The upgrade moved.
    @Sendable func progress() { counts.steps.add(1, ordering: .relaxed) }

    func end() { timer.cancel() }
}
