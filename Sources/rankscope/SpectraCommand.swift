import ArgumentParser
import Foundation
import Planning
import SafeTensors

/// `rankscope spectra PATH`: singular values of every compressible matrix and the figures
/// derived from them.
struct SpectraCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spectra",
        abstract: "Compute singular-value spectra and derived ranks of a checkpoint's matrices.",
        discussion: """
        Singular values are computed in double precision (Gram matrix on the smaller side and \
        LAPACK dsyevd, two-stage from order 3072) and cached under $XDG_CACHE_HOME/rankscope, so a second run is instant. \
        Columns: Frobenius norm, spectral norm σ1, stable rank ‖W‖F²/σ1², effective rank \
        (entropy), the ranks keeping 90/99/99.9% of the energy Σσ², and the break-even rank \
        below which k·(m+n) < m·n. Ctrl-C stops early and keeps what was computed in the cache. \
        With --stats FILE the spectra are data-aware, of W·S whitened by the statistics (layout in \
        docs/data-aware.md): norms are of the outputs and ranks are output-error ranks.
        """
    )

    /// One matrix's spectrum and where it came from.
    struct Result {
        let entry: CatalogEntry
        let spectrum: Spectrum
        let fromCache: Bool
    }

    @OptionGroup var checkpoint: CheckpointArgument

    @Option(help: "Only matrices whose name matches this regular expression (searched, not anchored).")
    var filter: String?

    @Option(help: "Write every singular value to this CSV file: tensor,block,role,rows,columns,index,singular_value,spectrum_kind (index from 0; kind weights or data_aware). With --metrics, one row per matrix with WeightWatcher's details columns instead.")
    var csv: String?

    @Flag(help: "Heavy-tailed metrics as WeightWatcher computes them (alpha, xmin, D, num_spikes, mp_softrank, log_norm, ...): the table, --csv and --json (as \"details\") use its column names.")
    var metrics = false

    @OptionGroup var json: JSONFlag

    @Flag(help: "With --json, include every singular value.")
    var values = false

    @Flag(help: "Also analyse matrices excluded from compression by default (embeddings, output head).")
    var all = false

    @OptionGroup var cache: CacheOption

    @OptionGroup var spectrumThreads: SpectrumThreadsOption

    @OptionGroup var statisticsOption: StatisticsOption

    func validate() throws {
        if let filter {
            do { _ = try BoundedRegex(filter) } catch let error as BoundedRegexError {
                throw ValidationError("--filter '\(BoundedRegex.excerpt(filter))' is not a valid regular expression: \(error.problem).")
            }
        }
    }

    func run() throws {
        try BLASLoading.require()
        let catalog = try checkpoint.openCatalog()
        let selected = try select(from: catalog)
        let stats = statisticsOption.path
        let statistics = try statisticsOption.open()
        try statistics?.requireStatistics(for: selected, of: catalog.checkpoint)
        let run = SpectrumRun(selected, of: catalog.checkpoint, useCache: cache.useCache, jobs: spectrumThreads.count, statistics: statistics)
        let (results, failures) = (run.results, run.failures)
        if let csv {
            let writer = GuardedWriter(checkpoint: catalog.checkpoint, others: [stats].compactMap { $0 })
            if metrics {
                try MetricsDetails.writeCSV(results, kind: run.source.kind, to: csv, with: writer)
            } else {
                try SpectraCSV.write(results, kind: run.source.kind, to: csv, with: writer)
            }
        }
        if json.isOn {
            try JSONOutput.print(SpectraReport(path: catalog.checkpoint.path, source: run.source, results: results,
                                               failures: failures, includeValues: values, includeMetrics: metrics))
        } else if metrics {
            for line in MetricsTable.render(results, statisticsPath: stats) { print(line) }
        } else {
            StandardOutput.printLines(SpectraCommand.render(results, statisticsPath: stats))
        }
        fflush(stdout)
        if let note = catalog.undecodedNote { Termination.printError("rankscope: " + note) }
        if run.isCancelled {
            Termination.printError(SpectrumRun.interrupted(after: results.count, of: selected.count, useCache: cache.useCache))
            throw ExitCode(130)
        }
        for failure in failures { Termination.printError("rankscope: " + failure.description) }
        if !failures.isEmpty { throw ExitCode(Termination.userError) }
    }

    /// The matrices to analyse: compressible ones (or all 2-D float ones with --all), filtered.
    private func select(from catalog: LayerCatalog) throws -> [CatalogEntry] {
        let regex = try filter.map { try BoundedRegex($0) }
        let candidates = catalog.groups.flatMap(\.entries).filter { all ? $0.hasSpectrum : $0.isCompressible }
        var budget = RegexStepBudget.standard
        let selected = try candidates.filter { entry in
            guard let regex else { return true }
            do { return try regex.matches(entry.info.name, budget: &budget) } catch let error as BoundedRegexError {
                throw SelectionError(path: catalog.checkpoint.path, filter: filter, problem: error.problem)
            }
        }
        if selected.isEmpty {
            throw SelectionError(path: catalog.checkpoint.path, filter: filter)
        }
        return selected
    }

    /// The human-readable table; with `statisticsPath`, it says the spectra are data-aware.
    static func render(_ results: [Result], statisticsPath: String? = nil) -> [String] {
        var table = TextTable([
            ("tensor", .left), ("shape", .right), ("‖W‖F", .right), ("σ1", .right), ("stable", .right),
            ("effective", .right), ("r90%", .right), ("r99%", .right), ("r99.9%", .right), ("break-even", .right),
        ])
        for result in results {
            let summary = result.spectrum.summary
            table.append([
                result.entry.info.name, Formatting.shape(result.entry.info.shape),
                Formatting.significant(summary.frobeniusNorm), Formatting.significant(summary.spectralNorm),
                Formatting.significant(summary.stableRank), Formatting.significant(summary.effectiveRank),
                String(summary.energyRank90), String(summary.energyRank99), String(summary.energyRank999),
                String(summary.breakEvenRank),
            ])
        }
        let cached = results.filter(\.fromCache).count
        let kind = statisticsPath.map {
            "Data-aware spectra of W·S, whitened by the activation statistics in \($0): norms are of the outputs W·x, and 1 − (kept energy) is the squared relative output error ‖(W − Ŵ)·X‖²/‖W·X‖²."
        } ?? "Plain spectra of the weights W."
        return table.render() + ["", kind, "\(results.count) matrices (\(cached) from cache). Ranks keep 90/99/99.9% of Σσ²; factors save parameters below the break-even rank."]
    }
}

/// No matrix matched what the user asked for.
struct SelectionError: Error, CustomStringConvertible {
    let path: String
    let filter: String?
    /// Why the filter could not be applied (its step budget ran out); nil when nothing matched.
    var problem: String? = nil

    var description: String {
        if let filter, let problem {
            return "\(path): --filter '\(BoundedRegex.excerpt(filter))' cannot be applied: \(problem)."
        }
        if let filter {
            return "\(path): no matrix matches --filter '\(filter)'."
        }
        return "\(path): the checkpoint has no compressible matrices (try --all to include embeddings and heads)."
    }
}
