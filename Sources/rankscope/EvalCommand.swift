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
struct EvalCommand: ParsableCommand {
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
        many layers at once; --stats and --incoherence go with --plan only.
        """
    )

    /// `eval`'s text and windows.
    enum TextDefaults: ModelTextDefaults {
        static let textHelp = "The evaluation text (UTF-8); for an encoder, one sentence a line."
        static let sequenceLength = 512
        static let sequenceLengthHelp = "Tokens per window (causal models)."
        static let maximumTokens: Int? = 65_536
        static let maximumTokensHelp = "Use at most this many tokens of the text (causal models; default 65536)."
    }

    @OptionGroup var checkpoint: CheckpointArgument

    @OptionGroup var input: ModelTextOptions<TextDefaults>

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

    func validate() throws {
        if plan != nil && compressed != nil { throw ValidationError("Give at most one of --plan and --compressed.") }
        if incoherence && plan == nil { throw ValidationError("--incoherence goes with --plan (a compressed folder records its own).") }
        if statistics.isGiven && plan == nil { throw ValidationError("--stats goes with --plan (a compressed folder is already compressed).") }
        if sensitivity != nil && plan == nil { throw ValidationError("--sensitivity goes with --plan (the prediction is of the plan's choices).") }
        if sensitivity != nil && json.isOn { throw ValidationError("--sensitivity prints its prediction with the table; --json does not carry it yet.") }
    }

    func run() throws {
        try BLASLoading.require()
        let opened = try input.open(checkpoint)
        let (model, encode, contents) = (opened.model, opened.encode, opened.contents)
        let planCandidate = plan.map { PlanCandidate(planPath: $0, statisticsPath: statistics.path, checkpointPath: checkpoint.path,
                                                     useCache: cache.useCache, jobs: parallelLayers.count, incoherence: incoherence) }
        let candidate: CandidateModel?
        if let planCandidate {
            candidate = planCandidate
        } else if let compressed {
            candidate = CompressedCandidate(folder: compressed)
        } else {
            candidate = nil
        }
        let prediction = try sensitivity.flatMap { profile in try planCandidate.map { try predictedQuality(profile: profile, candidate: $0) } }
        let decoded = try candidate?.decodedLayers()
        if let decoded { try model.checkInstallable(decoded) }
        let report: EvalReport
        if model.hyperparameters.family.isCausal {
            report = try evaluatePerplexity(model, ids: encode(contents), candidate: candidate, decoded: decoded)
        } else {
            report = try evaluateEmbeddings(model, contents: contents, encode: encode, candidate: candidate, decoded: decoded)
        }
        if json.isOn {
            try JSONOutput.print(report)
        } else {
            print(report.lines().joined(separator: "\n"))
            if let prediction, let sensitivity { print(predictionLines(prediction, profile: sensitivity, report: report).joined(separator: "\n")) }
        }
    }

    private func evaluatePerplexity(_ model: TransformerModel, ids: [Int], candidate: CandidateModel?, decoded: DecodedModel?) throws -> EvalReport {
        let (text, seqLen) = (input.text, input.seqLen)
        let windows = try TokenWindows.perplexityWindows(ids, length: seqLen, maximumTokens: input.tokenLimit!, file: text)
        let original = try runPerplexity(model, windows: windows, label: "original")
        var candidateFigures: EvalReport.Figures?
        if let decoded {
            try model.install(decoded)
            candidateFigures = try runPerplexity(model, windows: windows, label: "candidate")
        }
        return EvalReport(model: checkpoint.path, modelType: model.hyperparameters.modelType, text: text, metric: "perplexity",
                          candidateSource: candidate?.description, seqLen: seqLen, windows: windows.count, sentences: nil,
                          tokens: windows.count * seqLen, original: original, candidate: candidateFigures, agreement: nil)
    }

    /// What the profile predicts for the plan's choices, with the plan's spectra.
    private func predictedQuality(profile: String, candidate: PlanCandidate) throws -> PredictedQuality {
        let catalog = LayerCatalog(checkpoint: try Checkpoint.opening(path: checkpoint.path))
        let measured = try SensitivityOption.profile(path: profile, checkpointPath: checkpoint.path, shapes: SensitivityOption.shapes(of: catalog))
        let (_, statistics, input) = try candidate.resolved()
        return SensitivityOption.prediction(measured, profilePath: profile, singularValues: input.singularValues,
                                            dataAware: statistics != nil).predict(input.choices)
    }

    /// The prediction beside the measurement. For a causal LM the profile's increase is added to
    /// the original's loss measured here (the profile may have been measured on other tokens).
    private func predictionLines(_ quality: PredictedQuality, profile: String, report: EvalReport) -> [String] {
        var lines = [""] + SensitivityOption.lines(quality, profilePath: profile)
        if let original = report.original.perplexity, let measured = report.candidate?.perplexity {
            let predicted = original * exp(quality.lossIncrease)
            lines.append(String(format: "predicted perplexity %@ (original %@ × e^%.4f), measured %@: predicted/measured %.3f",
                                Formatting.significant(predicted), Formatting.significant(original), quality.lossIncrease,
                                Formatting.significant(measured), predicted / measured))
        } else if let cosine = quality.embeddingCosine, let measured = report.agreement?.meanCosine {
            lines.append(String(format: "predicted mean embedding cosine %.4f, measured %.4f: predicted − measured %+.4f", cosine, measured, cosine - measured))
        }
        return lines
    }

    /// Both models run with OpenBLAS on every core: the spectra and the in-memory compression of
    /// `--plan` set the process-wide thread count for their own workers.
    private func useEveryCore() {
        BLASThreads.count = ProcessInfo.processInfo.activeProcessorCount
    }

    private func runPerplexity(_ model: TransformerModel, windows: [[Int]], label: String) throws -> EvalReport.Figures {
        useEveryCore()
        let progress = ProgressLine(enabled: !json.isOn && isatty(STDERR_FILENO) == 1)
        let start = Date()
        let result = try PerplexityEvaluator.evaluate(model, windows: windows) { done, total in
            let rate = Double(done * input.seqLen) / max(Date().timeIntervalSince(start), 1e-9)
            progress.update(completed: done, total: total, note: String(format: "%@ · %.0f tok/s", label, rate))
        }
        progress.finish()
        return EvalReport.Figures(perplexity: result.perplexity, tokensPerSecond: result.tokensPerSecond,
                                  seconds: result.seconds, linearParameters: model.blockLinearParameterCount)
    }

    private func evaluateEmbeddings(_ model: TransformerModel, contents: String, encode: (String) -> [Int],
                                    candidate: CandidateModel?, decoded: DecodedModel?) throws -> EvalReport {
        let text = input.text
        let sentences = try ModelTextInput.sentences(contents, file: text, encode: encode, model: model, checkpointPath: checkpoint.path)
        let original = try runEmbeddings(model, sentences: sentences, label: "original")
        var candidateFigures: EvalReport.Figures?
        var agreement: EvalReport.Agreement?
        if let decoded {
            try model.install(decoded)
            let result = try runEmbeddings(model, sentences: sentences, label: "candidate")
            candidateFigures = result.figures
            let comparison = EmbeddingComparison(original: original.embeddings, candidate: result.embeddings)
            agreement = EvalReport.Agreement(meanCosine: comparison.meanCosine, minimumCosine: comparison.minimumCosine,
                                             similarityCorrelation: comparison.similarityCorrelation)
        }
        return EvalReport(model: checkpoint.path, modelType: model.hyperparameters.modelType, text: text, metric: "embedding",
                          candidateSource: candidate?.description, seqLen: nil, windows: nil, sentences: sentences.count,
                          tokens: sentences.reduce(0) { $0 + $1.count }, original: original.figures, candidate: candidateFigures,
                          agreement: agreement)
    }

    private func runEmbeddings(_ model: TransformerModel, sentences: [[Int]], label: String) throws -> (figures: EvalReport.Figures, embeddings: [[Float]]) {
        useEveryCore()
        let progress = ProgressLine(enabled: !json.isOn && isatty(STDERR_FILENO) == 1)
        let result = try EmbeddingEvaluator.embed(model, sentences: sentences) { done, total in
            progress.update(completed: done, total: total, note: label)
        }
        progress.finish()
        return (EvalReport.Figures(perplexity: nil, tokensPerSecond: result.tokensPerSecond, seconds: result.seconds,
                                   linearParameters: model.blockLinearParameterCount), result.embeddings)
    }
}
