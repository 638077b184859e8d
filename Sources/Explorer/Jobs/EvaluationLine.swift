import Foundation

/// One line of the JSON-lines progress protocol `rankscope eval --events` prints (its table is in
/// docs/evaluation.md), as the explorer reads it. Unknown events and malformed lines read as nil:
/// readers ignore what they do not know.
public enum EvaluationLine: Equatable, Sendable {
    /// The model and text are open; `metric` is `perplexity` or `embedding`.
    case started(metric: String)
    /// The plan's layers are being compressed in memory, `completed` of `total` (0 of 0 before the first).
    case compressing(completed: Int, total: Int)
    /// `completed` of `total` windows (or sentences) of `model` (`original` or `candidate`) done.
    case progress(model: String, completed: Int, total: Int)
    /// The measurement: perplexities (causal models) or the mean embedding cosine (encoders).
    case finished(MeasuredQuality)
    /// The evaluation failed; `message` is one sentence naming the file.
    case failed(message: String)

    /// Parses one protocol line; nil for blank, malformed or unknown lines.
    public init?(_ line: String) {
        guard let object = ProtocolObject(line) else { return nil }
        let (int, double, string) = (object.int, object.double, object.string)
        switch object.event {
        case "started":
            self = .started(metric: string("metric") ?? "")
        case "compressing":
            self = .compressing(completed: int("completed") ?? 0, total: int("total") ?? 0)
        case "progress":
            guard let model = string("model"), let completed = int("completed"), let total = int("total") else { return nil }
            self = .progress(model: model, completed: completed, total: total)
        case "finished":
            let quality = MeasuredQuality(originalPerplexity: double("original"), perplexity: double("candidate"),
                                          meanCosine: double("mean_cosine"), linearParameters: int("candidate_linear_parameters"),
                                          seconds: double("seconds") ?? 0)
            guard quality.perplexity != nil || quality.meanCosine != nil else { return nil }
            self = .finished(quality)
        case "failed":
            self = .failed(message: string("message") ?? "the evaluation failed")
        default:
            return nil
        }
    }
}

/// What `rankscope eval --plan` measured for a plan.
public struct MeasuredQuality: Equatable, Sendable {
    /// The original model's perplexity (causal models).
    public var originalPerplexity: Double?
    /// The compressed model's perplexity (causal models).
    public var perplexity: Double?
    /// Mean cosine of the compressed model's sentence embeddings to the original's (encoders).
    public var meanCosine: Double?
    /// Linear-layer parameters of the compressed model as run.
    public var linearParameters: Int?
    /// Wall time of the whole evaluation.
    public var seconds: Double

    /// Creates a measurement.
    public init(originalPerplexity: Double? = nil, perplexity: Double? = nil, meanCosine: Double? = nil, linearParameters: Int? = nil,
                seconds: Double = 0) {
        self.originalPerplexity = originalPerplexity
        self.perplexity = perplexity
        self.meanCosine = meanCosine
        self.linearParameters = linearParameters
        self.seconds = seconds
    }
}
