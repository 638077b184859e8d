import Foundation
import LinearAlgebra
import ModelRuntime

/// Perplexity over non-overlapping windows, run a few windows per forward pass (one `sgemm` per
/// linear layer for the whole batch).
public enum PerplexityEvaluator {
    /// The perplexity of `model` on `windows`, `batch` windows per forward pass; `progress` is
    /// told after each batch how many windows are done. `isCancelled` is asked before each batch
    /// and, through ``ModelRuntime/TransformerModel/isCancelled``, at the start of every block.
    ///
    /// - Throws: ``EvaluationInterrupted`` (with the perplexity over the windows finished) when
    ///   `isCancelled` answers true; the model's errors.
    public static func evaluate(_ model: TransformerModel, windows: [[Int]], batch: Int = 4,
                                isCancelled: @escaping () -> Bool = { false },
                                progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws -> PerplexityResult {
        var total = 0.0, predicted = 0, tokens = 0
        var windowLosses: [Double] = []
        let start = Date()
        var index = 0
        let interrupted = { EvaluationInterrupted(completed: index, total: windows.count,
                                                  partialPerplexity: predicted > 0 ? exp(total / Double(predicted)) : nil) }
        let previous = model.isCancelled
        model.isCancelled = isCancelled
        defer { model.isCancelled = previous }
        progress(0, windows.count)
        while index < windows.count {
            if isCancelled() { throw interrupted() }
            let group = Array(windows[index..<min(index + max(batch, 1), windows.count)])
            let losses: [Double]
            do { losses = try model.tokenNegativeLogLikelihoods(windows: group) } catch LinearAlgebraError.cancelled { throw interrupted() }
            var offset = 0
            for window in group {
                let scored = max(window.count - 1, 0)
                let sum = losses[offset..<offset + scored].reduce(0, +)
                windowLosses.append(scored > 0 ? sum / Double(scored) : 0)
                total += sum
                predicted += scored
                offset += scored
            }
            tokens += group.reduce(0) { $0 + $1.count }
            index += group.count
            progress(index, windows.count)
        }
        return PerplexityResult(perplexity: exp(total / Double(max(predicted, 1))), negativeLogLikelihood: total,
                                predictedTokens: predicted, tokens: tokens, seconds: Date().timeIntervalSince(start), windowLosses: windowLosses)
    }
}
