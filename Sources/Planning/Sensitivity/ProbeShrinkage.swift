/// Empirical-Bayes estimates of a profile's probes: a noisy loss increase is pulled toward what
/// the matrices of the same role predict, in proportion to its noise.
///
/// **Model.** Matrices of one role (the tensor name with its block index replaced, e.g.
/// `model.layers.*.mlp.up_proj.weight`) at one factor bit width share a sensitivity per unit
/// of tail energy: probe i of such a matrix measures `rᵢ = Δᵢ/tᵢ` (its increase over its relative
/// tail energy) with standard error `sᵢ/tᵢ`, and the matrix's true ratio is drawn around the
/// role's `β` with variance `τ²`. `β` and `τ²` are fitted across the role's probes by the
/// random-effects (DerSimonian–Laird) estimator; each probe's estimate is the posterior mean
/// `r̂ᵢ = wᵢrᵢ + (1 − wᵢ)β` with `wᵢ = τ²/(τ² + (sᵢ/tᵢ)²)`, and its increase `r̂ᵢ·tᵢ`.
/// A probe measured exactly (standard error 0, or none known: version-1 profiles) keeps its
/// value; if the role's probes scatter no more than their errors (τ² = 0), all read `β·tᵢ`;
/// a role with fewer than two probes with standard errors is left as measured. A probe that
/// measured no increase, or a decrease, within its noise so reads its role's increase instead
/// of "free".
///
/// **Only for profiles without increases per window** (versions 1 and 2). A version-3 profile is
/// read as measured: its predictions are cross-fitted (``QualityPrediction``), so a probe's noise
/// no longer flatters the plan chosen on it, and the allocator's noise margin (``CautiousLoss``)
/// keeps noise-level probes from reading free. Shrinkage then only added bias: its standard errors
/// come from 4–8 windows per half and an encoder's per-sentence increases are skewed, and on both
/// models the shrunk predictions measured further off (MiniLM held out, allocated plans at
/// 90/75/50%lin: +0.010/+0.013/−0.033 in cosine shrunk, +0.001/+0.009/−0.006 as measured;
/// SmolLM2-135M at 75%lin: ×4.9 shrunk, ×1.5 as measured; docs/evaluation.md).
public enum ProbeShrinkage {
    /// Whether `profile`'s probes are shrunk: only when they do not record their increases per window.
    public static func applies(to profile: SensitivityProfile) -> Bool {
        !profile.matrices.contains { $0.points.contains { $0.lossIncreaseWindows != nil } }
    }

    /// The role of tensor `name`: its dot-separated parts that are integers replaced by `*`.
    public static func role(of name: String) -> String {
        name.split(separator: ".", omittingEmptySubsequences: false)
            .map { Int($0) == nil ? String($0) : "*" }.joined(separator: ".")
    }

    /// The role prior of one group of ratios with variances: `(β, τ²)` (DerSimonian–Laird).
    public static func prior(ratios: [Double], variances: [Double]) -> (mean: Double, variance: Double) {
        let floor = 1e-300
        let weights = variances.map { 1 / max($0, floor) }
        let sum = weights.reduce(0, +)
        let fixed = zip(weights, ratios).reduce(0) { $0 + $1.0 * $1.1 } / sum
        let q = zip(weights, ratios).reduce(0) { $0 + $1.0 * ($1.1 - fixed) * ($1.1 - fixed) }
        let denominator = sum - weights.reduce(0) { $0 + $1 * $1 } / sum
        let tau2 = denominator > 0 ? max(0, (q - Double(ratios.count - 1)) / denominator) : 0
        let randomWeights = variances.map { 1 / max($0 + tau2, floor) }
        let mean = zip(randomWeights, ratios).reduce(0) { $0 + $1.0 * $1.1 } / randomWeights.reduce(0, +)
        return (mean, tau2)
    }

    /// `profile`'s loss increases after shrinkage, by matrix name, in the order of its points (as
    /// measured when shrinkage does not apply, ``applies(to:)``).
    public static func increases(of profile: SensitivityProfile) -> [String: [Double]] {
        var result = Dictionary(uniqueKeysWithValues: profile.matrices.map { ($0.name, $0.points.map(\.lossIncrease)) })
        guard applies(to: profile) else { return result }
        struct Member { let matrix: String; let index: Int; let tail: Double; let ratio: Double; let variance: Double }
        var groups: [String: [Member]] = [:]
        for matrix in profile.matrices {
            for (index, point) in matrix.points.enumerated() {
                guard let error = point.lossIncreaseStandardError, error.isFinite, error > 0,
                      point.tailEnergy.isFinite, point.tailEnergy > 0, point.lossIncrease.isFinite else { continue }
                let ratioError = error / point.tailEnergy
                groups[role(of: matrix.name) + "@\(point.factorBits)", default: []]
                    .append(Member(matrix: matrix.name, index: index, tail: point.tailEnergy,
                                   ratio: point.lossIncrease / point.tailEnergy, variance: ratioError * ratioError))
            }
        }
        for members in groups.values where members.count >= 2 {
            let (beta, tau2) = prior(ratios: members.map(\.ratio), variances: members.map(\.variance))
            for member in members {
                let weight = tau2 / (tau2 + member.variance)
                result[member.matrix]![member.index] = (weight * member.ratio + (1 - weight) * beta) * member.tail
            }
        }
        return result
    }
}
