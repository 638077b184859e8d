import Foundation
import LinearAlgebra
import SafeTensors

/// Computes spectra of any ``SpectrumKind`` (weights, data-aware) of many matrices on one pool
/// of background worker threads fed by one work queue, serving cached ones first from one
/// ``SpectrumCache`` keyed by checkpoint shard, tensor and kind's method, reporting each result
/// with its kind's progress, and stopping early on request.
///
/// Each kind is computed by its ``SpectrumMethod``: ``GramSpectrumMethod`` for the weights and,
/// when the engine has activation statistics, ``WhitenedSpectrumMethod`` for data-aware spectra
/// (``whitening(of:)`` tells what each was whitened with). A request of a kind the engine has no
/// method for fails with a sentence saying so.
///
/// **Order.** Requests are computed in the order given, except that ``prioritize(_:kind:)``
/// moves a matrix still waiting to the front of the queue (the explorer's selected row), and
/// that every partial estimate of a run (``SpectrumRequest/Stages``) is queued before every
/// exact spectrum: a first picture of the whole model, then the exact spectra replacing it.
///
/// **Estimates.** A request asking for one gets ``Event/estimated(_:)`` with a ``Spectrum``
/// marked ``SpectrumExactness/estimate(leading:)`` (``SpectrumEstimate``'s rule and bounds)
/// when its method has an estimate and it pays; estimates are never written to the cache, and
/// one finishing after its exact spectrum is dropped. A request whose exact spectrum is cached
/// gets that instead, and so does one whose estimate would not be much cheaper.
///
/// **Workers and memory.** A run uses up to `workers` threads (default one per core), but only as
/// many as fit both the address-space limit (``AddressSpace/workersThatFit(_:bytesPerWorker:)``)
/// and the memory budget (default half the physical memory) for the largest matrix to compute,
/// by its method's ``SpectrumMethod/bytes(rows:columns:)``. OpenBLAS's thread count is
/// process-wide, so the engine chooses both numbers together: `cores / workers` BLAS threads
/// each, so with as many matrices as cores each worker runs BLAS single-threaded (independent
/// matrices scale better than one threaded BLAS call), and the two levels never oversubscribe.
///
/// **Cancellation.** ``cancel()`` closes the run within ``pollInterval``: nothing more is
/// reported or cached, and the cache is flushed. Workers stop at the next point their method
/// polls; one caught inside a call that cannot be interrupted (the eigen- or singular-value
/// solve, a Cholesky factorisation) finishes that call and drops the result. The run ends
/// (`onCompletion` is called, ``run(_:onProgress:onEvent:)`` returns) only once every worker
/// has returned (``workersInFlight`` is 0): a process must not exit while a worker is inside
/// BLAS (see ``LinearAlgebra/BLASWorkers``), so for a large matrix this wait can take seconds.
/// A spectrum finished after the cancellation is neither reported nor cached; one finished
/// before it is both.
public final class SpectrumEngine: @unchecked Sendable {
    /// How far a run (or one kind of it) has come.
    public struct Progress: Sendable, Equatable {
        /// Matrices requested.
        public var total: Int
        /// Matrices done (computed, cached or failed).
        public var completed: Int
        /// Of those, served from the cache.
        public var fromCache: Int
        /// Of those, failed.
        public var failed: Int
        /// Floating-point operations spent so far on computed matrices (by their methods' counts).
        public var flops: Double
        /// Partial estimates delivered (not counted in ``completed`` unless they are the
        /// request's last event, for ``SpectrumRequest/Stages/estimateOnly``).
        public var estimated = 0

        /// True when every requested matrix is done.
        public var isComplete: Bool { completed == total }

        /// Nothing requested, nothing done.
        public static let none = Progress(total: 0, completed: 0, fromCache: 0, failed: 0, flops: 0)
    }

    /// One matrix done.
    public enum Event: Sendable {
        /// The exact spectrum, and whether it came from the cache.
        case finished(Spectrum, fromCache: Bool)
        /// A partial estimate (``Spectrum/isEstimate``): for ``SpectrumRequest/Stages/estimateThenExact``
        /// the exact spectrum follows and replaces it.
        case estimated(Spectrum)
        /// The matrix could not be analysed.
        case failed(SpectrumError)
    }

    /// How often a run checks whether it was cancelled, to close it (nothing more reported or
    /// cached), in seconds.
    public static let pollInterval = 0.02

    let checkpoint: Checkpoint
    private let cache: SpectrumCache?
    let methods: [SpectrumKind: any SpectrumMethod]
    private let requestedWorkers: Int?
    private let memoryBudget: Double?
    let cancellation = CancellationFlag()
    private let lock = NSLock()
    private var batch: SpectrumBatch?
    private var whitenings: [String: WhiteningSummary] = [:]
    private var lastCacheWriteError: Error?

    /// An engine reading `checkpoint`, computing each kind by one of `methods`, using `cache`
    /// when given.
    ///
    /// - Parameters:
    ///   - workers: at most this many matrices at once (default: one per core).
    ///   - memoryBudget: bytes the concurrent matrices may use together, by their methods'
    ///     ``SpectrumMethod/bytes(rows:columns:)`` (default: half the physical memory). One
    ///     matrix always runs.
    public init(checkpoint: Checkpoint, cache: SpectrumCache?, methods: [any SpectrumMethod],
                workers: Int? = nil, memoryBudget: Double? = nil) {
        self.checkpoint = checkpoint
        self.cache = cache
        self.methods = Dictionary(methods.map { ($0.kind, $0) }, uniquingKeysWith: { first, _ in first })
        self.requestedWorkers = workers
        self.memoryBudget = memoryBudget
    }

    /// An engine computing weight spectra and, with `statistics`, data-aware ones whitened by
    /// them; see ``init(checkpoint:cache:methods:workers:memoryBudget:)``.
    public convenience init(checkpoint: Checkpoint, cache: SpectrumCache?, statistics: ActivationStatistics? = nil,
                            workers: Int? = nil, memoryBudget: Double? = nil) {
        let whitened = statistics.map { [WhitenedSpectrumMethod(statistics: $0) as any SpectrumMethod] } ?? []
        self.init(checkpoint: checkpoint, cache: cache, methods: [GramSpectrumMethod()] + whitened,
                  workers: workers, memoryBudget: memoryBudget)
    }

    /// The method computing `kind`, nil when this engine cannot compute it.
    public func method(for kind: SpectrumKind) -> (any SpectrumMethod)? { methods[kind] }

    /// Set when the last run could not write the cache (the spectra themselves are fine).
    public var cacheWriteError: Error? {
        lock.lock()
        defer { lock.unlock() }
        return lastCacheWriteError
    }

    /// Starts computing `requests` (those of matrices without a spectrum are reported as
    /// failed) and returns at once; cached spectra are reported before it returns. `onEvent` is
    /// called once per request, from worker threads, with the request's kind and the progress
    /// of that kind including it; `onCompletion` once after the last, also when cancelled, with
    /// the progress of the whole run, after the cache was flushed.
    public func start(_ requests: [SpectrumRequest],
                      onEvent: @escaping @Sendable (Event, SpectrumKind, Progress) -> Void,
                      onCompletion: @escaping @Sendable (Progress) -> Void = { _ in }) {
        begin(requests, deliver: { index, event, progress in onEvent(event, requests[index].kind, progress) },
              onCompletion: onCompletion)
    }

    /// Moves the spectra of `tensorName` still waiting in the current run to the front of the
    /// queue: of `kind` only, or of every kind in the order they were requested. Returns how
    /// many moved (none when they are done, under way or were never asked for).
    @discardableResult
    public func prioritize(_ tensorName: String, kind: SpectrumKind? = nil) -> Int {
        lock.lock()
        let batch = self.batch
        lock.unlock()
        guard let batch else { return 0 }
        return batch.queue.prioritize { work in
            let request = batch.requests[work.request]
            return request.entry.info.name == tensorName && (kind == nil || request.kind == kind)
        }
    }

    /// Asks the run to stop: it closes within ``pollInterval`` and ends once its workers have
    /// returned (see the type's documentation).
    public func cancel() {
        cancellation.cancel()
    }

    /// True once ``cancel()`` was called.
    public var isCancelled: Bool { cancellation.isCancelled }

    /// Worker threads of the current (or last) run still running: after ``cancel()``, those
    /// still inside a call that cannot be interrupted. The run ends when this reaches 0.
    public var workersInFlight: Int {
        lock.lock()
        let batch = self.batch
        lock.unlock()
        return batch?.workersInFlight ?? 0
    }

    /// The progress of the current (or last) run, all kinds together.
    public var currentProgress: Progress {
        lock.lock()
        let batch = self.batch
        lock.unlock()
        return batch?.total ?? .none
    }

    /// What the data-aware spectrum of `tensorName` delivered by a run was whitened with (also
    /// for spectra served from the cache); nil for a matrix not delivered.
    public func whitening(of tensorName: String) -> WhiteningSummary? {
        lock.lock()
        defer { lock.unlock() }
        return whitenings[tensorName]
    }

    /// Starts a run: `deliver` hears each event with its request's index.
    func begin(_ requests: [SpectrumRequest],
               deliver: @escaping @Sendable (Int, Event, Progress) -> Void,
               onCompletion: @escaping @Sendable (Progress) -> Void) {
        let batch = SpectrumBatch(requests, deliver: deliver)
        lock.lock()
        self.batch = batch
        lock.unlock()
        var first: [SpectrumWork] = [], then: [SpectrumWork] = []
        for (index, request) in requests.enumerated() {
            if let event = cachedEvent(request) { batch.report(index, event); continue }
            let estimates = request.stages != .exact && estimateLeading(request) != nil
            if estimates { first.append(SpectrumWork(request: index, isEstimate: true)) }
            if request.stages == .estimateThenExact || !estimates {
                // Quick exact spectra standing in for estimates belong to the first picture.
                let work = SpectrumWork(request: index, isEstimate: false)
                if request.stages == .estimateOnly { first.append(work) } else { then.append(work) }
            }
        }
        let pending = first + then
        batch.queue.enqueue(pending)
        let workers = workerCount(for: pending.map { (requests[$0.request], $0.isEstimate) })
        if workers > 0 { BLASThreads.count = max(1, ProcessInfo.processInfo.activeProcessorCount / workers) }
        batch.workersStarted(workers)
        for _ in 0..<workers {
            BLASWorkers.start { [self] in
                defer { batch.workerExited() }
                while !isCancelled, let work = batch.queue.next() {
                    let request = requests[work.request]
                    let analysed = work.isEstimate ? estimate(request) : analyse(request)
                    guard let outcome = analysed, !isCancelled else { continue }
                    // A failed estimate says nothing when the exact spectrum follows (it fails alike).
                    if work.isEstimate, case .failed = outcome.event, request.stages == .estimateThenExact { continue }
                    batch.report(work.request, outcome.event, flops: outcome.flops) {
                        if !work.isEstimate { store(outcome.values, of: request) }
                    }
                }
            }
        }
        DispatchQueue.global().async { [self] in
            batch.close(whenDoneOr: { isCancelled }, pollInterval: Self.pollInterval)
            var writeError: Error?
            do { try cache?.flush() } catch { writeError = error }
            lock.lock()
            lastCacheWriteError = writeError
            lock.unlock()
            // Flushed first, so a second Ctrl-C during this wait loses nothing finished.
            batch.waitForWorkers()
            onCompletion(batch.total)
        }
    }

    /// Threads for `pending`: as the type's documentation says; none for nothing to compute.
    private func workerCount(for pending: [(request: SpectrumRequest, isEstimate: Bool)]) -> Int {
        guard !pending.isEmpty else { return 0 }
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let largest = pending.compactMap { work -> Double? in
            let request = work.request
            guard let shape = request.entry.matrixShape, let method = methods[request.kind] else { return nil }
            if work.isEstimate, let leading = estimateLeading(request) {
                return SpectrumEstimate.estimateBytes(rows: shape.rows, columns: shape.columns, leading: leading)
            }
            return method.bytes(rows: shape.rows, columns: shape.columns)
        }.max() ?? 0
        var workers = AddressSpace.workersThatFit(max(1, min(requestedWorkers ?? cores, pending.count)), bytesPerWorker: largest)
        if largest > 0 {
            let budget = memoryBudget ?? Double(ProcessInfo.processInfo.physicalMemory) / 2
            let fitting = (budget / largest).rounded(.down)
            workers = max(1, min(workers, fitting.isFinite ? Int(max(0, fitting)) : workers))
        }
        return workers
    }

    /// The cached spectrum of `request`, when the cache holds its values (and its whitening,
    /// for a method that records one).
    private func cachedEvent(_ request: SpectrumRequest) -> Event? {
        let entry = request.entry, name = entry.info.name
        guard let cache, let method = methods[request.kind], entry.hasSpectrum, let shape = entry.matrixShape,
              let file = checkpoint.identity(of: entry.tensor),
              let values = cache.singularValues(of: name, in: file, method: method.cacheTag),
              values.count == min(shape.rows, shape.columns) else { return nil }
        if method.recordsWhitening {
            guard let whitening = cache.whitening(of: name, in: file, method: method.cacheTag) else { return nil }
            record(whitening, of: name)
        }
        return .finished(Spectrum(tensorName: name, rows: shape.rows, columns: shape.columns, singularValues: values), fromCache: true)
    }

    /// Caches freshly computed `values` of `request` and notes their whitening.
    private func store(_ values: SpectrumValues?, of request: SpectrumRequest) {
        guard let values, let method = methods[request.kind] else { return }
        let name = request.entry.info.name
        if let file = checkpoint.identity(of: request.entry.tensor) {
            cache?.store(values.singularValues, of: name, in: file, method: method.cacheTag)
            if let whitening = values.whitening { cache?.store(whitening, of: name, in: file, method: method.cacheTag) }
        }
        if let whitening = values.whitening { record(whitening, of: name) }
    }

    private func record(_ whitening: WhiteningSummary, of name: String) {
        lock.lock()
        whitenings[name] = whitening
        lock.unlock()
    }
}
