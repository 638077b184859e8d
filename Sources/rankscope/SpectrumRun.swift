import ArgumentParser
import Foundation
import Planning
import SafeTensors

/// Computes the spectra of catalog entries through the ``SpectrumEngine`` and its cache, with a
/// progress line on a terminal and Ctrl-C stopping early (finished spectra stay in the cache).
/// Shared by `spectra` and `plan`.
struct SpectrumRun {
    /// The spectra found, in the order asked, and the matrices that could not be analysed.
    let results: [SpectraCommand.Result]
    /// Matrices holding NaN or Inf, or unreadable.
    let failures: [SpectrumError]
    /// True when Ctrl-C (or SIGTERM) stopped the run before every matrix was done.
    let isCancelled: Bool
    /// Plain or data-aware, and for data-aware spectra the statistics and each matrix's whitening.
    let source: SpectraSource

    /// Runs the engine over `entries` of `checkpoint` (the cache under `$XDG_CACHE_HOME/rankscope`
    /// unless `useCache` is false; `jobs` worker threads, default one per core). With
    /// `statistics`, the spectra are data-aware (of W·S, see ``Whitening``; fewer workers when
    /// memory is short) and cached apart from plain spectra.
    ///
    /// With `stages` ``SpectrumRequest/Stages/estimateOnly`` (`plan --estimate`), matrices
    /// without a cached spectrum get a partial estimate where it pays (``SpectrumEstimate``),
    /// marked ``Spectrum/isEstimate`` and never cached.
    /// The line an interrupted run ends with: how far it got, and whether what it computed is
    /// kept (with `--no-cache` nothing is).
    static func interrupted(after done: Int?, of total: Int, useCache: Bool) -> String {
        "rankscope: interrupted" + (done.map { " after \($0) of \(total) matrices" } ?? "")
            + (useCache ? "; computed spectra are kept in the cache." : "; nothing was cached (--no-cache).")
    }

    init(_ entries: [CatalogEntry], of checkpoint: Checkpoint, useCache: Bool, jobs: Int?, statistics: ActivationStatistics? = nil,
         stages: SpectrumRequest.Stages = .exact) {
        let directory = SpectrumCache.defaultDirectory()
        let progressLine = ProgressLine()
        let started = Date()
        let onProgress: @Sendable (SpectrumEngine.Progress) -> Void = { progress in
            let rate = progress.flops / max(Date().timeIntervalSince(started), 1e-9) / 1e9
            progressLine.update(completed: progress.completed, total: progress.total,
                                note: String(format: "%d cached  %.1f GFLOP/s", progress.fromCache, rate))
        }
        let engine = SpectrumEngine(checkpoint: checkpoint, cache: useCache ? SpectrumCache(directory: directory) : nil,
                                    statistics: statistics, workers: jobs)
        let interrupt = InterruptHandler { engine.cancel() }
        let events = engine.run(entries, kind: statistics == nil ? .weights : .dataAware, stages: stages, onProgress: onProgress)
        interrupt.restore()
        let cacheWriteError = engine.cacheWriteError
        isCancelled = engine.isCancelled
        source = statistics.map { statistics in
            SpectraSource(statistics: SpectraSource.Statistics(path: statistics.path, fingerprint: statistics.fingerprint),
                          whitenings: Dictionary(uniqueKeysWithValues: entries.compactMap { entry in
                              engine.whitening(of: entry.info.name).map { (entry.info.name, $0) }
                          }))
        } ?? .weights
        progressLine.finish()
        if let cacheError = cacheWriteError {
            Termination.printError("rankscope: warning: the spectrum cache could not be written (\(SystemErrorText.reason(of: cacheError))); results are unaffected.")
        }
        let byName = Dictionary(uniqueKeysWithValues: entries.map { ($0.info.name, $0) })
        var results: [SpectraCommand.Result] = []
        var failures: [SpectrumError] = []
        for event in events {
            switch event {
            case .finished(let spectrum, let fromCache):
                results.append(SpectraCommand.Result(entry: byName[spectrum.tensorName]!, spectrum: spectrum, fromCache: fromCache))
            case .estimated(let spectrum):
                results.append(SpectraCommand.Result(entry: byName[spectrum.tensorName]!, spectrum: spectrum, fromCache: false))
            case .failed(let error):
                failures.append(error)
            }
        }
        self.results = results
        self.failures = failures
    }

    /// Every tensor of `catalog` in model order, the compressible matrices with their spectra
    /// (computed or from the cache). Ctrl-C exits 130 keeping finished spectra in the cache; a
    /// matrix that cannot be analysed is a user error naming it, followed by "`purpose` needs the
    /// spectrum of every compressible matrix".
    ///
    /// With `statistics`, the spectra are data-aware, so every estimate and allocation built on
    /// these tensors works with relative output errors ‖(W − Ŵ)·X‖/‖W·X‖ instead of weight errors.
    ///
    /// With `only`, just the matrices named there get a spectrum (the others none): what a run
    /// that resolves or compresses some layers needs (`compress --shard`, `merge`).
    static func plannedTensors(of catalog: LayerCatalog, useCache: Bool, jobs: Int?, purpose: String,
                               statistics: ActivationStatistics? = nil, onlyCovered: Bool = false,
                               only: Set<String>? = nil) throws -> [PlannedTensor] {
        try plannedSpectra(of: catalog, useCache: useCache, jobs: jobs, purpose: purpose, statistics: statistics,
                           onlyCovered: onlyCovered, only: only).tensors
    }

    /// ``plannedTensors(of:useCache:jobs:purpose:statistics:onlyCovered:only:)`` and which spectra they carry
    /// (with `stages` ``SpectrumRequest/Stages/estimateOnly``, partial estimates where no exact
    /// spectrum is cached, listed in ``SpectraSource/estimated``).
    ///
    /// With `onlyCovered`, matrices `statistics` has no entry for get no spectrum instead of a
    /// refusal (the file is still checked against the checkpoint for every matrix it covers).
    ///
    /// With `statistics` and `fallingBackToWeights` (`plan --stats`, whose `only` leaves out the
    /// matrices it excludes: they need no statistics), a matrix the file has no statistics for
    /// falls back to its weight spectrum, with a warning naming it (listed in the source's
    /// ``SpectraSource/weightFallbacks``; its row has no `whitening`).
    static func plannedSpectra(of catalog: LayerCatalog, useCache: Bool, jobs: Int?, purpose: String,
                               statistics: ActivationStatistics? = nil, onlyCovered: Bool = false,
                               only: Set<String>? = nil, fallingBackToWeights: Bool = false,
                               stages: SpectrumRequest.Stages = .exact) throws -> (tensors: [PlannedTensor], source: SpectraSource) {
        var compressible = catalog.compressibleEntries
        if let only { compressible = compressible.filter { only.contains($0.info.name) } }
        var fallback: [CatalogEntry] = []
        if let statistics, fallingBackToWeights {
            fallback = compressible.filter { !statistics.hasStatistics(forWeight: $0.info.name) }
            compressible = compressible.filter { statistics.hasStatistics(forWeight: $0.info.name) }
            for entry in fallback {
                Termination.printError("rankscope: warning: \(statistics.path) has no statistics for \(entry.info.name); its row uses the weight spectrum (relative weight error, not output error). Exclude it or add its statistics.")
            }
        }
        if let statistics, onlyCovered {
            compressible = compressible.filter { statistics.hasStatistics(forWeight: $0.info.name) }
        }
        try statistics?.requireStatistics(for: compressible, of: catalog.checkpoint)  // the whole file, and coverage
        let run = SpectrumRun(compressible, of: catalog.checkpoint, useCache: useCache, jobs: jobs, statistics: statistics, stages: stages)
        if run.isCancelled {
            Termination.printError(interrupted(after: run.results.count, of: compressible.count, useCache: useCache))
            throw ExitCode(130)
        }
        if let failure = run.failures.first {
            throw PlanOptions.Failure(failure.description + " \(purpose) needs the spectrum of every compressible matrix")
        }
        var spectra = Dictionary(uniqueKeysWithValues: run.results.map { ($0.entry.info.name, $0.spectrum) })
        if !fallback.isEmpty {
            let weights = SpectrumRun(fallback, of: catalog.checkpoint, useCache: useCache, jobs: jobs, stages: stages)
            if weights.isCancelled {
                Termination.printError(interrupted(after: nil, of: fallback.count, useCache: useCache))
                throw ExitCode(130)
            }
            if let failure = weights.failures.first {
                throw PlanOptions.Failure(failure.description + " \(purpose) needs the spectrum of every compressible matrix")
            }
            for result in weights.results { spectra[result.entry.info.name] = result.spectrum }
        }
        let entries = catalog.groups.flatMap(\.entries)
        for entry in entries {
            if let reason = spectra[entry.info.name]?.unusableEnergyReason {
                throw PlanOptions.Failure("\(catalog.checkpoint.path): \(entry.info.name) \(reason).")
            }
        }
        var source = run.source
        source.weightFallbacks = fallback.map(\.info.name)
        source.estimated = Set(spectra.filter { $0.value.isEstimate }.map(\.key))
        return (entries.map { PlannedTensor(entry: $0, spectrum: spectra[$0.info.name]) }, source)
    }
}
