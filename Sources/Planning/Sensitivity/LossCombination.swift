import Foundation

/// How the matrices' loss increases combine into the model's: one interaction constant κ
/// (per unit of loss) measured by a profile's joint probes (``SensitivityProfile/JointProbe``).
///
/// **Rule.** Each matrix's increase Δᵢ (measured with it truncated alone) becomes the additive
/// cost `uᵢ = −ln(1 − κΔᵢ)/κ`, and the model's increase is `Δ = (1 − e^{−κΣuᵢ})/κ`, i.e.
/// `1 − κΔ = Πᵢ(1 − κΔᵢ)`. With κ > 0 each matrix takes its share of the loss still left below a
/// ceiling `1/κ` (sub-additive: deep cuts overlap in what they break); with κ < 0 the increases
/// compound (super-additive); κ = 0 is plain addition, the limit of both. Small increases add in
/// every case (`Δ ≈ ΣΔᵢ` while `κΣΔᵢ ≪ 1`).
///
/// **Fit.** κ minimises the squared error of the rule's prediction for the joint probes (every
/// matrix truncated together at one rank fraction) against their measured increase, on the
/// profile's own text. Without joint probes κ = 0.
///
/// Because the rule is monotone in Σuᵢ, an allocator that minimises Σuᵢ minimises the predicted
/// model increase exactly (``cost(ofIncrease:)``, ``increase(ofCost:)``).
public struct LossCombination: Sendable, Equatable {
    /// κ, per unit of loss (nats for a causal LM); 0 adds.
    public let interaction: Double

    /// The rule with constant `interaction`.
    public init(interaction: Double) {
        self.interaction = interaction.isFinite ? interaction : 0
    }

    /// Plain addition (κ = 0).
    public static let additive = LossCombination(interaction: 0)

    /// The ceiling `1/κ` a sub-additive rule saturates at (nil unless κ > 0).
    public var ceiling: Double? { interaction > 0 ? 1 / interaction : nil }

    /// `u = −ln(1 − κΔ)/κ` (Δ itself when κ = 0); an increase at or past the ceiling costs a finite
    /// amount just below it, so sums stay finite.
    public func cost(ofIncrease increase: Double) -> Double {
        let delta = max(0, increase)
        guard interaction != 0 else { return delta }
        let scaled = min(interaction * delta, 1 - 1e-12)
        return -log1p(-scaled) / interaction
    }

    /// `Δ = (1 − e^{−κu})/κ`, the increase of a total cost `u` (u itself when κ = 0).
    public func increase(ofCost cost: Double) -> Double {
        guard interaction != 0 else { return cost }
        return -expm1(-interaction * cost) / interaction
    }

    /// The model's increase when each matrix alone raises the loss by `increases`.
    public func combine(_ increases: [Double]) -> Double {
        increase(ofCost: increases.reduce(0) { $0 + cost(ofIncrease: $1) })
    }

    /// The κ whose rule predicts `probes` (each: the matrices' increases alone, and the increase
    /// measured with all of them at once) with the least squared error; additive without probes.
    ///
    /// The prediction falls as κ grows, so each probe alone has one exact κ; over several the
    /// search brackets the minimum on a grid of κ·s (s the largest measured increase) in
    /// [−20, 20] and refines it by golden sections.
    public static func fitted(to probes: [(increases: [Double], measured: Double)]) -> LossCombination {
        let usable = probes.filter { $0.measured.isFinite && $0.measured > 0 && !$0.increases.isEmpty }
        guard let scale = usable.map(\.measured).max(), scale > 0 else { return .additive }
        func error(_ kappa: Double) -> Double {
            let rule = LossCombination(interaction: kappa)
            return usable.reduce(0) { sum, probe in
                let miss = rule.combine(probe.increases) - probe.measured
                return sum + miss * miss
            }
        }
        let grid = (-400...400).map { Double($0) / 20 / scale }
        let best = grid.indices.min { error(grid[$0]) < error(grid[$1]) }!
        var low = grid[max(best - 1, 0)], high = grid[min(best + 1, grid.count - 1)]
        let ratio = (5.0.squareRoot() - 1) / 2
        for _ in 0..<100 {
            let a = high - ratio * (high - low), b = low + ratio * (high - low)
            if error(a) < error(b) { high = b } else { low = a }
        }
        return LossCombination(interaction: (low + high) / 2)
    }
}
