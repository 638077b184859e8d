import Foundation
import Planning
import SafeTensors

/// Spectra arriving from the background feed, plain and data-aware, and the `D` key that
/// switches which kind is shown. Choices never change with the kind: only the figures do, since
/// every estimate is built from the shown kind's spectrum (``plannedTensor(_:)``).
extension ExplorerState {
    /// Makes room for data-aware spectra of every row, computed from the activation statistics
    /// at `path` (shown in the status line and passed to a compression job as `--stats`); until
    /// they arrive, each is pending. Without this call the explorer shows the weights' spectra only.
    public mutating func expectDataAwareSpectra(statisticsPath path: String) {
        statisticsPath = path
        outputGuard.protect(file: path)
        spectra[.dataAware] = KindSpectra(count: entries.count)
    }

    /// Row `index`'s spectrum of `kind`, when it is ready (nil without statistics for data-aware).
    public func spectrum(_ index: Int, of kind: SpectrumKind) -> Spectrum? {
        spectra[kind]?.statuses[index].spectrum
    }

    /// True when every spectrum of the shown kind is done (computed, cached or failed).
    public var shownSpectraAreDone: Bool { spectraAreDone(spectrumKind) }

    /// True when every spectrum of `kind` is done (computed, cached or failed), or none is expected.
    func spectraAreDone(_ kind: SpectrumKind) -> Bool {
        spectra[kind]?.isDone ?? true
    }

    /// Records one finished (or failed) spectrum of `kind` and the progress that came with it.
    public mutating func receive(_ event: SpectrumEngine.Event, progress: SpectrumEngine.Progress, kind: SpectrumKind = .weights) {
        receive(event, completed: progress.completed, total: progress.total, kind: kind)
    }

    /// Records one finished (or failed) spectrum of `kind`, with `completed` of `total` of that
    /// kind done. Data-aware events are ignored unless ``expectDataAwareSpectra(statisticsPath:)``
    /// was called.
    public mutating func receive(_ event: SpectrumEngine.Event, completed: Int, total: Int, kind: SpectrumKind = .weights) {
        let name: String, status: SpectrumStatus
        switch event {
        case .finished(let spectrum, _): (name, status) = (spectrum.tensorName, .ready(spectrum))
        case .estimated(let spectrum): return receiveEstimate(spectrum, kind: kind)
        case .failed(let error): (name, status) = (error.tensorName, .failed(error.description))
        }
        guard spectra[kind] != nil else { return }
        if let i = indexByName[name] { spectra[kind]?.statuses[i] = status }
        spectra[kind]?.advance(to: completed, of: total)
        if kind == spectrumKind, sort == .error || sort == .energyRank || sort == .alpha { rebuildRows() }
        if applyPendingPlanIfReady() { return }
        guard spectraAreDone(kind), quitDialog == nil, prompt == nil else { return }
        // Both kinds share one queue, so either may finish last: the status line speaks once
        // both are in, of the data-aware spectra when there are any.
        if kind == .dataAware, !spectraAreDone(.weights) { return }
        if kind == .weights, let dataAware = dataAwareProgress, !isComputingDataAware {
            return announceDone(.dataAware, total: dataAware.total)
        }
        announceDone(kind, total: total)
    }

    /// Records a partial estimate of `kind` for a row still pending (an exact spectrum or a
    /// failure already there stays); the progress counts exact spectra only. The first one says
    /// in the status line what `≈` means.
    private mutating func receiveEstimate(_ spectrum: Spectrum, kind: SpectrumKind) {
        guard let i = indexByName[spectrum.tensorName], case .pending? = spectra[kind]?.statuses[i] else { return }
        spectra[kind]?.statuses[i] = .estimated(spectrum)
        if kind == spectrumKind, sort == .error || sort == .energyRank { rebuildRows() }
        if statusText.hasPrefix("Computing spectra"), quitDialog == nil, prompt == nil {
            announce("≈ marks estimates (upper bounds) until exact ones land.", tone: .info)
        }
    }

    /// How many rows of the shown kind have their exact spectrum (or failed), of how many, when
    /// some show only an estimate: the status line's `N/M exact`. Nil when none does.
    public var exactProgressWhileEstimated: (exact: Int, total: Int)? {
        guard let shown = spectra[spectrumKind], shown.statuses.contains(where: \.isEstimate) else { return nil }
        return (shown.completed, shown.total)
    }

    /// The status line once every spectrum of `kind` is in.
    private mutating func announceDone(_ kind: SpectrumKind, total: Int) {
        let statuses = spectra[kind]?.statuses ?? []
        let failed = statuses.filter { if case .failed = $0 { return true } else { return false } }.count
        switch kind {
        case .weights where isComputingDataAware:
            announce("All \(total) spectra ready; data-aware spectra computing (D shows them). (? for help)",
                     tone: failed == 0 ? .ok : .warning)
        case .weights:
            if failed == 0 { announce("All \(total) spectra ready. (? for help)", tone: .ok) }
            else { announce("Spectra done; \(failed) failed. (? for help)", tone: .warning) }
        case .dataAware:
            let key = spectrumKind == .dataAware ? "D shows the weights'" : "D shows them"
            if failed == 0 { announce("All \(total) data-aware spectra ready (\(key)).", tone: .ok) }
            else { announce("Data-aware spectra done; \(failed) failed (\(key)).", tone: .warning) }
        }
    }

    /// Applies the plan waiting for spectra once the shown kind's are all done; true when it did.
    private mutating func applyPendingPlanIfReady() -> Bool {
        guard shownSpectraAreDone, let plan = pendingPlan else { return false }
        pendingPlan = nil
        apply(plan)
        return true
    }

    /// Shows the other kind of spectra (the choices stay; every figure follows), or says that
    /// there are no statistics to compute data-aware spectra from.
    mutating func toggleSpectrumKind() -> ExplorerUpdate {
        guard let path = statisticsPath else {
            return .say("No activation statistics: start with --stats FILE for data-aware spectra.", tone: .warning)
        }
        spectrumKind = spectrumKind.other
        if sort == .error || sort == .energyRank || sort == .alpha { rebuildRows() }
        if applyPendingPlanIfReady() { return .none }
        switch spectrumKind {
        case .dataAware:
            var text = "Data-aware spectra: errors are output errors ‖(W − Ŵ)·X‖/‖W·X‖ ("
                + (path as NSString).lastPathComponent + "). D: weights."
            if let done = dataAwareProgress, done.completed < done.total {
                text += " \(done.completed)/\(done.total) computed so far."
            }
            return .say(text)
        case .weights:
            return .say("Weight spectra: errors are ‖W − Ŵ‖/‖W‖. D: data-aware.")
        }
    }
}
