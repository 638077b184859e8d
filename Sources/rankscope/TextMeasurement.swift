import Compression
import Evaluation
import Foundation
import LinearAlgebra
import ModelRuntime

/// The model run over a text as `rankscope eval` runs it: the original once, then each candidate's
/// layers swapped into the same model (one model in memory, plus the candidate's factors), with
/// eval's progress (a bar on standard error when it is a terminal, or `--events` lines) and its
/// Ctrl-C rule (each stop is an ``EvalInterruption`` saying where). `eval` measures one candidate;
/// `plan --measure` measures several (the allocated plan and the uniform ones) against the same
/// original run.
final class TextMeasurement {
    /// What the model runs over.
    enum Workload {
        /// A causal LM's perplexity windows of `seqLen` tokens.
        case windows([[Int]], seqLen: Int)
        /// An encoder's sentences, one embedding each.
        case sentences([[Int]])
    }

    /// How progress is shown.
    struct Display {
        /// A progress bar on standard error.
        var bar: Bool
        /// `eval --events` progress lines on standard output.
        var events: Bool
    }

    /// A candidate's measurement.
    struct Measured {
        /// Its figures (a perplexity for causal LMs).
        let figures: EvalReport.Figures
        /// An encoder's agreement with the original, nil for causal LMs.
        let agreement: EvalReport.Agreement?
    }

    let model: TransformerModel
    /// The text file (as named in reports).
    let text: String
    let checkpointPath: String
    let workload: Workload
    private let display: Display
    private let cancel: CancellationFlag
    /// The original's figures and (encoders) embeddings, once ``measureOriginal()`` ran.
    private(set) var original: EvalReport.Figures?
    private var originalEmbeddings: [[Float]]?

    /// The model of `opened` over its text (named `text`): a causal LM's windows of `seqLen` tokens
    /// of the first `tokenLimit` (a shorter tail dropped), an encoder's sentences, one a line.
    ///
    /// - Throws: ``Evaluation/EvaluationError`` for a text shorter than one window or with fewer than two sentences.
    init(_ opened: ModelText, text: String, seqLen: Int, tokenLimit: Int?, checkpointPath: String, display: Display,
         cancel: CancellationFlag) throws {
        model = opened.model
        self.text = text
        self.checkpointPath = checkpointPath
        self.display = display
        self.cancel = cancel
        if opened.model.hyperparameters.family.isCausal {
            workload = .windows(try TokenWindows.perplexityWindows(opened.encode(opened.contents), length: seqLen, maximumTokens: tokenLimit!, file: text),
                                seqLen: seqLen)
        } else {
            workload = .sentences(try ModelTextInput.sentences(opened.contents, file: text, encode: opened.encode, model: opened.model,
                                                               checkpointPath: checkpointPath))
        }
    }

    /// `perplexity` (causal LMs) or `embedding` (encoders).
    var metric: String { model.hyperparameters.family.isCausal ? "perplexity" : "embedding" }

    /// How many windows or sentences.
    var count: Int {
        switch workload {
        case let .windows(windows, _): return windows.count
        case let .sentences(sentences): return sentences.count
        }
    }

    /// What the windows or sentences are called in messages.
    var unit: String {
        if case .windows = workload { return "windows" }
        return "sentences"
    }

    /// The candidate's layers compressed or read, `compressing` events and Ctrl-C while a plan is
    /// compressed as `eval` has them, checked against the model. `plan` names the plan and
    /// `measured` what was measured before, for the interruption's line.
    func decodedLayers(of candidate: CandidateModel, plan: String = "the plan", measured: String? = nil) throws -> DecodedModel {
        if display.events { EvalEvent.compressing().emit() }
        var compressed = (done: 0, total: 0)
        let decoded: DecodedModel
        do {
            decoded = try candidate.decodedLayers(isCancelled: { [cancel] in cancel.isCancelled }, onLayer: { [display] done, total in
                compressed = (done, total)
                if display.events { EvalEvent.compressing(completed: done, total: total).emit() }
            })
        } catch LinearAlgebraError.cancelled {
            throw EvalInterruption.compressing(completed: compressed.done, total: compressed.total, plan: plan, measured: measured)
        }
        try model.checkInstallable(decoded)
        return decoded
    }

    /// Runs the original model over the whole text (once; later calls return the same figures).
    @discardableResult
    func measureOriginal() throws -> EvalReport.Figures {
        if let original { return original }
        do {
            let (figures, embeddings) = try run(label: "original")
            (original, originalEmbeddings) = (figures, embeddings)
            return figures
        } catch let stop as EvaluationInterrupted {
            throw EvalInterruption.original(stop, unit: unit)
        }
    }

    /// Runs the model with `decoded`'s layers swapped in (the original's put back afterwards), after
    /// the original (``measureOriginal()``); `name` names the candidate in an interruption's line.
    func measure(_ decoded: DecodedModel, name: String = "the candidate") throws -> Measured {
        let original = try measureOriginal()
        do {
            let (figures, embeddings) = try model.installed(decoded) { try run(label: "candidate") }
            guard let embeddings, let originalEmbeddings else { return Measured(figures: figures, agreement: nil) }
            let comparison = EmbeddingComparison(original: originalEmbeddings, candidate: embeddings)
            return Measured(figures: figures, agreement: EvalReport.Agreement(meanCosine: comparison.meanCosine, minCosine: comparison.minimumCosine,
                                                                              similarityCorrelation: comparison.similarityCorrelation))
        } catch let stop as EvaluationInterrupted {
            throw EvalInterruption.candidate(stop, unit: unit, originalPerplexity: original.perplexity, name: name)
        }
    }

    /// `eval`'s report of the original (measured) and at most one candidate, described by `candidateSource`.
    func report(candidateSource: String?, candidate: Measured?) throws -> EvalReport {
        let original = try measureOriginal()
        switch workload {
        case let .windows(windows, seqLen):
            return EvalReport(model: checkpointPath, modelType: model.hyperparameters.modelType, text: text, metric: metric,
                              candidateSource: candidateSource, seqLen: seqLen, windows: windows.count, sentences: nil,
                              tokens: windows.count * seqLen, original: original, candidate: candidate?.figures, agreement: nil,
                              paired: candidate.flatMap { EvalReport.PairedIncrease(original: original, candidate: $0.figures) })
        case let .sentences(sentences):
            return EvalReport(model: checkpointPath, modelType: model.hyperparameters.modelType, text: text, metric: metric,
                              candidateSource: candidateSource, seqLen: nil, windows: nil, sentences: sentences.count,
                              tokens: sentences.reduce(0) { $0 + $1.count }, original: original, candidate: candidate?.figures,
                              agreement: candidate?.agreement)
        }
    }

    /// One forward run over the whole workload with OpenBLAS on every core (the spectra and the
    /// in-memory compression set the process-wide thread count for their own workers): the
    /// figures, and an encoder's embeddings.
    private func run(label: String) throws -> (EvalReport.Figures, [[Float]]?) {
        BLASThreads.count = ProcessInfo.processInfo.activeProcessorCount
        let progress = ProgressLine(enabled: display.bar)
        defer { progress.finish() }
        let isCancelled: @Sendable () -> Bool = { [cancel] in cancel.isCancelled }
        switch workload {
        case let .windows(windows, seqLen):
            let start = Date()
            let result = try PerplexityEvaluator.evaluate(model, windows: windows, isCancelled: isCancelled) { [display] done, total in
                if display.events { EvalEvent.progress(model: label, completed: done, total: total).emit() }
                let rate = Double(done * seqLen) / max(Date().timeIntervalSince(start), 1e-9)
                progress.update(completed: done, total: total, note: String(format: "%@ · %.0f tok/s", label, rate))
            }
            return (EvalReport.Figures(perplexity: result.perplexity, tokensPerSecond: result.tokensPerSecond,
                                       seconds: result.seconds, linearParameters: model.blockLinearParameterCount,
                                       windowLosses: result.windowLosses), nil)
        case let .sentences(sentences):
            let result = try EmbeddingEvaluator.embed(model, sentences: sentences, isCancelled: isCancelled) { [display] done, total in
                if display.events { EvalEvent.progress(model: label, completed: done, total: total).emit() }
                progress.update(completed: done, total: total, note: label)
            }
            return (EvalReport.Figures(perplexity: nil, tokensPerSecond: result.tokensPerSecond, seconds: result.seconds,
                                       linearParameters: model.blockLinearParameterCount), result.embeddings)
        }
    }
}
