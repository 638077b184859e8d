import Foundation
import LinearAlgebra
import SafeTensors

/// Computes data-aware spectra (singular values of `W·S`, see ``Whitening``) of many matrices,
/// one after another on the calling thread with every core given to BLAS, serving cached ones
/// first and stopping between matrices on ``cancel()``.
///
/// Unlike ``SpectrumEngine``'s Gram method, each matrix is held as a dense double `W` and `W·S`
/// (O(m·n) doubles, a few copies), so matrices run one at a time rather than one per core.
/// Events and progress are ``SpectrumEngine``'s, so callers treat both engines alike.
///
/// For the explorer (not wired yet): keep two spectra per entry, plain and data-aware; fill the
/// second from this engine on a background thread (as the plain engine's events are delivered
/// now), with `SpectrumCache(directory:statisticsFingerprint:)`; and build
/// `PlannedTensor(entry:spectrum:)` from whichever kind is shown, so a key that switches kinds
/// also switches every estimate and the budget allocation to output errors.
public final class DataAwareSpectrumEngine: @unchecked Sendable {
    private let checkpoint: Checkpoint
    private let statistics: ActivationStatistics
    private let cache: SpectrumCache?
    private let cancellation = CancellationFlag()

    /// Set when the last run could not write the cache (the spectra themselves are fine).
    public private(set) var cacheWriteError: Error?

    /// An engine whitening matrices of `checkpoint` by `statistics`, using `cache` when given; the
    /// cache must have been made with the statistics' fingerprint
    /// (`SpectrumCache(directory:statisticsFingerprint:)`).
    public init(checkpoint: Checkpoint, statistics: ActivationStatistics, cache: SpectrumCache?) {
        precondition(cache.map { $0.method != SpectrumCache.methodTag } ?? true,
                     "a data-aware engine needs a cache keyed by the statistics fingerprint")
        self.checkpoint = checkpoint
        self.statistics = statistics
        self.cache = cache
    }

    /// Asks the run to stop after the current matrix.
    public func cancel() {
        cancellation.cancel()
    }

    /// True once ``cancel()`` was called.
    public var isCancelled: Bool { cancellation.isCancelled }

    /// Flops of one data-aware spectrum of an m×n matrix: m·n² for `W·S` (triangular product)
    /// and about 4·max·min² for the singular values.
    public static func flops(rows: Int, columns: Int) -> Double {
        let m = Double(rows), n = Double(columns)
        return m * n * n + 4 * max(m, n) * min(m, n) * min(m, n)
    }

    /// Analyses `entries` in order, blocking; events come back in the same order (fewer when
    /// cancelled). The cache is flushed before it returns.
    public func run(_ entries: [CatalogEntry], onProgress: (SpectrumEngine.Progress) -> Void = { _ in }) -> [SpectrumEngine.Event] {
        BLASThreads.count = max(1, ProcessInfo.processInfo.activeProcessorCount)
        var progress = SpectrumEngine.Progress(total: entries.count, completed: 0, fromCache: 0, failed: 0, flops: 0)
        var events: [SpectrumEngine.Event] = []
        for entry in entries where !isCancelled {
            let event = analyse(entry)
            events.append(event)
            progress.completed += 1
            switch event {
            case .finished(_, let fromCache):
                if fromCache { progress.fromCache += 1 } else if let shape = entry.matrixShape {
                    progress.flops += Self.flops(rows: shape.rows, columns: shape.columns)
                }
            case .failed: progress.failed += 1
            }
            onProgress(progress)
        }
        cacheWriteError = nil
        do { try cache?.flush() } catch { cacheWriteError = error }
        return events
    }

    /// The spectrum of one matrix, from the cache or computed.
    private func analyse(_ entry: CatalogEntry) -> SpectrumEngine.Event {
        let name = entry.info.name
        guard entry.hasSpectrum, let shape = entry.matrixShape, let format = ScalarFormat(entry.info.dtype) else {
            return .failed(SpectrumError(tensorName: name, problem: "is a \(entry.info.dtype.rawValue) tensor of shape \(entry.info.shape), not a floating-point matrix, so it has no spectrum"))
        }
        let file = checkpoint.files[entry.tensor.fileIndex]
        if let values = cache?.singularValues(of: name, in: file), values.count == min(shape.rows, shape.columns) {
            return .finished(Spectrum(tensorName: name, rows: shape.rows, columns: shape.columns, singularValues: values), fromCache: true)
        }
        do {
            let whitening = try statistics.whitening(forWeight: name)
            let values = try checkpoint.withBytes(of: entry.tensor) { bytes -> [Double] in
                guard let base = bytes.baseAddress, shape.rows > 0, shape.columns > 0 else { return [] }
                let weight = try Matrix(MatrixSource(base: base, rows: shape.rows, columns: shape.columns, format: format))
                return try whitening.whitenedSingularValues(of: weight)
            }
            cache?.store(values, of: name, in: file)
            return .finished(Spectrum(tensorName: name, rows: shape.rows, columns: shape.columns, singularValues: values), fromCache: false)
        } catch let error as ActivationStatisticsError {
            return .failed(SpectrumError(tensorName: name, problem: "has unusable activation statistics in \(error.path): \(error.problem)"))
        } catch let error as LinearAlgebraError {
            return .failed(SpectrumError(tensorName: name, problem: error.description))
        } catch {
            return .failed(SpectrumError(tensorName: name, problem: String(describing: error)))
        }
    }
}
