import Foundation
import ModelRuntime

/// Perplexity over non-overlapping windows, run a few windows per forward pass (one `sgemm` per
/// linear layer for the whole batch).
public enum PerplexityEvaluator {
    /// The perplexity of `model` on `windows`, `batch` windows per forward pass; `progress` is
    /// told after each batch how many windows are done.
    public static func evaluate(_ model: TransformerModel, windows: [[Int]], batch: Int = 4,
                                progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws -> PerplexityResult {
        var total = 0.0, predicted = 0, tokens = 0
        let start = Date()
        var index = 0
        progress(0, windows.count)
        while index < windows.count {
            let group = Array(windows[index..<min(index + max(batch, 1), windows.count)])
            let part = try model.negativeLogLikelihood(windows: group)
            total += part.total
            predicted += part.predicted
            tokens += group.reduce(0) { $0 + $1.count }
            index += group.count
            progress(index, windows.count)
        }
        return PerplexityResult(perplexity: exp(total / Double(max(predicted, 1))), negativeLogLikelihood: total,
                                predictedTokens: predicted, tokens: tokens, seconds: Date().timeIntervalSince(start))
    }
}
