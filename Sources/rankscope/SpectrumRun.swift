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

    /// Runs the engine over `entries` of `checkpoint` (the cache under `$XDG_CACHE_HOME/rankscope`
    /// unless `useCache` is false; `jobs` worker threads, default one per core).
    init(_ entries: [CatalogEntry], of checkpoint: Checkpoint, useCache: Bool, jobs: Int?) {
        let cache = useCache ? SpectrumCache(directory: SpectrumCache.defaultDirectory()) : nil
        let engine = SpectrumEngine(checkpoint: checkpoint, cache: cache, workers: jobs)
        let progressLine = ProgressLine()
        let interrupt = InterruptHandler { engine.cancel() }
        let started = Date()
        let events = engine.run(entries) { progress in
            let rate = progress.flops / max(Date().timeIntervalSince(started), 1e-9) / 1e9
            progressLine.update(completed: progress.completed, total: progress.total,
                                note: String(format: "%d cached  %.1f GFLOP/s", progress.fromCache, rate))
        }
        progressLine.finish()
        interrupt.restore()
        if let cacheError = engine.cacheWriteError {
            Termination.printError("rankscope: warning: the spectrum cache could not be written (\(cacheError)); results are unaffected.")
        }
        let byName = Dictionary(uniqueKeysWithValues: entries.map { ($0.info.name, $0) })
        var results: [SpectraCommand.Result] = []
        var failures: [SpectrumError] = []
        for event in events {
            switch event {
            case .finished(let spectrum, let fromCache):
                results.append(SpectraCommand.Result(entry: byName[spectrum.tensorName]!, spectrum: spectrum, fromCache: fromCache))
            case .failed(let error):
                failures.append(error)
            }
        }
        self.results = results
        self.failures = failures
        isCancelled = engine.isCancelled
    }

    /// Every tensor of `catalog` in model order, the compressible matrices with their spectra
    /// (computed or from the cache). Ctrl-C exits 130 keeping finished spectra in the cache; a
    /// matrix that cannot be analysed is a user error naming it, followed by "`purpose` needs the
    /// spectrum of every compressible matrix".
    static func plannedTensors(of catalog: LayerCatalog, useCache: Bool, jobs: Int?, purpose: String) throws -> [PlannedTensor] {
        let compressible = catalog.compressibleEntries
        let run = SpectrumRun(compressible, of: catalog.checkpoint, useCache: useCache, jobs: jobs)
        if run.isCancelled {
            Termination.printError("rankscope: interrupted after \(run.results.count) of \(compressible.count) matrices; computed spectra are kept in the cache.")
            throw ExitCode(130)
        }
        if let failure = run.failures.first {
            throw PlanOptions.Failure(failure.description + " \(purpose) needs the spectrum of every compressible matrix")
        }
        let spectra = Dictionary(uniqueKeysWithValues: run.results.map { ($0.entry.info.name, $0.spectrum) })
        return catalog.groups.flatMap(\.entries).map { PlannedTensor(entry: $0, spectrum: spectra[$0.info.name]) }
    }
}
