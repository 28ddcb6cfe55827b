/// The body's phrase instances of the rows one ranking scored best: `RankFunction` reads every
/// match's instances to score it, and keeps those of the `capacity` best rows here, so that the
/// page's snippets are built from them (`SnippetBuilder`) without a second MATCH.
///
/// Used as `GroupTally` is: by one search, on the thread that steps its ranking statement; made
/// before the statement, filled while it steps, read after it. Rows scored alike at the edge may
/// be kept or not, as FTS5's sorter keeps them or not: a page row without instances here is
/// shown with FTS5's own snippet.
final class MatchPositions: @unchecked Sendable {
    /// What is kept of one row.
    struct Row {
        let score: Double
        /// Ordered by position, then phrase, as FTS5 lists a row's instances.
        let instances: [SnippetBuilder.Instance]
        /// The body's length in tokens.
        let bodyTokens: Int
    }

    /// The full-text index's column snippets show: the body.
    static let bodyColumn: Int32 = 1

    let capacity: Int
    /// The number of tokens each query phrase spans, noted at the first row.
    private(set) var phraseSizes: [Int] = []
    /// The kept rows' ids in a heap, the worst score at the top.
    private var heap: [(id: Int64, score: Double)] = []
    private var rows: [Int64: Row] = [:]
    /// The current row's instances as (position << 20 | phrase): sorting them orders them as FTS5 does.
    private var pending: [Int64] = []

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        heap.reserveCapacity(self.capacity)
    }

    /// The row with `id`, if it was among the best.
    func row(_ id: Int64) -> Row? { rows[id] }

    /// Whether the phrase sizes were noted (they are asked once, at the first row).
    var knowsPhrases: Bool { !phraseSizes.isEmpty }

    func notePhraseSizes(_ sizes: [Int]) { phraseSizes = sizes }

    /// Starts a row's instances.
    func beginRow() { pending.removeAll(keepingCapacity: true) }

    /// One instance of phrase `phrase` at token `position` of the body.
    func note(phrase: Int32, position: Int32) {
        pending.append(Int64(position) << 20 | Int64(phrase))
    }

    /// Whether a row scored `score` would be kept.
    func wants(_ score: Double) -> Bool {
        heap.count < capacity || score < heap[0].score
    }

    /// Keeps the row scored `score` with the instances noted since `beginRow`, dropping the worst
    /// kept row when full. Call only after `wants` said yes.
    func keep(id: Int64, score: Double, bodyTokens: Int) {
        pending.sort()
        let instances = pending.map { SnippetBuilder.Instance(phrase: Int($0 & 0xFFFFF), position: Int($0 >> 20)) }
        rows[id] = Row(score: score, instances: instances, bodyTokens: bodyTokens)
        if heap.count < capacity {
            heap.append((id, score))
            siftUp(heap.count - 1)
        } else {
            rows[heap[0].id] = nil
            heap[0] = (id, score)
            siftDown(0)
        }
    }

    private func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].score > heap[parent].score else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private func siftDown(_ start: Int) {
        var parent = start
        while true {
            var largest = parent
            for child in [2 * parent + 1, 2 * parent + 2] where child < heap.count && heap[child].score > heap[largest].score {
                largest = child
            }
            guard largest != parent else { return }
            heap.swapAt(parent, largest)
            parent = largest
        }
    }
}
