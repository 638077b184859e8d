import Evaluation

/// Where `rankscope eval` was when Ctrl-C (or SIGTERM) stopped it, as the one line it prints
/// before exiting 130. A partial figure is named as such: the windows finished so far are not the
/// text the result is defined over, so it is never printed as the result.
enum EvalInterruption: Error, CustomStringConvertible {
    /// Before any model ran (opening the model, text or plan).
    case beforeRunning
    /// While the plan's layers were compressed in memory: `completed` of `total` layers; `plan`
    /// names which plan (`plan --measure` compresses several) and `measured` what was measured
    /// before it (nil: nothing).
    case compressing(completed: Int, total: Int, plan: String = "the plan", measured: String? = nil)
    /// During the original model's forward passes.
    case original(EvaluationInterrupted, unit: String)
    /// During the candidate's forward passes, after the original's full figure (a perplexity; nil
    /// for encoders); `name` names the candidate (`plan --measure` runs several).
    case candidate(EvaluationInterrupted, unit: String, originalPerplexity: Double?, name: String = "the candidate")

    /// One line, without the `rankscope: ` prefix.
    var description: String {
        switch self {
        case .beforeRunning:
            return "interrupted before the model ran; nothing was measured."
        case let .compressing(completed, total, plan, measured):
            return "interrupted while compressing \(plan) in memory (\(completed) of \(total) layers); \(measured ?? "nothing was measured")."
        case let .original(stop, unit):
            return "interrupted after \(stop.completed) of \(stop.total) \(unit) of the original model"
                + (stop.partialPerplexity.map { "; its perplexity over those \(stop.completed) alone is \(Formatting.significant($0)), a partial figure, not the result" } ?? "; nothing was measured")
                + "."
        case let .candidate(stop, unit, original, name):
            let done = original.map { "the original's perplexity over all \(stop.total) \(unit) is \(Formatting.significant($0))" }
                ?? "the original was run over all \(stop.total) \(unit)"
            return "interrupted after \(stop.completed) of \(stop.total) \(unit) of \(name): " + done
                + (stop.partialPerplexity.map { "; \(name)'s over the first \(stop.completed) alone is \(Formatting.significant($0)), a partial figure, not the result" } ?? "; \(name) has no figure")
                + "."
        }
    }
}
