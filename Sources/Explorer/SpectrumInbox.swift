import Foundation
import Planning

/// Where the spectrum engines' worker threads drop their events, each tagged with its kind
/// (plain or data-aware); the UI thread drains it once per frame. The lock is the only thing
/// shared between the threads.
final class SpectrumInbox: @unchecked Sendable {
    /// One event as queued: what happened, how many of its kind are done of how many, and the kind.
    typealias Entry = (event: SpectrumEngine.Event, completed: Int, total: Int, kind: SpectrumKind)

    private let lock = NSLock()
    private var events: [Entry] = []
    private var complete = false

    /// Called from worker threads.
    func push(_ event: SpectrumEngine.Event, completed: Int, total: Int, kind: SpectrumKind) {
        lock.lock()
        events.append((event, completed, total, kind))
        lock.unlock()
    }

    /// Called once every engine's run is over.
    func markComplete() {
        lock.lock()
        complete = true
        lock.unlock()
    }

    /// Takes every event received so far.
    func drain() -> [Entry] {
        lock.lock()
        defer { lock.unlock() }
        let taken = events
        events = []
        return taken
    }

    /// True once the runs reported completion.
    var isComplete: Bool {
        lock.lock()
        defer { lock.unlock() }
        return complete
    }
}
