import Foundation
import Planning

/// The explorer's one feed of spectra: one ``SpectrumEngine`` run over every row for each kind
/// the explorer shows (weights first, then data-aware when there are activation statistics),
/// partial estimates before exact spectra (see ``start(_:into:first:)``), each event reaching
/// the ``SpectrumInbox`` tagged with its kind and that kind's progress as soon as a worker
/// finishes it. The selected row of the shown kind can jump the queue
/// (``prioritize(_:kind:)``). The engine flushes the cache when the run ends, also when
/// cancelled (quitting cancels it: the run ends once its workers are out of the call they were in).
final class SpectrumFeed: @unchecked Sendable {
    private let engine: SpectrumEngine
    /// The kinds computed, in queue order.
    let kinds: [SpectrumKind]

    /// Runs `kinds` (in this order) over `engine`.
    init(engine: SpectrumEngine, kinds: [SpectrumKind]) {
        self.engine = engine
        self.kinds = kinds
    }

    /// Starts computing every kind of `entries`, pushing each event into `inbox` and marking it
    /// complete after the last (also when cancelled).
    ///
    /// **Order** (what the user looks at first): `first` (the selected matrix and kind), its
    /// estimate then its exact spectrum; then a partial estimate of every other matrix where its
    /// method has one and it pays (``SpectrumEstimate``), in catalog order, so block 0's matrices,
    /// one of each role, come before the rest; then the exact spectra in the same order, each
    /// replacing its estimate.
    func start(_ entries: [CatalogEntry], into inbox: SpectrumInbox, first: (name: String, kind: SpectrumKind)? = nil) {
        let requests = kinds.flatMap { kind in entries.map { SpectrumRequest($0, kind: kind, stages: .estimateThenExact) } }
        let isFirst = { (request: SpectrumRequest) in request.entry.info.name == first?.name && request.kind == first?.kind }
        engine.start(requests.filter(isFirst) + requests.filter { !isFirst($0) }, onEvent: { event, kind, progress in
            inbox.push(event, completed: progress.completed, total: progress.total, kind: kind)
        }, onCompletion: { _ in inbox.markComplete() })
        // The engine queues every estimate before every exact spectrum; the selected one's exact comes first.
        if let first { engine.prioritize(first.name, kind: first.kind) }
    }

    /// Computes the `kind` spectrum of `tensorName` next, if it is still waiting.
    @discardableResult
    func prioritize(_ tensorName: String, kind: SpectrumKind) -> Bool {
        engine.prioritize(tensorName, kind: kind) > 0
    }

    /// Asks the engine to stop; spectra finished so far are kept and cached.
    func cancel() {
        engine.cancel()
    }
}
