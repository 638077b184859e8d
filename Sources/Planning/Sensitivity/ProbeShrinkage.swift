import Foundation

/// Empirical-Bayes estimates of a profile's probes: a noisy loss increase is pulled toward what
/// the matrices of the same role predict, in proportion to its noise.
///
/// **Model.** Matrices of one role (the tensor name with its block index replaced, e.g.
/// `model.layers.*.mlp.up_proj.weight`) at one factor bit width share a sensitivity per unit
/// of tail energy: probe i of such a matrix measures `rᵢ = Δᵢ/tᵢ` (its increase over its relative
/// tail energy) with standard error `c·sᵢ/tᵢ`, and the matrix's true ratio is drawn around the
/// role's `β` with variance `τ²`. Three estimates, each fitted on the profile itself:
/// - **Noise scale `c`.** Truncating a matrix does not lower the loss on average, so a probe
///   that measured a decrease measured noise: `c² = max(1, mean of (Δᵢ/sᵢ)²` over the probes
///   with `Δᵢ < 0`) once there are at least ``minimumNegativeProbes`` of them (else 1). On
///   SmolLM2-135M over 256 tokens the blocked standard errors come out 1.6× too small this way
///   (neighbouring blocks of one window share the perturbed context).
/// - **Role prior.** `β` and `τ²` by the random-effects (DerSimonian–Laird) estimator over the
///   role's probes; then the roles' `β`s at one bit width are themselves pooled the same way
///   toward the mean of all roles, each by its own standard error (a role whose probes are all
///   noise no longer reads "free", or negative).
/// - **Posterior.** Probe i's ratio is normal with mean `wᵢrᵢ + (1 − wᵢ)β̂` and variance
///   `wᵢ·(c·sᵢ/tᵢ)²`, `wᵢ = τ²/(τ² + (c·sᵢ/tᵢ)²)`, truncated at 0 (an increase is not negative);
///   the estimate is that truncated normal's mean times `tᵢ`.
/// A probe measured exactly (standard error 0, or none known: version-1 profiles) keeps its
/// value; a role with fewer than two probes with standard errors is left as measured.
public enum ProbeShrinkage {
    /// The fewest probes with a measured decrease that set the noise scale `c` (fewer: `c = 1`).
    public static let minimumNegativeProbes = 8

    /// The role of tensor `name`: its dot-separated parts that are integers replaced by `*`.
    public static func role(of name: String) -> String {
        name.split(separator: ".", omittingEmptySubsequences: false)
            .map { Int($0) == nil ? String($0) : "*" }.joined(separator: ".")
    }

    /// The random-effects prior of one group of ratios with variances: `(β, τ²)` and the
    /// variance of `β` (DerSimonian–Laird).
    public static func prior(ratios: [Double], variances: [Double]) -> (mean: Double, variance: Double, meanVariance: Double) {
        let floor = 1e-300
        let weights = variances.map { 1 / max($0, floor) }
        let sum = weights.reduce(0, +)
        let fixed = zip(weights, ratios).reduce(0) { $0 + $1.0 * $1.1 } / sum
        let q = zip(weights, ratios).reduce(0) { $0 + $1.0 * ($1.1 - fixed) * ($1.1 - fixed) }
        let denominator = sum - weights.reduce(0) { $0 + $1 * $1 } / sum
        let tau2 = denominator > 0 ? max(0, (q - Double(ratios.count - 1)) / denominator) : 0
        let randomWeights = variances.map { 1 / max($0 + tau2, floor) }
        let total = randomWeights.reduce(0, +)
        let mean = zip(randomWeights, ratios).reduce(0) { $0 + $1.0 * $1.1 } / total
        return (mean, tau2, 1 / total)
    }

    /// The noise scale `c²` of `profile`'s standard errors (see the type).
    public static func noiseScaleSquared(of profile: SensitivityProfile) -> Double {
        let z = profile.matrices.flatMap(\.points).compactMap { point -> Double? in
            guard let error = point.lossIncreaseStandardError, error > 0, point.lossIncrease.isFinite, point.lossIncrease < 0 else { return nil }
            return point.lossIncrease / error
        }
        guard z.count >= minimumNegativeProbes else { return 1 }
        return max(1, z.reduce(0) { $0 + $1 * $1 } / Double(z.count))
    }

    /// The mean of a normal with `mean` and standard deviation `deviation` truncated to ≥ 0.
    public static func positiveMean(_ mean: Double, deviation: Double) -> Double {
        guard deviation > 0 else { return max(0, mean) }
        let alpha = mean / deviation
        // Far below 0 the difference below cancels; the positive part's mean tends to d/|α|.
        if alpha < -10 { return deviation / -alpha }
        let cdf = 0.5 * erfc(-alpha / 2.0.squareRoot())
        let density = exp(-alpha * alpha / 2) / (2 * Double.pi).squareRoot()
        let mills = density / cdf
        return max(0, mean + deviation * mills)
    }

    /// `profile`'s loss increases after shrinkage, by matrix name, in the order of its points.
    public static func increases(of profile: SensitivityProfile) -> [String: [Double]] {
        var result = Dictionary(uniqueKeysWithValues: profile.matrices.map { ($0.name, $0.points.map(\.lossIncrease)) })
        struct Member { let matrix: String; let index: Int; let tail: Double; let ratio: Double; let variance: Double }
        let scale2 = noiseScaleSquared(of: profile)
        var groups: [String: [Member]] = [:]
        for matrix in profile.matrices {
            for (index, point) in matrix.points.enumerated() {
                guard let error = point.lossIncreaseStandardError, error.isFinite, error > 0,
                      point.tailEnergy.isFinite, point.tailEnergy > 0, point.lossIncrease.isFinite else { continue }
                let ratioError = error / point.tailEnergy
                groups[role(of: matrix.name) + "@\(point.factorBits)", default: []]
                    .append(Member(matrix: matrix.name, index: index, tail: point.tailEnergy,
                                   ratio: point.lossIncrease / point.tailEnergy, variance: scale2 * ratioError * ratioError))
            }
        }
        let roles = groups.filter { $0.value.count >= 2 }.mapValues { members in
            prior(ratios: members.map(\.ratio), variances: members.map(\.variance))
        }
        // The roles' β pooled toward all roles' at the same bit width.
        var pooled: [String: Double] = [:]
        for bits in Set(roles.keys.map { $0.split(separator: "@").last! }) {
            let keys = roles.keys.filter { $0.hasSuffix("@" + bits) }.sorted()
            guard keys.count >= 2 else { keys.forEach { pooled[$0] = roles[$0]!.mean }; continue }
            let top = prior(ratios: keys.map { roles[$0]!.mean }, variances: keys.map { roles[$0]!.meanVariance })
            for key in keys {
                let role = roles[key]!
                let weight = top.variance / (top.variance + role.meanVariance)
                pooled[key] = weight * role.mean + (1 - weight) * top.mean
            }
        }
        for (key, members) in groups {
            guard let role = roles[key], let beta = pooled[key] else { continue }
            for member in members {
                let weight = role.variance / (role.variance + member.variance)
                let mean = weight * member.ratio + (1 - weight) * beta
                result[member.matrix]![member.index] = positiveMean(mean, deviation: (weight * member.variance).squareRoot()) * member.tail
            }
        }
        return result
    }
}
