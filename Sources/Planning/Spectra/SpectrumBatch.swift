import Foundation

/// One run of ``SpectrumEngine``: its requests, work queue and progress per kind, and the rules
/// that nothing is reported (or cached) once the run is closed, so `onCompletion` is the last
/// word a caller hears, and that no estimate is reported after its request's exact spectrum.
final class SpectrumBatch: @unchecked Sendable {
    /// What was asked, in the caller's order.
    let requests: [SpectrumRequest]
    /// The requests not served from the cache, as indices into ``requests``, for the workers.
    let queue: SpectrumQueue
    private let deliver: @Sendable (Int, SpectrumEngine.Event, SpectrumEngine.Progress) -> Void
    private let condition = NSCondition()
    private var progress: [SpectrumKind: SpectrumEngine.Progress] = [:]
    private var closed = false
    private var delivering = 0
    private var workersRunning = 0
    private var exactReported = Set<Int>()

    /// A run of `requests`; `deliver` hears each event with its request's index and the progress
    /// of its kind.
    init(_ requests: [SpectrumRequest], deliver: @escaping @Sendable (Int, SpectrumEngine.Event, SpectrumEngine.Progress) -> Void) {
        self.requests = requests
        self.deliver = deliver
        queue = SpectrumQueue()
        for request in requests {
            progress[request.kind, default: .none].total += 1
        }
    }

    /// True when `event` is request `index`'s last: anything but the estimate of a request whose
    /// exact spectrum follows.
    func isFinal(_ event: SpectrumEngine.Event, of index: Int) -> Bool {
        if case .estimated = event { return requests[index].stages != .estimateThenExact }
        return true
    }

    /// Reports request `index`'s event, `flops` spent on it; `accept` runs first, under the lock
    /// (the engine caches the result there), and neither happens once the run is closed, nor for
    /// an estimate once the request's exact spectrum was reported. Only a request's final event
    /// (``isFinal(_:of:)``) counts as completed; every estimate counts in `estimated`.
    func report(_ index: Int, _ event: SpectrumEngine.Event, flops: Double = 0, accept: () -> Void = {}) {
        let kind = requests[index].kind
        condition.lock()
        guard !closed else { return condition.unlock() }
        if case .estimated = event {
            guard !exactReported.contains(index) else { return condition.unlock() }
            progress[kind]?.estimated += 1
        } else {
            exactReported.insert(index)
        }
        accept()
        if isFinal(event, of: index) { progress[kind]?.completed += 1 }
        progress[kind]?.flops += flops
        switch event {
        case .finished(_, let fromCache): if fromCache { progress[kind]?.fromCache += 1 }
        case .estimated: break
        case .failed: progress[kind]?.failed += 1
        }
        let snapshot = progress[kind]!
        delivering += 1
        condition.unlock()
        deliver(index, event, snapshot)
        condition.lock()
        delivering -= 1
        condition.broadcast()
        condition.unlock()
    }

    /// Counts `count` worker threads as started.
    func workersStarted(_ count: Int) {
        condition.lock()
        workersRunning += count
        condition.unlock()
    }

    /// Called by a worker thread as it ends.
    func workerExited() {
        condition.lock()
        workersRunning -= 1
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until every worker has ended, or `isCancelled` holds (checked every `pollInterval`
    /// seconds), then closes the run: reports still under way finish, later ones are dropped.
    func close(whenDoneOr isCancelled: () -> Bool, pollInterval: Double) {
        condition.lock()
        defer { condition.unlock() }
        while workersRunning > 0 && !isCancelled() {
            _ = condition.wait(until: Date(timeIntervalSinceNow: pollInterval))
        }
        closed = true
        while delivering > 0 { condition.wait() }
    }

    /// Worker threads of this run that have not ended yet.
    var workersInFlight: Int {
        condition.lock()
        defer { condition.unlock() }
        return workersRunning
    }

    /// Blocks until every worker thread of this run has ended (after a cancellation: returned
    /// from the BLAS or LAPACK call it was in).
    func waitForWorkers() {
        condition.lock()
        defer { condition.unlock() }
        while workersRunning > 0 { condition.wait() }
    }

    /// The progress of `kind`'s requests (all zero when there are none).
    func progress(of kind: SpectrumKind) -> SpectrumEngine.Progress {
        condition.lock()
        defer { condition.unlock() }
        return progress[kind] ?? .none
    }

    /// The progress of every request together.
    var total: SpectrumEngine.Progress {
        condition.lock()
        defer { condition.unlock() }
        return progress.values.reduce(SpectrumEngine.Progress.none) {
            SpectrumEngine.Progress(total: $0.total + $1.total, completed: $0.completed + $1.completed,
                                    fromCache: $0.fromCache + $1.fromCache, failed: $0.failed + $1.failed, flops: $0.flops + $1.flops,
                                    estimated: $0.estimated + $1.estimated)
        }
    }
}
