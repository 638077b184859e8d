/// The standard error of a probe's loss increase, from paired differences against the original
/// pass on the same tokens (causal LMs) or sentences (encoders).
///
/// **Estimator** (block means, cluster-robust): the differences `dⱼ = ℓⱼ(probe) − ℓⱼ(original)` are
/// cut into blocks of up to ``blockLength`` consecutive items inside each sequence (a window's
/// tokens; an encoder's sentences are items of one sequence each, so blocks of 1). With block
/// sums `D_b` over `n_b` items, the increase is the ratio `Δ = ΣD_b / Σn_b` (the mean difference)
/// and `SE² = B/(B − 1) · Σ_b (D_b − Δ·n_b)² / (Σn_b)²` over the B blocks. Neighbouring tokens'
/// differences are correlated (a truncation that hurts one token tends to hurt the next ones);
/// blocks of 16 keep most of that correlation inside a block, so the error is not understated
/// as the per-token `sd/√N` would be. Nil with fewer than two blocks.
public enum PairedStandardError {
    /// Consecutive tokens per block.
    public static let blockLength = 16

    /// `(Δ, SE)` of `differences` (one array per sequence) in blocks of `blockLength` items.
    public static func estimate(_ differences: [[Double]], blockLength: Int = blockLength) -> (mean: Double, standardError: Double?) {
        var sums: [Double] = [], counts: [Double] = []
        for sequence in differences {
            var start = 0
            while start < sequence.count {
                let end = min(start + max(1, blockLength), sequence.count)
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
}
