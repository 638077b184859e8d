import Foundation
import LinearAlgebra
import SafeTensors

/// Computes data-aware spectra (singular values of `W·S`, see ``Whitening``) of many matrices on
/// a pool of worker threads, serving cached ones first, delivering events in input order and
/// returning promptly on ``cancel()``.
///
/// **Workers and memory.** Each matrix is whitened into a dense double `W·S` (built row panel by
/// row panel, so `W` itself is never held in double) and handed to `dgesdd`: about
/// ``bytes(rows:columns:)`` of memory per matrix, far more than ``SpectrumEngine``'s Gram method.
/// So a run uses up to `workers` threads (default one per core) but only as many as fit both the
/// address-space limit (``AddressSpace/workersThatFit(_:bytesPerWorker:)``) and the memory
/// budget (default half the physical memory) for the largest matrix to compute; OpenBLAS gets
/// `cores / workers` threads (process-wide, see ``BLASThreads``), so the two levels of
/// parallelism never oversubscribe the cores.
///
/// **Why not the Gram route.** ``SingularValues`` takes plain spectra as square roots of the
/// eigenvalues of the smaller Gram matrix, which is interruptible between panels but has an
/// absolute error of about `ε·σ_max²/σᵢ`. Whitening makes `W·S` ill-conditioned (activation
/// channels span many decades): measured against numpy's `svd(W @ S)`, the Gram route's relative
/// output-error estimates `√(tail_k/total)` were off by 1.6e-8 at condition 7e4 (the end-to-end
/// test's 16×10 case, whose tolerance is 1e-8), 8e-7 at 6e5, and 100% at 6e9 (activations
/// spanning eight decades, common in LLMs with outlier channels). So the singular values stay
/// `dgesdd`'s, backward stable.
///
/// **Cancellation.** The flag is polled while `W` is converted and whitened (between row
/// panels), before and after the whitening's Cholesky factorisation and before the SVD. Two
/// LAPACK calls cannot be interrupted: `dpotrf` of the n×n second moment (`n³/3` flops) and
/// `dgesdd` of `W·S` (about `4·max·min²`). ``run(_:onProgress:onEvent:)`` does not wait for
/// them: once cancelled it returns within ``pollInterval`` with the events already finished,
/// and a worker caught inside one of those calls finishes it in the background (holding its
/// memory and BLAS threads until then), drops the result and exits. Spectra of a cancelled run
/// are never stored in the cache half-done; a matrix that finished before the cancellation is.
///
/// Events and progress are ``SpectrumEngine``'s, so callers treat both engines alike;
/// ``whitening(of:)`` tells what each spectrum was whitened with.
///
/// For the explorer: keep two spectra per entry, plain and data-aware; fill the second from this
/// engine on a background thread, with `SpectrumCache(directory:statisticsFingerprint:)`; and
/// build `PlannedTensor(entry:spectrum:)` from whichever kind is shown, so a key that switches
/// kinds also switches every estimate and the budget allocation to output errors.
public final class DataAwareSpectrumEngine: @unchecked Sendable {
    private let checkpoint: Checkpoint
    private let statistics: ActivationStatistics
    private let cache: SpectrumCache?
    private let requestedWorkers: Int?
    private let memoryBudget: Double?
    private let cancellation = CancellationFlag()
    private let lock = NSLock()
    private var whitenings: [String: WhiteningSummary] = [:]

    /// How often a cancelled run checks whether to stop waiting for a matrix, in seconds.
    public static let pollInterval = 0.02

    /// Elements per row panel of `W` converted and whitened at a time (32 MiB of doubles), so
    /// cancellation is noticed between panels and `W` is never held whole in double.
    public static let panelElements = 1 << 22

    /// Set when the last run could not write the cache (the spectra themselves are fine).
    public private(set) var cacheWriteError: Error?

    /// An engine whitening matrices of `checkpoint` by `statistics`, using `cache` when given; the
    /// cache must have been made with the statistics' fingerprint
    /// (`SpectrumCache(directory:statisticsFingerprint:)`).
    ///
    /// - Parameters:
    ///   - workers: at most this many matrices at once (default: one per core).
    ///   - memoryBudget: bytes the concurrent matrices may use together, estimated by
    ///     ``bytes(rows:columns:)`` (default: half the physical memory). One matrix always runs.
    public init(checkpoint: Checkpoint, statistics: ActivationStatistics, cache: SpectrumCache?,
                workers: Int? = nil, memoryBudget: Double? = nil) {
        precondition(cache.map { $0.method != SpectrumCache.methodTag } ?? true,
                     "a data-aware engine needs a cache keyed by the statistics fingerprint")
        self.checkpoint = checkpoint
        self.statistics = statistics
        self.cache = cache
        self.requestedWorkers = workers
        self.memoryBudget = memoryBudget
    }

    /// Asks the run to stop: it returns within ``pollInterval`` (see the type's documentation).
    public func cancel() {
        cancellation.cancel()
    }

    /// True once ``cancel()`` was called.
    public var isCancelled: Bool { cancellation.isCancelled }

    /// What the spectrum of `tensorName` delivered by a run was whitened with (also for spectra
    /// served from the cache); nil for a matrix not delivered.
    public func whitening(of tensorName: String) -> WhiteningSummary? {
        lock.lock()
        defer { lock.unlock() }
        return whitenings[tensorName]
    }

    /// Flops of one data-aware spectrum of an m×n matrix: m·n² for `W·S` (triangular product)
    /// and about 4·max·min² for the singular values.
    public static func flops(rows: Int, columns: Int) -> Double {
        let m = Double(rows), n = Double(columns)
        return m * n * n + 4 * max(m, n) * min(m, n) * min(m, n)
    }

    /// Peak bytes of one data-aware spectrum of an m×n matrix, the larger of its two phases:
    /// reading and factoring the second moment (up to three n×n matrices: the moment, a shifted
    /// copy, the factor), then the factor, `W·S` in double (which `dgesdd` works in), a converted
    /// and a whitened row panel, and `dgesdd`'s workspace. Conservative for diagonal statistics.
    public static func bytes(rows: Int, columns: Int) -> Double {
        let m = Double(rows), n = Double(columns), small = Double(min(rows, columns))
        let panel = Double(panelRows(rows: rows, columns: columns)) * n
        let factoring = 3 * n * n
        let decomposing = n * n + m * n + 2 * panel + 11 * small + max(m, n) + 4 * small
        return 8 * max(factoring, decomposing)
    }

    /// Rows per panel: ``panelElements`` worth, at least one, at most the matrix.
    static func panelRows(rows: Int, columns: Int) -> Int {
        max(1, min(rows, panelElements / max(columns, 1)))
    }

    /// Analyses `entries`, blocking, and returns the events in the order of `entries` (fewer
    /// when cancelled: matrices not finished by then are left out). `onEvent` and `onProgress`
    /// are called on the calling thread, in that order, once per delivered event, also in input
    /// order. The cache is flushed before it returns.
    public func run(_ entries: [CatalogEntry], onProgress: (SpectrumEngine.Progress) -> Void = { _ in },
                    onEvent: (SpectrumEngine.Event) -> Void = { _ in }) -> [SpectrumEngine.Event] {
        let slots = EventSlots(count: entries.count)
        var pending: [Int] = []
        for (index, entry) in entries.enumerated() {
            if let event = cachedEvent(entry) { slots.fill(index, with: event) } else { pending.append(index) }
        }
        startWorkers(for: pending, of: entries, filling: slots)

        var progress = SpectrumEngine.Progress(total: entries.count, completed: 0, fromCache: 0, failed: 0, flops: 0)
        var events: [SpectrumEngine.Event] = []
        for (index, entry) in entries.enumerated() {
            guard let event = slots.wait(for: index, pollInterval: Self.pollInterval, giveUp: { isCancelled }) else { continue }
            events.append(event)
            progress.completed += 1
            switch event {
            case .finished(_, let fromCache):
                if fromCache { progress.fromCache += 1 } else if let shape = entry.matrixShape {
                    progress.flops += Self.flops(rows: shape.rows, columns: shape.columns)
                }
            case .failed: progress.failed += 1
            }
            onEvent(event)
            onProgress(progress)
        }
        cacheWriteError = nil
        do { try cache?.flush() } catch { cacheWriteError = error }
        return events
    }

    /// Starts the worker threads for the `pending` indices of `entries`, sizing the pool and
    /// OpenBLAS's threads as the type's documentation says.
    private func startWorkers(for pending: [Int], of entries: [CatalogEntry], filling slots: EventSlots) {
        guard !pending.isEmpty else { return }
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let largest = pending.compactMap { entries[$0].matrixShape }.map { Self.bytes(rows: $0.rows, columns: $0.columns) }.max() ?? 0
        var workers = AddressSpace.workersThatFit(max(1, min(requestedWorkers ?? cores, pending.count)), bytesPerWorker: largest)
        if largest > 0 {
            let budget = memoryBudget ?? Double(ProcessInfo.processInfo.physicalMemory) / 2
            let fitting = (budget / largest).rounded(.down)
            workers = max(1, min(workers, fitting.isFinite ? Int(max(0, fitting)) : workers))
        }
        BLASThreads.count = max(1, cores / workers)
        let queue = IndexQueue(pending)
        for _ in 0..<workers {
            let thread = Thread { [self] in
                while let index = queue.next() {
                    slots.fill(index, with: isCancelled ? nil : analyse(entries[index]))
                }
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// The cached spectrum of `entry`, when the cache holds both its values and its whitening.
    private func cachedEvent(_ entry: CatalogEntry) -> SpectrumEngine.Event? {
        guard let cache, entry.hasSpectrum, let shape = entry.matrixShape, let file = checkpoint.identity(of: entry.tensor)
        else { return nil }
        let name = entry.info.name
        guard let values = cache.singularValues(of: name, in: file), values.count == min(shape.rows, shape.columns),
              let whitening = Self.whitening(fromRecord: cache.singularValues(of: Self.whiteningRecordName(name), in: file))
        else { return nil }
        record(whitening, of: name)
        return .finished(Spectrum(tensorName: name, rows: shape.rows, columns: shape.columns, singularValues: values), fromCache: true)
    }

    /// The event for one matrix; nil when the run was cancelled while computing it.
    private func analyse(_ entry: CatalogEntry) -> SpectrumEngine.Event? {
        let name = entry.info.name
        guard entry.hasSpectrum, let shape = entry.matrixShape, let format = ScalarFormat(entry.info.dtype) else {
            return .failed(SpectrumError(tensorName: name, problem: "is a \(entry.tensor.typeName) tensor of shape \(entry.info.shape), not a floating-point matrix, so it has no spectrum"))
        }
        let isCancelled = { [cancellation] in cancellation.isCancelled }
        do {
            try AddressSpace.requireHeadroom(bytes: Self.bytes(rows: shape.rows, columns: shape.columns),
                                             for: "The \(shape.rows)×\(shape.columns) data-aware spectrum")
            if isCancelled() { return nil }
            let whitening = try statistics.whitening(forWeight: name)   // dpotrf: not interruptible
            if isCancelled() { return nil }
            let values = try checkpoint.withBytes(of: entry.tensor) { bytes -> [Double] in
                guard let base = bytes.baseAddress, shape.rows > 0, shape.columns > 0 else { return [] }
                let source = MatrixSource(base: base, rows: shape.rows, columns: shape.columns, format: format)
                var whitened = try Self.whitenedElements(of: source, by: whitening, isCancelled: isCancelled)
                if isCancelled() { throw LinearAlgebraError.cancelled }
                return try LAPACK.singularValues(&whitened, rows: shape.rows, columns: shape.columns)   // not interruptible
            }
            if isCancelled() { return nil }
            if let file = checkpoint.identity(of: entry.tensor) {
                cache?.store(values, of: name, in: file)
                cache?.store(Self.recordValues(of: whitening.summary), of: Self.whiteningRecordName(name), in: file)
            }
            record(whitening.summary, of: name)
            return .finished(Spectrum(tensorName: name, rows: shape.rows, columns: shape.columns, singularValues: values), fromCache: false)
        } catch LinearAlgebraError.cancelled {
            return nil
        } catch let error as ActivationStatisticsError {
            return .failed(SpectrumError(tensorName: name, problem: "has unusable activation statistics in \(error.path): \(error.problem)"))
        } catch let error as LinearAlgebraError {
            return .failed(SpectrumError(tensorName: name, problem: error.description))
        } catch {
            return .failed(SpectrumError(tensorName: name, problem: String(describing: error)))
        }
    }

    /// `W·S` row-major in double, built one row panel of `source` at a time (rows of `W·S` are
    /// the whitened rows of `W`), polling `isCancelled` during each panel's conversion and
    /// between panels. `rowsPerPanel` defaults to ``panelRows(rows:columns:)``.
    ///
    /// - Throws: ``LinearAlgebraError/nonFinite(row:column:)`` with the row in the whole matrix,
    ///   ``LinearAlgebraError/cancelled``, or what ``Whitening/whiten(_:)`` throws.
    static func whitenedElements(of source: MatrixSource, by whitening: Whitening, rowsPerPanel: Int? = nil,
                                 isCancelled: () -> Bool) throws -> [Double] {
        let m = source.rows, n = source.columns
        let step = max(1, rowsPerPanel ?? panelRows(rows: m, columns: n))
        var elements: [Double] = []
        elements.reserveCapacity(m * n)
        var start = 0
        while start < m {
            if isCancelled() { throw LinearAlgebraError.cancelled }
            let count = min(step, m - start)
            let rows = MatrixSource(base: source.base + start * n * source.format.byteWidth, rows: count, columns: n, format: source.format)
            do {
                elements += try whitening.whiten(try Matrix(rows, isCancelled: isCancelled)).elements
            } catch LinearAlgebraError.nonFinite(let row, let column) {
                throw LinearAlgebraError.nonFinite(row: start + row, column: column)
            }
            start += count
        }
        return elements
    }

    private func record(_ whitening: WhiteningSummary, of name: String) {
        lock.lock()
        whitenings[name] = whitening
        lock.unlock()
    }

    /// The cache entry beside a spectrum that records its whitening as `[kind, λ]` (kind 1 for
    /// Cholesky, 0 for diagonal). A space cannot occur in the checkpoint tensor names the cache
    /// is asked about in practice, and a spectrum without this record is recomputed.
    static func whiteningRecordName(_ tensorName: String) -> String { tensorName + " whitening" }

    static func recordValues(of whitening: WhiteningSummary) -> [Double] {
        [whitening.kind == .cholesky ? 1 : 0, whitening.shift]
    }

    static func whitening(fromRecord record: [Double]?) -> WhiteningSummary? {
        guard let record, record.count == 2, record[0] == 0 || record[0] == 1, record[1].isFinite, record[1] >= 0 else { return nil }
        return WhiteningSummary(kind: record[0] == 1 ? .cholesky : .diagonal, shift: record[1])
    }
}

/// One event per input index, filled by workers and awaited in order by the caller.
private final class EventSlots: @unchecked Sendable {
    private enum Slot { case pending, skipped, done(SpectrumEngine.Event) }
    private let condition = NSCondition()
    private var slots: [Slot]

    init(count: Int) {
        slots = Array(repeating: .pending, count: count)
    }

    /// Fills slot `index` with `event` (nil: skipped because the run was cancelled).
    func fill(_ index: Int, with event: SpectrumEngine.Event?) {
        condition.lock()
        slots[index] = event.map(Slot.done) ?? .skipped
        condition.broadcast()
        condition.unlock()
    }

    /// The event of slot `index` once filled; nil when it was skipped, or as soon as `giveUp`
    /// returns true while it is still pending (checked every `pollInterval` seconds).
    func wait(for index: Int, pollInterval: Double, giveUp: () -> Bool) -> SpectrumEngine.Event? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            switch slots[index] {
            case .done(let event): return event
            case .skipped: return nil
            case .pending:
                if giveUp() { return nil }
                _ = condition.wait(until: Date(timeIntervalSinceNow: pollInterval))
            }
        }
    }
}

/// Hands out indices to worker threads, each exactly once.
private final class IndexQueue: @unchecked Sendable {
    private let lock = NSLock()
    private let indices: [Int]
    private var position = 0

    init(_ indices: [Int]) {
        self.indices = indices
    }

    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard position < indices.count else { return nil }
        position += 1
        return indices[position - 1]
    }
}
