/// The body's phrase instances of the rows one ranking scored best: `RankFunction` reads every
/// match's instances to score it, and keeps those of the `capacity` best rows here, so that the
/// page's snippets are built from them (`SnippetBuilder`) without a second MATCH.
///
/// Used as `GroupTally` is: by one search, on the thread that steps its ranking statement; made
/// before the statement, filled while it steps, read after it. Its rows are the relevance
/// window itself (`WindowedSearch`); a page row without instances here (a page read another
/// way) is shown with FTS5's own snippet.
///
/// A broad query keeps and drops thousands of rows on its way to the best (`compan* OR said` at
/// offset 500 reads a window of thousands), so keeping one costs a copy into one shared buffer
/// and a step in a heap: no allocation, no sorting and no lookup until the page asks. The
/// state the ranking touches for every match skips Swift's run-time exclusivity checks: one
/// thread uses it at a time, never two accesses at once.
final class MatchPositions: @unchecked Sendable {
    /// The full-text index's column snippets show: the body, its first (`IndexSchema.createBodyFirstFullTextIndex`).
    static let bodyColumn: Int32 = 0

    let capacity: Int
    /// The number of tokens each query phrase spans, noted at the first row.
    private(set) var phraseSizes: [Int] = []

    /// A kept row: its instances are `count` values of `arena` from `start`. Kept by `score`;
    /// `value` is what it shows (the same, unless rows are kept in another order than their score's).
    private struct Kept {
        let id: Int64
        let score: Double
        let value: Double
        var start: Int
        let count: Int
    }

    /// The kept rows in a heap, the worst score at the top.
    @exclusivity(unchecked) private var heap: [Kept] = []
    /// Instances as (position << 20 | phrase), so that sorting them orders them as FTS5 does.
    @exclusivity(unchecked) private var arena: [Int64] = []
    /// Values of `arena` no kept row uses any more.
    @exclusivity(unchecked) private var dropped = 0
    /// The current row's instances: the first `pendingCount` values (the buffer is reused
    /// from row to row, never emptied).
    @exclusivity(unchecked) private var pending: [Int64] = []
    @exclusivity(unchecked) private var pendingCount = 0
    /// Kept rows by id, made when first asked (after the statement).
    @exclusivity(unchecked) private var places: [Int64: Int]?

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        heap.reserveCapacity(self.capacity)
    }

    /// Whether the phrase sizes were noted (they are asked once, at the first row).
    var knowsPhrases: Bool { !phraseSizes.isEmpty }

    func notePhraseSizes(_ sizes: [Int]) { phraseSizes = sizes }

    /// Rows the ranking scored (each begun once).
    @exclusivity(unchecked) private(set) var rows = 0

    /// Starts a row's instances.
    func beginRow() {
        pendingCount = 0
        rows += 1
    }

    /// One instance of phrase `phrase` at token `position` of the body.
    func note(phrase: Int32, position: Int32) {
        let value = Int64(position) << 20 | Int64(phrase)
        if pendingCount < pending.count { pending[pendingCount] = value } else { pending.append(value) }
        pendingCount += 1
    }

    /// The worst score a kept row can have, when known before the ranking (see
    /// `WindowedSearch.arrivalBound`): a row scored worse cannot be among the best.
    @exclusivity(unchecked) var bound = Double.infinity

    /// Whether a row scored `score` would be kept.
    func wants(_ score: Double) -> Bool {
        score <= bound && (heap.count < capacity || score < heap[0].score)
    }

    /// Keeps the row scored `score` with the instances noted since `beginRow`, dropping the worst
    /// kept row when full; `value`: what it shows, if not its score. Call only after `wants` said yes.
    func keep(id: Int64, score: Double, value: Double? = nil) {
        if places != nil { places = nil }
        let kept = Kept(id: id, score: score, value: value ?? score, start: arena.count, count: pendingCount)
        arena.append(contentsOf: pending[..<pendingCount])
        if heap.count < capacity {
            heap.append(kept)
            siftUp(heap.count - 1)
        } else {
            dropped += heap[0].count
            heap[0] = kept
            siftDown(0)
            if dropped > 4_096, dropped > arena.count / 2 { compact() }
        }
    }

    /// The instances of the row with `id`, ordered by position, then phrase (as FTS5 lists
    /// them), if it was among the best.
    func instances(of id: Int64) -> [SnippetBuilder.Instance]? {
        guard let place = place(of: id) else { return nil }
        let kept = heap[place]
        return arena[kept.start..<(kept.start + kept.count)].sorted()
            .map { SnippetBuilder.Instance(phrase: Int($0 & 0xFFFFF), position: Int($0 >> 20)) }
    }

    /// The kept rows' ids, scores and values, best first (rows scored alike in no particular order).
    var best: [(id: Int64, score: Double, value: Double)] {
        heap.map { (id: $0.id, score: $0.score, value: $0.value) }.sorted { $0.score < $1.score }
    }

    /// Whether the row with `id` was among the best.
    func holds(_ id: Int64) -> Bool { place(of: id) != nil }

    private func place(of id: Int64) -> Int? {
        if places == nil { places = Dictionary(heap.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first }) }
        return places?[id]
    }

    /// Moves the kept rows' instances to a new buffer, leaving the dropped ones behind.
    private func compact() {
        var moved: [Int64] = []
        moved.reserveCapacity(arena.count - dropped)
        for place in heap.indices {
            let kept = heap[place]
            heap[place].start = moved.count
            moved.append(contentsOf: arena[kept.start..<(kept.start + kept.count)])
        }
        arena = moved
        dropped = 0
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
            let left = 2 * parent + 1, right = left + 1
            var largest = parent
            if left < heap.count, heap[left].score > heap[largest].score { largest = left }
            if right < heap.count, heap[right].score > heap[largest].score { largest = right }
            guard largest != parent else { return }
            heap.swapAt(parent, largest)
            parent = largest
        }
    }
}
