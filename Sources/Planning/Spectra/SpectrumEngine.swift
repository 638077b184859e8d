import Foundation
import LinearAlgebra
import SafeTensors

/// Computes spectra of many matrices on a pool of background worker threads, serving cached
/// ones first, reporting each result and the running progress, and stopping early on request.
///
/// Threads: OpenBLAS's thread count is process-wide, so the engine chooses both numbers
/// together. With at least as many matrices to compute as cores, each of `cores` workers runs
/// BLAS single-threaded (independent matrices scale better than one threaded BLAS call);
/// with fewer matrices, fewer workers each get a share of the cores.
public final class SpectrumEngine: @unchecked Sendable {
    /// How far a run has come.
    public struct Progress: Sendable, Equatable {
        /// Matrices requested.
        public var total: Int
        /// Matrices done (computed, cached or failed).
        public var completed: Int
        /// Of those, served from the cache.
        public var fromCache: Int
        /// Of those, failed.
        public var failed: Int
        /// Floating-point operations spent so far on computed matrices (Gram + eigenvalues).
        public var flops: Double

        /// True when every requested matrix is done.
        public var isComplete: Bool { completed == total }
    }

    /// One matrix done.
    public enum Event: Sendable {
        /// The spectrum, and whether it came from the cache.
        case finished(Spectrum, fromCache: Bool)
        /// The matrix could not be analysed.
        case failed(SpectrumError)
    }

    private let checkpoint: Checkpoint
    private let cache: SpectrumCache?
    private let requestedWorkers: Int?
    private let lock = NSLock()
    private let cancellation = CancellationFlag()
    private var progress = Progress(total: 0, completed: 0, fromCache: 0, failed: 0, flops: 0)
    private let group = DispatchGroup()

    /// Set when the last run could not write the cache (the spectra themselves are fine).
    public private(set) var cacheWriteError: Error?

    /// An engine reading `checkpoint`, using `cache` when given, with at most `workers` threads
    /// (default: one per core).
    public init(checkpoint: Checkpoint, cache: SpectrumCache?, workers: Int? = nil) {
        self.checkpoint = checkpoint
        self.cache = cache
        self.requestedWorkers = workers
    }

    /// Starts analysing `entries` (those without a spectrum are reported as failed) and returns
    /// at once. `onEvent` is called from worker threads, once per entry, with the progress
    /// including that entry; `onCompletion` once after the last, also when cancelled.
    public func start(_ entries: [CatalogEntry],
                      onEvent: @escaping @Sendable (Event, Progress) -> Void,
                      onCompletion: @escaping @Sendable (Progress) -> Void = { _ in }) {
        lock.lock()
        progress = Progress(total: entries.count, completed: 0, fromCache: 0, failed: 0, flops: 0)
        lock.unlock()
        let pending = entries.filter { entry in
            guard let values = cachedValues(entry), let shape = entry.matrixShape else { return true }
            let spectrum = Spectrum(tensorName: entry.info.name, rows: shape.rows, columns: shape.columns, singularValues: values)
            report(.finished(spectrum, fromCache: true), onEvent)
            return false
        }
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let largestWork = pending.compactMap(\.matrixShape).map { shape -> Double in
            let s = Double(min(shape.rows, shape.columns)), long = max(shape.rows, shape.columns)
            return 8 * s * (s + Double(min(long, SingularValues.automaticPanelWidth(smallerSide: Int(s)))))
        }.max() ?? 0
        let workers = AddressSpace.workersThatFit(max(1, min(requestedWorkers ?? cores, pending.count)),
                                                  bytesPerWorker: largestWork)
        BLASThreads.count = max(1, cores / workers)
        let queue = WorkQueue(pending)
        for _ in 0..<workers {
            group.enter()
            let thread = Thread { [self] in
                defer { group.leave() }
                while !isCancelled, let entry = queue.next() {
                    if let event = analyse(entry) { report(event, onEvent) }
                }
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        group.notify(queue: DispatchQueue.global()) { [self] in
            cacheWriteError = nil
            do { try cache?.flush() } catch { cacheWriteError = error }
            onCompletion(currentProgress)
        }
    }

    /// Runs `entries` to completion (or cancellation), blocking the calling thread, and returns
    /// every event in the order the entries were given. The cache is flushed before it returns.
    public func run(_ entries: [CatalogEntry], onProgress: @escaping @Sendable (Progress) -> Void = { _ in }) -> [Event] {
        let collected = EventCollector()
        let done = DispatchSemaphore(value: 0)
        start(entries, onEvent: { event, progress in
            collected.append(event)
            onProgress(progress)
        }, onCompletion: { _ in done.signal() })
        done.wait()
        let order = Dictionary(uniqueKeysWithValues: entries.enumerated().map { ($1.info.name, $0) })
        return collected.events.sorted { order[Self.name(of: $0)] ?? 0 < order[Self.name(of: $1)] ?? 0 }
    }

    /// Asks the workers to stop after their current matrix (or sooner: the Gram accumulation
    /// checks between panels).
    public func cancel() {
        cancellation.cancel()
    }

    /// True once ``cancel()`` was called.
    public var isCancelled: Bool { cancellation.isCancelled }

    /// The progress so far.
    public var currentProgress: Progress {
        lock.lock()
        defer { lock.unlock() }
        return progress
    }

    /// Flops of the Gram-plus-eigenvalues method on an m×n matrix, s = min(m, n):
    /// s²·max(m, n) for the symmetric rank-k update and 4s³/3 for the tridiagonal reduction.
    public static func flops(rows: Int, columns: Int) -> Double {
        let small = Double(min(rows, columns))
        let large = Double(max(rows, columns))
        return small * small * large + 4.0 / 3.0 * small * small * small
    }

    private static func name(of event: Event) -> String {
        switch event {
        case .finished(let spectrum, _): return spectrum.tensorName
        case .failed(let error): return error.tensorName
        }
    }

    private func cachedValues(_ entry: CatalogEntry) -> [Double]? {
        guard let cache, let shape = entry.matrixShape, let file = checkpoint.identity(of: entry.tensor) else { return nil }
        guard let values = cache.singularValues(of: entry.info.name, in: file),
              values.count == min(shape.rows, shape.columns) else { return nil }
        return values
    }

    /// The event for one matrix; nil when the run was cancelled while computing it.
    private func analyse(_ entry: CatalogEntry) -> Event? {
        let name = entry.info.name
        guard entry.hasSpectrum, let shape = entry.matrixShape, let format = ScalarFormat(entry.info.dtype) else {
            return .failed(SpectrumError(tensorName: name, problem: "is a \(entry.tensor.typeName) tensor of shape \(entry.info.shape), not a floating-point matrix, so it has no spectrum"))
        }
        do {
            let values = try checkpoint.withBytes(of: entry.tensor) { bytes -> [Double] in
                guard let base = bytes.baseAddress, shape.rows > 0, shape.columns > 0 else { return [] }
                let source = MatrixSource(base: base, rows: shape.rows, columns: shape.columns, format: format)
                return try SingularValues.compute(source, isCancelled: { [self] in isCancelled })
            }
            if let file = checkpoint.identity(of: entry.tensor) { cache?.store(values, of: name, in: file) }
            lock.lock()
            progress.flops += Self.flops(rows: shape.rows, columns: shape.columns)
            lock.unlock()
            return .finished(Spectrum(tensorName: name, rows: shape.rows, columns: shape.columns, singularValues: values), fromCache: false)
        } catch LinearAlgebraError.cancelled {
            return nil
        } catch let error as LinearAlgebraError {
            return .failed(SpectrumError(tensorName: name, problem: error.description))
        } catch {
            return .failed(SpectrumError(tensorName: name, problem: String(describing: error)))
        }
    }

    private func report(_ event: Event, _ onEvent: @Sendable (Event, Progress) -> Void) {
        lock.lock()
        progress.completed += 1
        switch event {
        case .finished(_, let fromCache): if fromCache { progress.fromCache += 1 }
        case .failed: progress.failed += 1
        }
        let snapshot = progress
        lock.unlock()
        onEvent(event, snapshot)
    }
}

/// Hands out entries to worker threads, each exactly once.
private final class WorkQueue: @unchecked Sendable {
    private let lock = NSLock()
    private let entries: [CatalogEntry]
    private var nextIndex = 0

    init(_ entries: [CatalogEntry]) {
        self.entries = entries
    }

    func next() -> CatalogEntry? {
        lock.lock()
        defer { lock.unlock() }
        guard nextIndex < entries.count else { return nil }
        nextIndex += 1
        return entries[nextIndex - 1]
    }
}

/// Collects events delivered from several threads.
private final class EventCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [SpectrumEngine.Event] = []

    func append(_ event: SpectrumEngine.Event) {
        lock.lock()
        storage.append(event)
        lock.unlock()
    }

    var events: [SpectrumEngine.Event] {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }
}
