/// A candidate greedy move.
struct Move {
    let layer: Int
    let state: Int
    let gain: Double
    let cost: Int
    var ratio: Double { gain / Double(cost) }
}

/// A binary max-heap of moves by gain per cost.
struct MoveHeap {
    private var items: [Move] = []

    mutating func push(_ move: Move) {
        items.append(move)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child].ratio > items[parent].ratio else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Move? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var largest = parent
            if left < items.count, items[left].ratio > items[largest].ratio { largest = left }
            if right < items.count, items[right].ratio > items[largest].ratio { largest = right }
            if largest == parent { break }
            items.swapAt(parent, largest)
            parent = largest
        }
        return top
    }
}
