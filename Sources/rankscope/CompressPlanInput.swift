import Compression
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

    /// What the run does with the plan, which decides the spectra it needs.
    enum Scope {
        /// `compress`: every compressible matrix's spectrum (choices and estimates).
        case whole
        /// `compress --shard I/N`: only the spectra of the part's own layers. The other layers'
        /// choices are resolved without theirs (ranks deferred: whether a matrix is factorized
        /// never depends on its spectrum), which the part's journal does not record.
        case part(JobShard)
        /// `merge`: it compresses nothing, so only the spectra energy rules need for exact choices.
        case merge
    }

    /// Loads the plan at `planPath` and applies it to `catalog`'s checkpoint. Spectra (needed by
    /// energy rules, targets and the report's estimates) come from the spectrum cache or are
    /// computed, as by `spectra`, for the matrices `scope` needs: all of them when the plan states
    /// a target (the allocation weighs every layer; a part or merge then says so on standard
    /// error, once); Ctrl-C while computing them exits 130.
    ///
    /// With `statistics` (`--stats`) the spectra are data-aware, as `plan --stats` computes them,
    /// so the plan resolves to the same choices and its estimates are output errors. Matrices the
    /// file does not cover get no spectrum rather than a refusal (a dense choice needs none; a rule
    /// that needs one names the missing statistics, and the job refuses low-rank choices without).
    static func choices(planPath: String, catalog: LayerCatalog, useCache: Bool, jobs: Int?,
                        statistics: ActivationStatistics? = nil, scope: Scope = .whole) throws -> Input {
        let document = try PlanDocument.load(path: planPath)
        let needed = try spectraNeeded(by: document, catalog: catalog, scope: scope)
        let tensors = try SpectrumRun.plannedTensors(of: catalog, useCache: useCache, jobs: jobs, purpose: "Compression",
                                                     statistics: statistics, onlyCovered: true, only: needed.names)
        let resolution: PlanResolution
        do {
            // The part's own layers must be exact; one without a spectrum is the error a whole run gives.
            let resolved = try document.resolved(for: tensors, exactFor: needed.defersRanks ? needed.names : nil)
            for warning in resolved.warnings { Termination.printError("rankscope: warning: " + warning) }
            resolution = try resolved.resolution(of: tensors, settings: PlanRunSettings(document))
        } catch PlanError.spectrumMissing(let tensor) where statistics.map({ !$0.hasStatistics(forWeight: tensor) }) ?? false {
            try statistics?.requireStatistics(for: catalog.compressibleEntries.filter { $0.info.name == tensor }, of: catalog.checkpoint)
            throw PlanError.spectrumMissing(tensor: tensor)
        }
        let spectra = tensors.compactMap { tensor in tensor.spectrum.map { (tensor.name, $0.singularValues) } }
        return Input(choices: resolution.choices, singularValues: Dictionary(spectra) { first, _ in first })
    }

    /// The matrices whose spectra `scope` needs, and whether the others'
    /// ranks are deferred (a part) rather than all exact (a merge). Found by resolving the plan
    /// without any spectrum, which names the matrices it factorizes and those energy rules rank.
    /// A whole run needs what `plan` computes for the same plan (``PlanDocument/spectrumNeeds(tensors:target:)``:
    /// none for an excluded matrix), so an allocation weighs the same spectra in both.
    private static func spectraNeeded(by document: PlanDocument, catalog: LayerCatalog,
                                      scope: Scope) throws -> (names: Set<String>, defersRanks: Bool) {
        let bare = catalog.groups.flatMap(\.entries).map { PlannedTensor(entry: $0, spectrum: nil) }
        let asPlanned = try document.spectrumNeeds(tensors: bare, target: document.target)
        if case .whole = scope { return (asPlanned, false) }
        if document.needsEverySpectrum {
            let run = if case .part = scope { "this part" } else { "the merge" }
            Termination.printError("rankscope: note: the plan's target is allocated over every layer, so \(run) needs the spectra of all \(asPlanned.count) compressible matrices it does not exclude (computing those missing from the cache); freeze the allocation once with `rankscope plan \(catalog.checkpoint.path) --plan \(document.file) --out FROZEN.json` and give FROZEN.json to the parts and the merge, or share XDG_CACHE_HOME between them, to avoid it.")
            return (asPlanned, false)
        }
        let withoutSpectra = try document.resolveDeferringRanks(tensors: bare)
        switch scope {
        case .part(let shard):
            return (Set(try shard.layerNames(of: catalog.checkpoint, choices: withoutSpectra.choices)), true)
        case .merge, .whole:
            return (withoutSpectra.unranked, false)
        }
    }
}
