import Foundation
import Planning

/// What `rankscope eval` measured, printed as a table or, with `--json`, as this document (keys
/// are the properties in snake_case, written by ``JSONOutput``; nil ones are left out).
struct EvalReport: Encodable {
    /// One model's figures.
    struct Figures: Encodable {
        /// Perplexity (causal models).
        var perplexity: Double?
        /// Forward-pass throughput.
        var tokensPerSecond: Double
        /// Wall time of the forward passes.
        var seconds: Double
        /// Parameters of the linear layers as run (factored layers count their factors).
        var linearParameters: Int
        /// Causal LMs: each window's mean next-token log-loss, in the windows' order.
        var windowLosses: [Double]? = nil
    }

    /// A causal candidate's log-loss increase over the original, paired window by window: how far
    /// the measured figure itself may move on other text of the same kind.
    struct PairedIncrease: Encodable {
        /// The mean of the windows' increases, `ln(candidate perplexity / original perplexity)`.
        var lossIncrease: Double
        /// Its standard error between windows (`sd/√windows`; nil with fewer than two windows).
        var lossIncreaseStandardError: Double?
        /// The candidate's perplexity at ±2 of those standard errors: `[low, high]`.
        var perplexityRange: [Double]?

        /// The increase of `candidate` over `original` on the same windows; nil unless both have
        /// window losses for the same number of windows (every window scores as many tokens).
        init?(original: Figures, candidate: Figures) {
            guard let before = original.windowLosses, let after = candidate.windowLosses, before.count == after.count, !before.isEmpty,
                  let perplexity = original.perplexity else { return nil }
            let increases = zip(after, before).map { $0 - $1 }
            lossIncrease = increases.reduce(0, +) / Double(increases.count)
            lossIncreaseStandardError = PairedStandardError.ofMean(increases)
            perplexityRange = lossIncreaseStandardError.map { error in
                [perplexity * exp(lossIncrease - 2 * error), perplexity * exp(lossIncrease + 2 * error)]
            }
        }
    }

    /// An encoder candidate's agreement with the original.
    struct Agreement: Encodable {
        var meanCosine: Double
        /// The smallest cosine over the sentences (`min_cosine`).
        var minCosine: Double
        var similarityCorrelation: Double
    }

    var model: String
    var modelType: String
    var text: String
    /// `perplexity` (causal models) or `embedding` (encoders).
    var metric: String
    /// What the candidate is: `plan FILE`, `compressed DIR`, or nil when only the original ran.
    var candidateSource: String?
    var seqLen: Int?
    var windows: Int?
    var sentences: Int?
    /// Tokens run through each model.
    var tokens: Int
    var original: Figures
    var candidate: Figures?
    var agreement: Agreement?
    /// With `--sensitivity`: what the profile predicts for the plan (as `plan --json`'s `prediction`).
    var prediction: PredictionReport?
    /// A causal candidate's increase over the original, window by window (``PairedIncrease``).
    var paired: PairedIncrease? = nil

    /// The plain-text report.
    func lines() -> [String] {
        var lines = ["model  \(model) (\(modelType))"]
        if let windows, let seqLen {
            lines.append("text   \(text): \(windows) windows of \(seqLen) tokens (\(Formatting.grouped(tokens)) tokens)")
        } else if let sentences {
            lines.append("text   \(text): \(sentences) sentences (\(Formatting.grouped(tokens)) tokens)")
        }
        if let candidateSource { lines.append("candidate  \(candidateSource)") }
        lines.append("")
        var columns: [(String, TextTable.Alignment)] = [("", .left)]
        if metric == "perplexity" { columns.append(("perplexity", .right)) }
        columns += [("tokens/s", .right), ("linear params", .right)]
        var table = TextTable(columns)
        func row(_ name: String, _ figures: Figures) -> [String] {
            var cells = [name]
            if let perplexity = figures.perplexity { cells.append(String(format: "%.4f", perplexity)) }
            cells += [String(format: "%.0f", figures.tokensPerSecond), Formatting.grouped(figures.linearParameters)]
            return cells
        }
        table.append(row("original", original))
        if let candidate { table.append(row("candidate", candidate)) }
        lines += table.render()
        if let candidate {
            var ratios = String(format: "candidate/original: speed %.2fx, linear parameters %.1f%%",
                                candidate.tokensPerSecond / max(original.tokensPerSecond, 1e-12),
                                100 * Double(candidate.linearParameters) / Double(max(original.linearParameters, 1)))
            if let a = original.perplexity, let b = candidate.perplexity { ratios += String(format: ", perplexity %+.2f%%", 100 * (b / a - 1)) }
            lines.append(ratios)
            if let paired, let error = paired.lossIncreaseStandardError, let range = paired.perplexityRange, let windows {
                lines.append(String(format: "paired over the %d windows: log-loss %+.4f, standard error between windows %.4f (the measured perplexity ±2 of it: %@ to %@)",
                                    windows, paired.lossIncrease, error, Formatting.significant(range[0]), Formatting.significant(range[1])))
            }
        }
        if let agreement {
            lines.append(String(format: "embedding cosine (candidate vs original): mean %.6f, min %.6f; correlation of pairwise similarities %.6f",
                                agreement.meanCosine, agreement.minCosine, agreement.similarityCorrelation))
        }
        return lines
    }
}
