import Foundation

/// Blocking runs, for the command line and tests: events in the order asked.
extension SpectrumEngine {
    /// Computes `requests`, blocking, and returns the events in the order of `requests` (fewer
    /// when cancelled: matrices not finished by then are left out): one per request, its last
    /// (an estimate only for ``SpectrumRequest/Stages/estimateOnly``). `onEvent` and `onProgress`
    /// are called on the calling thread, in that order, once per delivered event, also in input
    /// order, with the progress of the whole run. The cache is flushed before it returns.
    public func run(_ requests: [SpectrumRequest], onProgress: (Progress) -> Void = { _ in },
                    onEvent: (Event) -> Void = { _ in }) -> [Event] {
        let slots = EventSlots(count: requests.count)
        let done = DispatchSemaphore(value: 0)
        begin(requests, deliver: { index, event, _ in
            // An estimate the exact spectrum replaces is not the request's event.
            if case .estimated = event, requests[index].stages == .estimateThenExact { return }
            slots.fill(index, with: event)
        }, onCompletion: { _ in
            slots.skipPending()
            done.signal()
        })
        var progress = Progress.none
        progress.total = requests.count
        var events: [Event] = []
        for index in requests.indices {
            guard let event = slots.wait(for: index) else { continue }
            events.append(event)
            progress.completed += 1
            switch event {
            case .finished(_, let fromCache):
                if fromCache { progress.fromCache += 1 } else if let shape = requests[index].entry.matrixShape,
                                                                 let method = method(for: requests[index].kind) {
                    progress.flops += method.flops(rows: shape.rows, columns: shape.columns)
                }
            case .estimated: progress.estimated += 1
            case .failed: progress.failed += 1
            }
            onEvent(event)
            onProgress(progress)
        }
        done.wait()
        return events
    }

    /// ``run(_:onProgress:onEvent:)`` of the `kind` spectra of `entries`, in `stages`.
    public func run(_ entries: [CatalogEntry], kind: SpectrumKind = .weights, stages: SpectrumRequest.Stages = .exact,
                    onProgress: (Progress) -> Void = { _ in }, onEvent: (Event) -> Void = { _ in }) -> [Event] {
        run(entries.map { SpectrumRequest($0, kind: kind, stages: stages) }, onProgress: onProgress, onEvent: onEvent)
    }
}

/// One event per request, filled by workers and awaited in order by the caller.
private final class EventSlots: @unchecked Sendable {
    private enum Slot { case pending, skipped, done(SpectrumEngine.Event) }
    private let condition = NSCondition()
    private var slots: [Slot]

    init(count: Int) {
        slots = Array(repeating: .pending, count: count)
    }

    /// Fills slot `index` with `event`.
    func fill(_ index: Int, with event: SpectrumEngine.Event) {
        condition.lock()
        slots[index] = .done(event)
        condition.broadcast()
        condition.unlock()
    }

    /// Marks every slot still pending as skipped: the run is over.
    func skipPending() {
        condition.lock()
        for index in slots.indices { if case .pending = slots[index] { slots[index] = .skipped } }
        condition.broadcast()
        condition.unlock()
    }

    /// The event of slot `index` once filled; nil when it was skipped.
    func wait(for index: Int) -> SpectrumEngine.Event? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            switch slots[index] {
            case .done(let event): return event
            case .skipped: return nil
            case .pending: condition.wait()
            }
        }
    }
}
