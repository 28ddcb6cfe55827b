import Synchronization

/// A flag one task or thread sets and others read (a stop request, a milestone reached).
final class SharedFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    func set() { flag.store(true, ordering: .relaxed) }
    var isSet: Bool { flag.load(ordering: .relaxed) }
}
