import Foundation
import Planning

/// One plan measured with `rankscope eval` from the explorer (the measure key): what the plan was
/// (its content, a summary, its size), what the sensitivity profile predicted for it, and how far
/// the evaluation got, folded from ``EvaluationLine``s, ending in the measured figure.
public struct Measurement: Equatable, Sendable {
    /// Where the evaluation is.
    public enum Phase: Equatable, Sendable {
        /// Waiting for the first line (the child opens the model and text).
        case starting
        /// The plan's layers are being compressed in memory, `completed` of `total` (0 of 0 at first).
        case compressing(completed: Int, total: Int)
        /// `completed` of `total` windows (or sentences) of `model` (`original` or `candidate`) done.
        case running(model: String, completed: Int, total: Int)
        /// Done.
        case finished(MeasuredQuality)
        /// Stopped on request.
        case cancelled
        /// Failed, with one sentence.
        case failed(String)
    }

    /// The plan file's text: two tries with the same content are the same plan.
    public let planKey: String
    /// A short description of the plan (``summary(of:)``).
    public let summary: String
    /// The model's parameters under the plan.
    public let parameters: Int
    /// The model's bytes under the plan.
    public let bytes: Int
    /// What the sensitivity profile predicted, nil without one.
    public let predicted: PredictedQuality?
    /// When the evaluation was started.
    public let startedAt: Date
    /// The phase.
    public internal(set) var phase = Phase.starting
    /// True once the user asked to cancel.
    public internal(set) var cancelRequested = false

    /// A measurement of the plan `planKey` just launched.
    public init(planKey: String, summary: String, parameters: Int, bytes: Int, predicted: PredictedQuality?, startedAt: Date) {
        self.planKey = planKey
        self.summary = summary
        self.parameters = parameters
        self.bytes = bytes
        self.predicted = predicted
        self.startedAt = startedAt
    }

    /// True until the evaluation finished, failed or was cancelled.
    public var isRunning: Bool {
        switch phase {
        case .starting, .compressing, .running: return true
        case .finished, .cancelled, .failed: return false
        }
    }

    /// The measured figure, once finished.
    public var measured: MeasuredQuality? {
        if case .finished(let quality) = phase { return quality }
        return nil
    }

    /// Share of the work done, 0…1, in thirds: compressing the layers, the original model's
    /// passes, the candidate's.
    public var fraction: Double {
        func share(_ completed: Int, _ total: Int) -> Double { total > 0 ? Double(completed) / Double(total) : 0 }
        switch phase {
        case .starting, .cancelled, .failed: return 0
        case let .compressing(completed, total): return share(completed, total) / 3
        case let .running(model, completed, total): return (model == "candidate" ? 2 : 1) / 3 + share(completed, total) / 3
        case .finished: return 1
        }
    }

    /// Folds in one protocol line.
    public mutating func apply(_ line: EvaluationLine) {
        guard isRunning else { return }
        switch line {
        case .started: break
        case let .compressing(completed, total): phase = .compressing(completed: completed, total: total)
        case let .progress(model, completed, total): phase = .running(model: model, completed: completed, total: total)
        case .finished(let quality): phase = .finished(quality)
        case .failed(let message): phase = .failed(message)
        }
    }

    /// The process ended with `status`: an evaluation still running without a final line failed
    /// (or was cancelled, when the user asked).
    public mutating func exited(status: Int32) {
        guard isRunning else { return }
        phase = cancelRequested ? .cancelled : .failed("rankscope eval stopped with exit status \(status) before finishing.")
    }

    /// Where a measured figure lies against the prediction's range of ±2 standard errors, in the
    /// figure's own terms (for perplexity above is worse, for embedding cosine below is).
    public enum RangePosition: Equatable, Sendable {
        /// Below the range's lower end.
        case below
        /// Within the range, ends included.
        case inside
        /// Above the range's upper end.
        case above
    }

    /// The prediction as it is compared with the measured figure: for a causal LM, once finished,
    /// the profile's increase (and its standard error) on the original's loss measured in the same
    /// run (``Planning/PredictedQuality/onOriginalLoss(_:)``, as `eval --sensitivity` prints it; the
    /// profile may have been measured on other tokens), else as predicted when the try started;
    /// nil without a profile. Its figure, range and extrapolated matrices are what the jobs view shows.
    public var comparedPrediction: PredictedQuality? {
        guard let predicted else { return nil }
        guard predicted.perplexity != nil, let original = measured?.originalPerplexity, original > 0 else { return predicted }
        return predicted.onOriginalLoss(log(original))
    }

    /// The predicted perplexity beside the measured one (``comparedPrediction``'s); nil for
    /// encoders or without a profile.
    public var predictedPerplexity: Double? { comparedPrediction?.perplexity }

    /// The measured figure: perplexity (causal LMs) or mean embedding cosine (encoders), once finished.
    public var measuredFigure: Double? { measured.flatMap { $0.perplexity ?? $0.meanCosine } }

    /// Where the measured figure fell against ``comparedPrediction``'s range of ±2 standard errors
    /// (``Planning/PredictedQuality/figureRange(standardErrors:)``); nil until finished, or without a range.
    public var measuredAgainstRange: RangePosition? {
        guard let value = measuredFigure, let range = comparedPrediction?.figureRange() else { return nil }
        if value < range.lowerBound { return .below }
        return value > range.upperBound ? .above : .inside
    }

    /// Records that the user asked to cancel.
    mutating func requestCancel() { cancelRequested = true }

    /// `88 low-rank r8–384, 4 dense q8`: how many matrices are factorized and their rank range,
    /// how many are kept dense at fewer bits, and how many are excluded, from the plan's choices.
    public static func summary(of choices: [LayerChoice]) -> String {
        var ranks: [Int] = []
        var quantized = 0
        for choice in choices {
            switch choice {
            case .lowRank(let rank, _, _, _, _): ranks.append(rank)
            case .dense(let bits?, _) where bits != 16: quantized += 1
            case .dense: break
            }
        }
        var parts: [String] = []
        if let low = ranks.min(), let high = ranks.max() {
            parts.append("\(ranks.count) low-rank r" + (low == high ? "\(low)" : "\(low)–\(high)"))
        }
        if quantized > 0 { parts.append("\(quantized) dense quantized") }
        return parts.isEmpty ? "as stored" : parts.joined(separator: ", ")
    }
}
