/// The standard error of a probe's loss increase, from paired differences against the original
/// pass on the same tokens (causal LMs) or sentences (encoders).
///
/// **Estimator** (block means, cluster-robust): the differences `dⱼ = ℓⱼ(probe) − ℓⱼ(original)` are
/// cut into blocks (by default each sequence whole: a window's tokens, or one encoder sentence).
/// With block sums `D_b` over `n_b` items, the increase is the ratio `Δ = ΣD_b / Σn_b` (the mean
/// difference) and `SE² = B/(B − 1) · Σ_b (D_b − Δ·n_b)² / (Σn_b)²` over the B blocks. Neighbouring
/// tokens' differences are correlated (a truncation that hurts one token changes the context of
/// the next ones), so only whole windows are independent: version-2 profiles took blocks of 16
/// tokens inside a window, and their errors measured 1.6× too small on SmolLM2-135M (the
/// negative probes' z-scores had an RMS of 1.61; docs/evaluation.md). Nil with fewer than two blocks.
public enum PairedStandardError {
    /// `(Δ, SE)` of `differences` (one array per sequence), in blocks of `blockLength` consecutive
    /// items inside each sequence, or each sequence whole (nil).
    public static func estimate(_ differences: [[Double]], blockLength: Int? = nil) -> (mean: Double, standardError: Double?) {
        var sums: [Double] = [], counts: [Double] = []
        for sequence in differences {
            let length = max(1, blockLength ?? sequence.count)
            var start = 0
            while start < sequence.count {
                let end = min(start + length, sequence.count)
                sums.append(sequence[start..<end].reduce(0, +))
                counts.append(Double(end - start))
                start = end
            }
        }
        let total = counts.reduce(0, +)
        guard total > 0 else { return (0, nil) }
        let mean = sums.reduce(0, +) / total
        guard sums.count >= 2 else { return (mean, nil) }
        let squares = zip(sums, counts).reduce(0) { $0 + ($1.0 - mean * $1.1) * ($1.0 - mean * $1.1) }
        let blocks = Double(sums.count)
        return (mean, (blocks / (blocks - 1) * squares).squareRoot() / total)
    }

    /// The standard error of the mean of `values` taken as independent (per-window increases of
    /// equal weight): `sd/√n`; nil with fewer than two.
    public static func ofMean(_ values: [Double]) -> Double? {
        estimate(values.map { [$0] }).standardError
    }
}
