import ArgumentParser
import Compression
import Evaluation
import Foundation
import GGUF
import LinearAlgebra
import ModelRuntime
import Planning
import SafeTensors

/// `rankscope eval PATH --text FILE`: runs the model itself over a text and reports perplexity
/// (causal models) or sentence-embedding agreement (encoders), the original beside a candidate.
struct EvalCommand: ParsableCommand, ModelTextCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Run the model over a text: perplexity, or sentence-embedding agreement, and tokens/s.",
        discussion: """
        Causal models (llama family, GPT-2, GPTBigCode): perplexity over non-overlapping windows \
        of --seq-len tokens of the first --max-tokens (a shorter tail is dropped). Encoders \
        (BERT): FILE holds one sentence a line; each is embedded (mean pooling, unit length) and \
        the candidate is compared with the original: cosine per sentence and the correlation of \
        pairwise similarities. The text is tokenized with the checkpoint's tokenizer.json. The \
        runtime is float32 on OpenBLAS; it holds 4 bytes per parameter. With --plan, --stats \
        compresses data-aware as `compress --stats` does, and --parallel-layers compresses that \
        many layers at once; --stats and --incoherence go with --plan only. --events prints the \
        JSON-lines progress protocol on standard output instead of the table (docs/evaluation.md); \
        the explorer's measure key reads it.
        """
    )

    static let textDefaults = ModelTextDefaults(
        textHelp: "The evaluation text (UTF-8); for an encoder, one sentence a line.",
        sequenceLength: 512, sequenceLengthHelp: "Tokens per window (causal models).",
        maximumTokens: 65_536, maximumTokensHelp: "Use at most this many tokens of the text (causal models; default 65536).")

    @OptionGroup var input: ModelTextOptions<EvalCommand>

    @Option(help: ArgumentHelp("Evaluate this plan too: each layer compressed in memory exactly as `compress` would write it, no checkpoint written.", valueName: "file"))
    var plan: String?

    @OptionGroup var statistics: StatisticsOption

    @Option(help: ArgumentHelp("Evaluate this `rankscope compress` output folder too (its layers run as stored: factors as two matmuls).", valueName: "dir"))
    var compressed: String?

    @Flag(help: "With --plan: incoherence processing for CALDERA layers, as `compress --incoherence` does.")
    var incoherence = false

    @OptionGroup var parallelLayers: ParallelLayersOption

    @OptionGroup var cache: CacheOption

    @Option(help: ArgumentHelp("With --plan: print the quality the sensitivity profile predicts for the plan beside the measured one.", valueName: "profile"))
    var sensitivity: String?

    @OptionGroup var json: JSONFlag

    @Flag(help: "Print JSON-lines progress events on standard output instead of the table (docs/evaluation.md).")
    var events = false

    func validate() throws {
        if plan != nil && compressed != nil { throw ValidationError("Give at most one of --plan and --compressed.") }
        if incoherence && plan == nil { throw ValidationError("--incoherence goes with --plan (a compressed folder records its own).") }
        if statistics.isGiven && plan == nil { throw ValidationError("--stats goes with --plan (a compressed folder is already compressed).") }
        if sensitivity != nil && plan == nil { throw ValidationError("--sensitivity goes with --plan (the prediction is of the plan's choices).") }
        if events && json.isOn { throw ValidationError("Give at most one of --json and --events.") }
    }

    func run() throws {
        // Ctrl-C or SIGTERM (the explorer's cancel key) stops at the next block of a forward pass
        // or the next layer being compressed, says where in one line and exits 130; nothing is
        // printed on standard output but the protocol's `cancelled` line with --events.
        let cancel = CancellationFlag()
        let interrupt = InterruptHandler { cancel.cancel() }
        defer { interrupt.restore() }
        do {
            try evaluate(cancel: cancel)
        } catch let stop as EvalInterruption {
            if events { EvalEvent.cancelled(stop).emit() }
            Termination.printError("rankscope: " + stop.description)
            throw ExitCode(Termination.interrupted)
        } catch let error where events && !(error is ExitCode) {
            // Problems found before the model runs (checkpoint, text, plan) are protocol lines too.
            EvalEvent.failed(error).emit()
            throw error
        }
    }

    /// True when progress goes to a terminal bar on standard error (neither --json nor --events).
    private var showsBar: Bool { !json.isOn && !events && isatty(STDERR_FILENO) == 1 }

    private func evaluate(cancel: CancellationFlag) throws {
        let start = Date()
        try BLASLoading.require()
        let opened = try input.open()
        if cancel.isCancelled { throw EvalInterruption.beforeRunning }
        let measurement = try TextMeasurement(opened, text: input.text, seqLen: input.seqLen, tokenLimit: input.tokenLimit,
                                              checkpointPath: input.checkpoint.path, display: .init(bar: showsBar, events: events), cancel: cancel)
        let planCandidate = plan.map { PlanCandidate(planPath: $0, statisticsPath: statistics.path, checkpointPath: input.checkpoint.path,
                                                     useCache: cache.useCache, jobs: parallelLayers.count, incoherence: incoherence) }
        let candidate: CandidateModel?
        if let planCandidate {
            candidate = planCandidate
        } else if let compressed {
            candidate = CompressedCandidate(folder: compressed)
        } else {
            candidate = nil
        }
        let prediction = try sensitivity.flatMap { profile in try planCandidate.map { try predicted(profile: profile, candidate: $0) } }
        if events { EvalEvent.started(metric: measurement.metric, candidate: candidate?.description).emit() }
        if cancel.isCancelled { throw EvalInterruption.beforeRunning }
        // The candidate is decoded and checked before the original runs: a bad plan or folder is refused at once.
        let decoded = try candidate.map { try measurement.decodedLayers(of: $0) }
        try measurement.measureOriginal()
        var report = try measurement.report(candidateSource: candidate?.description, candidate: try decoded.map { try measurement.measure($0) })
        report.prediction = prediction?.report
        if events {
            EvalEvent.finished(report, predicted: prediction.flatMap { Self.predictedFigure($0.quality, report: report) },
                               seconds: Date().timeIntervalSince(start)).emit()
        } else if json.isOn {
            try JSONOutput.print(report)
        } else {
            print(report.lines().joined(separator: "\n"))
            if let prediction, let sensitivity { print(predictionLines(prediction.quality, profile: sensitivity, report: report).joined(separator: "\n")) }
        }
    }

    /// What the profile predicts for the plan's choices, with the plan's spectra: for the table and
    /// as `--json`'s `prediction` (the shape of `plan --json`'s, without a uniform plan).
    private func predicted(profile: String, candidate: PlanCandidate) throws -> (quality: PredictedQuality, report: PredictionReport) {
        let catalog = LayerCatalog(checkpoint: try Checkpoint.opening(path: input.checkpoint.path))
        let measured = try SensitivityOption.profile(path: profile, checkpointPath: input.checkpoint.path, shapes: SensitivityOption.shapes(of: catalog))
        let (_, statistics, input) = try candidate.resolved()
        let model = SensitivityOption.prediction(measured, profilePath: profile, singularValues: input.singularValues, dataAware: statistics != nil)
        return (model.predict(input.choices), PredictionReport(model, profilePath: profile, choices: input.choices, uniformChoices: nil))
    }

    /// The prediction beside the measurement. For a causal LM the profile's increase is added to
    /// the original's loss measured here (the profile may have been measured on other tokens).
    private func predictionLines(_ predicted: PredictedQuality, profile: String, report: EvalReport) -> [String] {
        // Every figure on the original's loss measured here, the noise range too (one base).
        let quality = predicted.onMeasuredOriginal(perplexity: report.original.perplexity)
        var lines = [""] + SensitivityOption.lines(quality, profilePath: profile)
        let predicted = Self.predictedFigure(quality, report: report)
        if let original = report.original.perplexity, let measured = report.candidate?.perplexity, let predicted {
            lines.append(String(format: "predicted perplexity %@ (original %@ × e^%.4f), measured %@: predicted/measured %.3f",
                                Formatting.significant(predicted), Formatting.significant(original), quality.lossIncrease,
                                Formatting.significant(measured), predicted / measured))
        } else if let cosine = quality.embeddingCosine, let measured = report.agreement?.meanCosine {
            lines.append(String(format: "predicted mean embedding cosine %.4f, measured %.4f: predicted − measured %+.4f", cosine, measured, cosine - measured))
        }
        return lines
    }

    /// The figure the profile predicts for the candidate: a causal LM's perplexity, the original's
    /// measured here × `e^Δ` (the profile may have been measured on other tokens); an encoder's
    /// mean embedding cosine, `1 − Δ`.
    static func predictedFigure(_ quality: PredictedQuality, report: EvalReport) -> Double? {
        quality.onMeasuredOriginal(perplexity: report.original.perplexity).figure
    }
}
