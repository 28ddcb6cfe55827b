import Dispatch
import Synchronization
import NewsIndex

/// Reads and analyses a list of inbox entries on every core, ahead of the writer: while the
/// index writes chunk N in one transaction, the chunks after it are being read and parsed (how
/// many, the scan decides: `IngestService.entriesReadAhead`). On 2 cores this keeps both busy
/// during a bulk ingest instead of alternating read and write.
struct ParallelReader: Sendable {
    let reader: ChangeReader
    /// Called as each entry is done: reading a chunk is progress the watchdog must see.
    let onEach: @Sendable () -> Void

    /// One entry to look at: its inbox path and what the index has recorded for it.
    struct Entry: Sendable {
        var path: String
        var known: FileStamp?
    }

    /// The changes for `entries`, in their order (nil where nothing is to be done).
    func changes(for entries: [Entry], reread: Bool) -> [ChangeReader.Reading?] {
        let results = ResultSlots(count: entries.count)
        BackgroundThreads.shared.concurrentPerform(iterations: entries.count) { position in
            let entry = entries[position]
            results.set(position, reader.change(for: entry.path, known: entry.known, reread: reread))
            onEach()
        }
        return results.values
    }

    /// Starts reading `entries` on the background threads and returns at once; `wait()`
    /// returns the changes. No thread waits meanwhile: the last reader to finish delivers them.
    func prefetch(_ entries: [Entry], reread: Bool) -> Prefetch {
        let prefetch = Prefetch()
        let results = ResultSlots(count: entries.count)
        BackgroundThreads.shared.perform(iterations: entries.count, { position in
            let entry = entries[position]
            results.set(position, reader.change(for: entry.path, known: entry.known, reread: reread))
            onEach()
        }, then: { prefetch.fulfil(results.values) })
        return prefetch
    }

    /// The changes of one chunk, delivered once.
    final class Prefetch: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var result: [ChangeReader.Reading?] = []

        fileprivate func fulfil(_ changes: [ChangeReader.Reading?]) {
            result = changes
            done.signal()
        }

        /// Blocks until the chunk is read (the semaphore orders the write before this read).
        func wait() -> [ChangeReader.Reading?] {
            done.wait()
            return result
        }
    }

    /// Slots written by `concurrentPerform`, each by exactly one iteration.
    private final class ResultSlots: Sendable {
        private let storage: Mutex<[ChangeReader.Reading?]>

        init(count: Int) { storage = Mutex(Array(repeating: nil, count: count)) }

        func set(_ position: Int, _ value: ChangeReader.Reading?) {
            storage.withLock { $0[position] = value }
        }

        var values: [ChangeReader.Reading?] { storage.withLock { $0 } }
    }
}
