import ArgumentParser
import Compression
import Foundation
import LinearAlgebra
import Planning
import SafeTensors

/// `rankscope plan PATH`: evaluates a compression plan, or allocates one for a global target,
/// and prints its totals, the sparse-versus-dense comparison and the allocator's gain over a
/// uniform rank.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Plan per-layer ranks and bits: totals, sparse-versus-dense sizes, budget allocation.",
        discussion: """
        Without a target, the plan (--plan FILE, or every matrix kept as stored) is evaluated as \
        written. With a target (--target-params, --target-bytes, --target-bits, --max-error, or \
        the plan file's "target"), the budget allocator chooses the rank of every matrix the plan \
        does not lock, keep dense or exclude, minimising the model's error (or, for --max-error, \
        its bytes). Counts: 13.2B = 13.2·10⁹ parameters (K, M, B/G, T); sizes: 8GB = 8·10⁹ bytes \
        (K/KB, M/MB, G/GB, T/TB decimal; KiB, MiB, GiB, TiB binary). Spectra are computed as by \
        `spectra` and share its cache, only for the matrices whose error or allocation is asked \
        for (none for sizes alone, or with every matrix kept or excluded). With --stats FILE the \
        spectra are data-aware and every error is a relative output error ‖(W − Ŵ)·X‖/‖W·X‖ (a \
        matrix the file does not cover keeps its weight spectrum, with a warning). With --estimate, \
        matrices without a cached spectrum are planned from fast partial estimates (errors are \
        upper bounds; see "What is exact when" in docs/spectra.md). With a target, --measure \
        --text FILE then runs the model over the text as `eval --plan` does (--seq-len and \
        --max-tokens as for `eval`): the original once, then the uniform-rank plan at the same \
        target (data-aware with --stats, and then also with plain truncated SVD) and the \
        allocated plan, each compressed in memory; it prints their predicted (with \
        --sensitivity) and measured perplexity, or embedding cosine for encoders. With \
        --calibration-text FILE the plan (with --measure every plan compared) is also run over \
        that calibration text, the profile's kind of text, never the evaluation text: its measured \
        increase, paired window by window, is printed beside the profile's prediction as the plan \
        measured in company. The plan file format and the --json schema are in docs/planning.md; \
        --measure's and --calibration-text's in docs/evaluation.md.
        """
    )

    @OptionGroup var checkpoint: CheckpointArgument

    @Option(name: .customLong("target-params"), help: "At most this many parameters in the whole model: a count (13.2B), a share of the model (90%) or of its linear matrices, the rest kept (90%lin).")
    var targetParameters: String?

    @Option(help: "At most this many bytes in the whole model, e.g. 8GB (8·10⁹ bytes) or 7.5GiB (7.5·2³⁰ bytes).")
    var targetBytes: String?

    @Option(help: "At most this many bits per weight on average over the whole model, e.g. 4.5.")
    var targetBits: String?

    @Option(help: "At most this relative error ‖W − Ŵ‖F/‖W‖F over the model's matrices, e.g. 0.05; bytes are minimised.")
    var maxError: String?

    @Option(help: "Bits of the low-rank factors: 16, 8, 4, 3 or 2 (default: the plan file's, else 16).")
    var factorBits: Int?

    @Option(help: "With a target, let the allocator choose each free matrix's factor bits among these, e.g. 16,8,4.")
    var allowBits: String?

    @Option(help: "Quantization group size (default: the plan file's, else 128).")
    var groupSize: Int?

    @Option(help: "Bits of a CALDERA backbone Q (W ≈ Q + L·R): 2, 3 or 4 (default: the plan file's, else none).")
    var backboneBits: Int?

    @Flag(help: "CALDERA backbones in QuIP#'s E8P lattice codebook: 2 bits, or 3/4 with a residual stage (--backbone-bits, default 2; written into the plan, so `compress --plan` writes them so).")
    var e8p = false

    @Option(help: "A plan file to evaluate, or to start the allocation from (its locks, exclusions and floors bind it).")
    var plan: String?

    @Option(help: "With a target: how per-matrix errors combine: relative (default: each matrix's error relative to its own norm, all alike), relative-params (weighted by parameter share) or squared-error (the model's relative error; big-norm matrices win).")
    var objective: String?

    @Option(name: .customLong("min-rank"), help: "With a target: the least rank of a free matrix: 16 (a rank), 10% (of its full rank) 50%u (of its rank in the uniform plan at the same target) or auto (the default: 50%u while the free matrices keep 75% of their size, rising to the uniform rank at 50%). Only 0 allows removing a matrix.")
    var minRank: String?

    @Option(help: "Write the resulting plan (every choice stated per layer) to this file.")
    var out: String?

    @Option(name: .customLong("out-uniform"), help: "With a target: write the uniform-rank plan at the same target to this file, to evaluate beside the allocated one.")
    var outUniform: String?

    @Option(name: .customLong("sparse-params"), help: "Also compare the sparse formats at this parameter count, e.g. 3B.")
    var sparseParameters: String?

    @Flag(help: "A first picture from fast partial spectra: matrices without a cached exact spectrum get a randomized estimate of their largest singular values plus their exact norm, never cached. Errors of low-rank choices are then upper bounds, energy ranks round up; the output says which figures are estimates. Not with --sensitivity.")
    var estimate = false

    @OptionGroup var json: JSONFlag

    @OptionGroup var cache: CacheOption

    @OptionGroup var spectrumThreads: SpectrumThreadsOption

    @OptionGroup var statistics: StatisticsOption

    @Option(help: ArgumentHelp("Predict the plan's perplexity (or embedding cosine) from this sensitivity profile (`rankscope sensitivity`); with a size target, allocate for the least predicted loss.", valueName: "profile"))
    var sensitivity: String?

    @Flag(help: "With a target: run the model over --text and print the measured perplexity (encoders: embedding cosine) of the uniform plan (with --stats: plain and data-aware) and of the allocated plan, beside their predictions; takes a few times as long as `rankscope eval`.")
    var measure = false

    @Option(help: ArgumentHelp("With --measure: the text the model runs over, as for `eval` (UTF-8; for an encoder, one sentence a line).", valueName: "file"))
    var text: String?

    @OptionGroup var window: TextWindowOptions<EvalCommand>

    @Option(name: .customLong("calibration-text"), help: ArgumentHelp("Run the plan (with --measure: every plan compared) over this calibration text, compressed in memory, and give its measured increase as the prediction beside the profile's: the profile's kind of text, never the evaluation text (windows of --seq-len tokens).", valueName: "file"))
    var calibrationText: String?

    @Option(name: .customLong("calibration-tokens"), help: ArgumentHelp("With --calibration-text: use at most this many of its tokens (causal models; default 4096).", valueName: "count"))
    var calibrationTokens: Int?

    @Option(name: .customLong("noise-margin"), help: ArgumentHelp("With --sensitivity and a size target: allocate for each matrix's predicted loss increase plus this many of its probes' standard errors, so a matrix whose probes read no more than their noise is not taken as free (0: the prediction as it is).", valueName: "standard errors"))
    var noiseMargin = CautiousLoss.defaultStandardErrors

    func validate() throws {
        guard noiseMargin >= 0, noiseMargin.isFinite else {
            throw ValidationError("--noise-margin must be a number of standard errors, 0 or more, e.g. 2.")
        }
        let targets = [targetParameters, targetBytes, targetBits, maxError].compactMap { $0 }
        if targets.count > 1 {
            throw ValidationError("Give at most one of --target-params, --target-bytes, --target-bits and --max-error.")
        }
        if measure && text == nil {
            throw ValidationError("--measure needs --text FILE, the text the model runs over (as for `rankscope eval`).")
        }
        if !measure && (text != nil || window.maxTokens != nil) {
            throw ValidationError("--text and --max-tokens go with --measure.")
        }
        if calibrationTokens != nil && calibrationText == nil {
            throw ValidationError("--calibration-tokens goes with --calibration-text.")
        }
        if let calibrationTokens, calibrationTokens < 1 {
            throw ValidationError("--calibration-tokens must be a number of tokens, 1 or more, e.g. 4096.")
        }
        if let calibrationText, let text, Self.sameFile(calibrationText, text) {
            throw ValidationError("--calibration-text and --text are the same file: a plan calibrated on its evaluation text predicts nothing; give the profile's text (or other text of its kind) to calibrate on.")
        }
        if estimate && sensitivity != nil {
            throw ValidationError("--estimate cannot be combined with --sensitivity: a predicted loss reads every exact singular value.")
        }
    }

    /// True when the two paths name the same file (after `.`, `..` and symbolic links).
    private static func sameFile(_ a: String, _ b: String) -> Bool {
        let resolved = { (path: String) in URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path }
        return resolved(a) == resolved(b)
    }

    func run() throws {
        try BLASLoading.require()
        var document = try plan.map(PlanDocument.load(path:)) ?? PlanDocument()
        document.defaults = try PlanOptions.defaults(document.defaults, factorBits: factorBits, groupSize: groupSize, backboneBits: backboneBits,
                                                     e8p: e8p, objective: objective, minimumRank: minRank)
        let target = try PlanOptions.target(parameters: targetParameters, bytes: targetBytes, bits: targetBits, error: maxError) ?? document.target
        let extraSparseCount = try sparseParameters.map { text -> Int in
            guard let count = QuantityParser.parameterCount(text) else { throw PlanOptions.Failure("--sparse-params '\(text)' is not a parameter count (e.g. 3B, 500M)") }
            return count
        }
        let allowedBits = try allowBits.map(PlanOptions.bitWidths)
        if measure && target == nil {
            throw PlanOptions.Failure("--measure compares the plan with uniform ranks at the same target, so it needs one: --target-params, --target-bytes, --target-bits, --max-error or a plan file's \"target\"")
        }
        let catalog = try checkpoint.openCatalog()
        // The texts are checked, windows and all, before any spectrum is computed (the model itself is loaded after planning).
        if measure, let text {
            try ModelTextInput.checkEvaluable(catalog.checkpoint, text: text,
                                              window: (window.seqLen, window.maxTokens ?? EvalCommand.textDefaults.maximumTokens!))
        }
        if let calibrationText {
            try ModelTextInput.checkEvaluable(catalog.checkpoint, text: calibrationText,
                                              window: (window.seqLen, calibrationTokens ?? PlanCalibration.defaultTokens))
        }
        // Sizes, counts and sparse formats come from the headers; spectra only where an error or the allocation needs one.
        let bare = catalog.groups.flatMap(\.entries).map { PlannedTensor(entry: $0, spectrum: nil) }
        let profile = try sensitivity.map { try SensitivityOption.profile(path: $0, checkpointPath: catalog.checkpoint.path, shapes: SensitivityOption.shapes(of: catalog)) }
        // A prediction reads every compressible matrix's spectrum.
        let needs = sensitivity != nil ? nil : try document.spectrumNeeds(tensors: bare, target: target)
        let stats = statistics.path
        let activationStatistics = try statistics.open()
        let (tensors, source) = try SpectrumRun.plannedSpectra(of: catalog, useCache: cache.useCache, jobs: spectrumThreads.count, purpose: "A plan",
                                                               statistics: activationStatistics, only: needs,
                                                               fallingBackToWeights: true, stages: estimate ? .estimateOnly : .exact)
        // The two steps of ``PlanDocument/resolution(of:settings:exactFor:)``, the rules' warnings first.
        var settings = PlanRunSettings(defaults: document.defaults, target: target, allowedBits: allowedBits ?? [])
        let resolved = try document.resolved(for: tensors, settings: settings)
        for warning in resolved.warnings { Termination.printError("rankscope: warning: " + warning) }
        if let note = catalog.undecodedNote { Termination.printError("rankscope: " + note) }
        // With a profile, its prediction is also what a size target is allocated for (the least predicted loss).
        let singularValues = Dictionary(tensors.compactMap { tensor in tensor.spectrum.map { (tensor.name, $0.singularValues) } }) { first, _ in first }
        let prediction = zip2(sensitivity, profile).map { path, profile in
            SensitivityOption.prediction(profile, profilePath: path, singularValues: singularValues, dataAware: stats != nil)
        }
        settings.lossModel = prediction?.allocationModel(noiseMargin: noiseMargin)
        let resolution = try resolved.resolution(of: tensors, settings: settings)
        let evaluation = try PlanEvaluation(tensors: tensors, resolution: resolution, extraSparseCount: extraSparseCount)
        let writer = GuardedWriter(checkpoint: catalog.checkpoint, others: [plan, stats].compactMap { $0 })
        let reference = PlanCheckpointReference(path: catalog.checkpoint.path, tensors: tensors)
        if let outUniform {
            guard let uniform = resolution.uniformDocument(checkpoint: reference) else {
                throw PlanOptions.Failure(evaluation.allocation == nil ? "--out-uniform needs a target (the uniform plan is made at the same target)"
                                                                       : "--out-uniform: no uniform rank fraction meets this target, so there is no uniform plan to write")
            }
            try uniform.write(to: outUniform, with: writer)
        }
        if let out {
            try resolution.document(checkpoint: reference).write(to: out, with: writer)
        }
        // The plan files are complete before the model runs; Ctrl-C while it runs prints nothing on standard output.
        let (calibrated, measured) = try runModel(evaluation: evaluation, catalog: catalog, singularValues: singularValues,
                                                  statistics: activationStatistics, prediction: prediction)
        let calibratedPlan = calibrated.last { $0.strategy == "plan" }?.calibrated
        let calibratedUniform = calibrated.last { $0.strategy == "uniform" }?.calibrated
        if json.isOn {
            let predicted = zip2(sensitivity, prediction).map { path, model in
                PredictionReport(model, profilePath: path, choices: evaluation.choices, uniformChoices: evaluation.allocation?.uniform?.choices,
                                 calibrated: (calibratedPlan, calibratedUniform))
            }
            try JSONOutput.print(PlanReport(path: catalog.checkpoint.path, planFile: plan, evaluation: evaluation, resolved: resolved,
                                            source: source, prediction: predicted, comparison: measured?.report))
        } else {
            var lines = PlanTables.render(evaluation, path: catalog.checkpoint.path, planFile: plan, document: document)
            if let forecast = try? OutputForecast(checkpoint: catalog.checkpoint, choices: evaluation.choices,
                                                  settings: JobSettings(outputFolder: "")) {
                lines += ["", "`compress` (default options) writes \(Formatting.grouped(forecast.totalBytes)) bytes (\(Formatting.bytes(forecast.totalBytes))) of "
                          + "safetensors shards and index: \(Formatting.grouped(forecast.tensorBytes)) of tensor data (bytes after) + "
                          + "\(Formatting.grouped(forecast.overheadBytes)) of headers and index."]
            }
            if let stats {
                lines += ["", "Data-aware (activation statistics \(stats)): rel. error is the relative output error ‖(W − Ŵ)·X‖/‖W·X‖, not ‖W − Ŵ‖/‖W‖."]
                if !source.weightFallbacks.isEmpty {
                    lines.append("Weight spectra (no statistics; rel. error is ‖W − Ŵ‖/‖W‖) for \(source.weightFallbacks.count): "
                                 + source.weightFallbacks.joined(separator: ", ") + ".")
                }
            }
            if estimate { lines += [""] + PlanTables.estimateLines(evaluation, estimated: source.estimated) }
            if let sensitivity, let prediction {
                lines += [""] + SensitivityOption.lines(prediction.predict(evaluation.choices), profilePath: sensitivity)
                if let uniform = evaluation.allocation?.uniform {
                    let predicted = prediction.predict(uniform.choices)
                    let extrapolated = predicted.extrapolated.isEmpty ? "" : " (\(predicted.extrapolated.count) matrices extrapolated below their smallest probe)"
                    lines.append(String(format: "Uniform ranks at the same target (%.1f%% of each matrix's full rank): predicted ", 100 * uniform.fraction)
                                 + SensitivityOption.figure(predicted) + extrapolated + ".")
                }
            }
            if let calibratedPlan { lines += [""] + SensitivityOption.calibrationLines(calibratedPlan, plan: "The plan") }
            if let calibratedUniform { lines += SensitivityOption.calibrationLines(calibratedUniform, plan: "The uniform plan") }
            if let measured { lines += [""] + measured.lines() }
            if let out { lines += ["", "plan written to \(out)"] }
            if let outUniform {
                if out == nil { lines.append("") }
                lines.append("uniform plan written to \(outUniform)")
            }
            StandardOutput.printLines(lines)
        }
    }
}

extension PlanCommand {
    /// The plans `--measure` compares (with statistics the uniform plan twice, plain and
    /// data-aware, then the allocated plan), each with the profile's prediction; without
    /// `--measure` the plan alone, for `--calibration-text`.
    private func strategies(evaluation: PlanEvaluation, dataAware: Bool, prediction: QualityPrediction?) throws -> [PlanMeasurement.Strategy] {
        let plan = PlanMeasurement.Strategy(strategy: "plan", dataAware: dataAware, choices: evaluation.choices,
                                            parametersAfter: evaluation.totals.model.parametersAfter, bytesAfter: evaluation.totals.model.bytesAfter,
                                            predicted: prediction?.predict(evaluation.choices))
        guard measure else { return [plan] }
        guard let uniform = evaluation.allocation?.uniform else {
            throw PlanOptions.Failure("--measure: no uniform rank fraction meets this target, so there is no uniform plan to compare the plan with")
        }
        let sizes = (parameters: uniform.totals.model.parametersAfter, bytes: uniform.totals.model.bytesAfter)
        return (dataAware ? [PlanMeasurement.Strategy(strategy: "uniform", dataAware: false, choices: uniform.choices, parametersAfter: sizes.parameters,
                                                      bytesAfter: sizes.bytes, predicted: nil)] : [])
            + [PlanMeasurement.Strategy(strategy: "uniform", dataAware: dataAware, choices: uniform.choices, parametersAfter: sizes.parameters,
                                        bytesAfter: sizes.bytes, predicted: prediction?.predict(uniform.choices)), plan]
    }

    /// `--calibration-text` and `--measure`: the model loaded once, each plan compressed in memory
    /// once and run over the calibration text (``PlanCalibration``) and `--text`
    /// (``PlanMeasurement``); Ctrl-C stops as `eval` does, with one line and exit status 130. The
    /// strategies come back with their calibrated predictions (empty without either option), the
    /// measurement of `--text` nil without `--measure`.
    private func runModel(evaluation: PlanEvaluation, catalog: LayerCatalog, singularValues: [String: [Double]],
                          statistics: ActivationStatistics?, prediction: QualityPrediction?) throws -> ([PlanMeasurement.Strategy], PlanMeasurement?) {
        guard measure || calibrationText != nil else { return ([], nil) }
        var strategies = try strategies(evaluation: evaluation, dataAware: statistics != nil, prediction: prediction)
        let cancel = CancellationFlag()
        let interrupt = InterruptHandler { cancel.cancel() }
        defer { interrupt.restore() }
        do {
            let files = [calibrationText, measure ? text : nil].compactMap { $0 }
            let first = try ModelText.open(checkpoint: catalog.checkpoint.path, text: files[0])
            let texts = try files.enumerated().map { index, file in
                PlanMeasurement.Text(opened: index == 0 ? first : try first.withText(file), name: file, seqLen: window.seqLen,
                                     tokenLimit: index == 0 && calibrationText != nil ? calibrationTokens ?? PlanCalibration.defaultTokens
                                                                                      : window.maxTokens ?? EvalCommand.textDefaults.maximumTokens)
            }
            if cancel.isCancelled { throw EvalInterruption.beforeRunning }
            let options = [calibrationText.map { _ in "--calibration-text" }, measure ? "--measure" : nil].compactMap { $0 }.joined(separator: " and ")
            var measured = try PlanMeasurement.run(strategies, over: texts, checkpoint: catalog.checkpoint, singularValues: singularValues,
                                                   statistics: statistics, jobs: spectrumThreads.count ?? ProcessInfo.processInfo.activeProcessorCount,
                                                   cancel: cancel, showsBar: !json.isOn && isatty(STDERR_FILENO) == 1, option: options)
            if calibrationText != nil {
                strategies = PlanCalibration.calibrated(strategies, by: measured.removeFirst())
            }
            return (strategies, measured.first?.calibrated(by: strategies))
        } catch let stop as EvalInterruption {
            Termination.printError("rankscope: " + stop.description)
            throw ExitCode(Termination.interrupted)
        }
    }
}

/// Both values when both are there.
func zip2<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}
