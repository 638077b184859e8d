import Foundation

/// The engine's one work queue: indices of requests, handed out to worker threads each exactly
/// once, in the order added unless ``prioritize(_:)`` moves some to the front.
final class SpectrumQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var pending: [Int] = []
    private var position = 0

    /// Adds `indices` at the back, in this order.
    func enqueue(_ indices: [Int]) {
        lock.lock()
        pending += indices
        lock.unlock()
    }

    /// The next index, nil once all were handed out.
    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard position < pending.count else { return nil }
        position += 1
        return pending[position - 1]
    }

    /// Moves the indices not yet handed out for which `isUrgent` holds to the front, keeping
    /// their order among themselves and the others' among theirs; returns how many moved.
    @discardableResult
    func prioritize(_ isUrgent: (Int) -> Bool) -> Int {
        lock.lock()
        defer { lock.unlock() }
        let waiting = pending[position...]
        let urgent = waiting.filter(isUrgent)
        guard !urgent.isEmpty else { return 0 }
        pending.replaceSubrange(position..., with: urgent + waiting.filter { !isUrgent($0) })
        return urgent.count
    }

    /// How many indices are not yet handed out.
    var remaining: Int {
        lock.lock()
        defer { lock.unlock() }
        return pending.count - position
    }
}
