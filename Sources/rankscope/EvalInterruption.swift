import Evaluation

/// Where `rankscope eval` was when Ctrl-C (or SIGTERM) stopped it, as the one line it prints
/// before exiting 130. A partial figure is named as such: the windows finished so far are not the
/// text the result is defined over, so it is never printed as the result.
enum EvalInterruption: Error, CustomStringConvertible {
    /// Before any model ran (opening the model, text or plan).
    case beforeRunning
    /// While the plan's layers were compressed in memory: `completed` of `total` layers.
    case compressing(completed: Int, total: Int)
    /// During the original model's forward passes.
    case original(EvaluationInterrupted, unit: String)
    /// During the candidate's forward passes, after the original's full figure (a perplexity; nil for encoders).
    case candidate(EvaluationInterrupted, unit: String, originalPerplexity: Double?)

    /// One line, without the `rankscope: ` prefix.
    var description: String {
        switch self {
        case .beforeRunning:
            return "interrupted before the model ran; nothing was measured."
        case let .compressing(completed, total):
            return "interrupted while compressing the plan in memory (\(completed) of \(total) layers); nothing was measured."
        case let .original(stop, unit):
            return "interrupted after \(stop.completed) of \(stop.total) \(unit) of the original model"
                + (stop.partialPerplexity.map { "; its perplexity over those \(stop.completed) alone is \(Formatting.significant($0)), a partial figure, not the result" } ?? "; nothing was measured")
                + "."
        case let .candidate(stop, unit, original):
            let done = original.map { "the original's perplexity over all \(stop.total) \(unit) is \(Formatting.significant($0))" }
                ?? "the original was run over all \(stop.total) \(unit)"
            return "interrupted after \(stop.completed) of \(stop.total) \(unit) of the candidate: " + done
                + (stop.partialPerplexity.map { "; the candidate's over the first \(stop.completed) alone is \(Formatting.significant($0)), a partial figure, not the result" } ?? "; the candidate has no figure")
                + "."
        }
    }
}
