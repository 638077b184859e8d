import Foundation
import Planning

/// Where the spectrum engine's worker threads drop their events; the UI thread drains it
/// once per frame. The lock is the only thing shared between the threads.
final class SpectrumInbox: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [(SpectrumEngine.Event, SpectrumEngine.Progress)] = []
    private var complete = false

    /// Called from worker threads.
    func push(_ event: SpectrumEngine.Event, _ progress: SpectrumEngine.Progress) {
        lock.lock()
        events.append((event, progress))
        lock.unlock()
    }

    /// Called from the engine when the run is over.
    func markComplete() {
        lock.lock()
        complete = true
        lock.unlock()
    }

    /// Takes every event received so far.
    func drain() -> [(SpectrumEngine.Event, SpectrumEngine.Progress)] {
        lock.lock()
        defer { lock.unlock() }
        let taken = events
        events = []
        return taken
    }

    /// True once the engine reported completion.
    var isComplete: Bool {
        lock.lock()
        defer { lock.unlock() }
        return complete
    }
}
