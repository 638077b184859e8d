/// A binary min-heap of candidate merges ordered by (rank, position).
struct MergeQueue {
    /// One candidate: `order` is rank << 32 | position.
    struct Entry {
        let order: UInt64
        let mergedID: Int32
        var position: Int { Int(order & 0xFFFF_FFFF) }
    }

    private var heap: [Entry] = []

    /// Adds the merge `packed` (rank << 32 | merged id) of the pair starting at `position`.
    mutating func push(_ packed: UInt64, at position: Int) {
        heap.append(Entry(order: (packed & 0xFFFF_FFFF_0000_0000) | UInt64(position), mergedID: Int32(truncatingIfNeeded: packed)))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            if heap[parent].order <= heap[child].order { break }
            heap.swapAt(parent, child)
            child = parent
        }
    }

    /// Removes and returns the lowest (rank, position).
    mutating func pop() -> Entry? {
        guard let first = heap.first else { return nil }
        let last = heap.removeLast()
        if heap.isEmpty { return first }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            if left >= heap.count { break }
            var smallest = left
            if left + 1 < heap.count && heap[left + 1].order < heap[left].order { smallest = left + 1 }
            if heap[parent].order <= heap[smallest].order { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return first
    }
}
