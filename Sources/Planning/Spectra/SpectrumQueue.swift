import Foundation

/// One piece of work of a run: request `request`'s estimate or its exact spectrum.
struct SpectrumWork: Sendable, Hashable {
    /// The index of the request in the run.
    let request: Int
    /// True for the partial estimate, false for the exact spectrum.
    let isEstimate: Bool
}

/// The engine's one work queue: pieces of work, handed out to worker threads each exactly once,
/// in the order added unless ``prioritize(_:)`` moves some to the front.
final class SpectrumQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var pending: [SpectrumWork] = []
    private var position = 0

    /// Adds `work` at the back, in this order.
    func enqueue(_ work: [SpectrumWork]) {
        lock.lock()
        pending += work
        lock.unlock()
    }

    /// The next piece of work, nil once all were handed out.
    func next() -> SpectrumWork? {
        lock.lock()
        defer { lock.unlock() }
        guard position < pending.count else { return nil }
        position += 1
        return pending[position - 1]
    }

    /// Moves the work not yet handed out for which `isUrgent` holds to the front, keeping its
    /// order among itself and the rest's among the rest; returns how many pieces moved.
    @discardableResult
    func prioritize(_ isUrgent: (SpectrumWork) -> Bool) -> Int {
        lock.lock()
        defer { lock.unlock() }
        let waiting = pending[position...]
        let urgent = waiting.filter(isUrgent)
        guard !urgent.isEmpty else { return 0 }
        pending.replaceSubrange(position..., with: urgent + waiting.filter { !isUrgent($0) })
        return urgent.count
    }

    /// How many pieces are not yet handed out.
    var remaining: Int {
        lock.lock()
        defer { lock.unlock() }
        return pending.count - position
    }
}
