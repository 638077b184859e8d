import Planning

/// The one place `rankscope compress` reads its plan: the plan file resolved against the
/// checkpoint (and allocated, when it states a target) exactly as `rankscope plan --plan FILE`
/// evaluates it, so compress does what plan showed.
enum CompressPlanInput {
    /// The choice of every compressible matrix and the singular values of those analysed.
    struct Input {
        let choices: [String: LayerChoice]
        let singularValues: [String: [Double]]
    }

    /// Loads the plan at `planPath` and applies it to `catalog`'s checkpoint. Spectra (needed by
    /// energy rules, targets and the report's estimates) come from the spectrum cache or are
    /// computed, as by `spectra`; Ctrl-C while computing them exits 130.
    ///
    /// With `statistics` (`--stats`) the spectra are data-aware, as `plan --stats` computes them,
    /// so the plan resolves to the same choices and its estimates are output errors. Matrices the
    /// file does not cover get no spectrum rather than a refusal (a dense choice needs none; a rule
    /// that needs one names the missing statistics, and the job refuses low-rank choices without).
    static func choices(planPath: String, catalog: LayerCatalog, useCache: Bool, jobs: Int?,
                        statistics: ActivationStatistics? = nil) throws -> Input {
        let document = try PlanDocument.load(path: planPath)
        let tensors = try SpectrumRun.plannedTensors(of: catalog, useCache: useCache, jobs: jobs, purpose: "Compression",
                                                     statistics: statistics, onlyCovered: true)
        let evaluation: PlanEvaluation
        do {
            let resolved = try document.resolve(tensors: tensors)
            for warning in resolved.warnings { Termination.printError("rankscope: warning: " + warning) }
            evaluation = try PlanEvaluation(tensors: tensors, resolved: resolved, defaults: document.defaults,
                                            target: document.target, extraSparseCount: nil)
        } catch PlanError.spectrumMissing(let tensor) where statistics.map({ !$0.hasStatistics(forWeight: tensor) }) ?? false {
            try statistics?.requireStatistics(for: catalog.compressibleEntries.filter { $0.info.name == tensor }, of: catalog.checkpoint)
            throw PlanError.spectrumMissing(tensor: tensor)
        }
        let spectra = tensors.compactMap { tensor in tensor.spectrum.map { (tensor.name, $0.singularValues) } }
        return Input(choices: evaluation.choices, singularValues: Dictionary(spectra) { first, _ in first })
    }
}
