import Foundation
import Planning

/// The heavy-tailed metrics (``SpectralMetrics``) of spectra already asked for, by spectrum kind
/// and tensor name, so a frame that shows them (table columns, heatmap, ESD view, sort) computes
/// each once. A reference shared by every copy of the ``ExplorerState``: the metrics are a pure
/// function of a spectrum, which never changes once received, so sharing cannot go stale.
final class MetricsMemo: @unchecked Sendable {
    private var stored: [SpectrumKind: [String: SpectralMetrics]] = [:]
    private let lock = NSLock()

    /// The metrics of `spectrum` of `kind`, computed on first use.
    func metrics(of spectrum: Spectrum, kind: SpectrumKind) -> SpectralMetrics {
        if let known = lock.withLock({ stored[kind]?[spectrum.tensorName] }) { return known }
        let metrics = spectrum.metrics
        lock.withLock { stored[kind, default: [:]][spectrum.tensorName] = metrics }
        return metrics
    }

    /// The metrics of every spectrum given (nil where none), those not yet known computed on
    /// every core at once.
    func metrics(of spectra: [Spectrum?], kind: SpectrumKind) -> [SpectralMetrics?] {
        let missing = lock.withLock { spectra.compactMap { $0 }.filter { stored[kind]?[$0.tensorName] == nil } }
        if !missing.isEmpty {
            let computed = SpectralMetrics.compute(missing)
            lock.withLock {
                for (spectrum, metrics) in zip(missing, computed) { stored[kind, default: [:]][spectrum.tensorName] = metrics }
            }
        }
        return lock.withLock { spectra.map { $0.flatMap { stored[kind]?[$0.tensorName] } } }
    }
}
