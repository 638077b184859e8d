import Foundation

/// How the matrices' loss increases combine into the model's: a monotone map from their sum to
/// the model's increase, calibrated by a profile's joint probes (``SensitivityProfile/JointProbe``)
/// at each probed depth.
///
/// **Rule.** With `S = ΣᵢΔᵢ` the sum of the matrices' increases (each measured with it truncated
/// alone), the model's increase is `Δ = g(S)`, where `g` runs linearly through the origin and the
/// points `(Sⱼ, Mⱼ)`, one per joint probe: `Sⱼ` the summed increases of the matrices at that
/// probe's ranks, `Mⱼ` the increase measured with all of them truncated at once. The points are
/// taken in order of `Sⱼ` with `Mⱼ` made non-decreasing (a running maximum), so `g` is monotone;
/// past the deepest point `g` keeps that point's ratio, `g(S) = S·M_last/S_last`. Without joint
/// probes `g` is the identity (plain addition).
///
/// **Why a map per depth, not one interaction constant.** On SmolLM2-135M the joint probes measured
/// 3.155 nats at half rank against 2.54 summed (damage compounds), and 4.813 at a quarter against
/// 6.05 (it overlaps): the ratio turns with depth, so the former `1 − κΔ = Πᵢ(1 − κΔᵢ)` with one κ
/// fitted to both missed both (docs/evaluation.md). The map reproduces every joint probe exactly
/// (a uniform plan at a probed fraction is predicted as measured) and interpolates between them
/// by how much the plan's matrices add up to.
///
/// Because `g` is monotone, an allocator that minimises `S` (each matrix's cost is its increase,
/// ``cost(ofIncrease:)``) minimises the predicted model increase exactly (``increase(ofCost:)``).
///
/// **Its uncertainty.** Each joint probe's `Mⱼ` carries the standard error between its windows
/// (how much a plan's damage moves from one stretch of text to the next); ``standardError(atSum:)``
/// reads it off like `g`, through the origin (0) and the points, `S/S_last` times the deepest
/// point's beyond it.
public struct LossCombination: Sendable, Equatable {
    /// The calibration points `(added, combined, standardError)` beside the origin, by `added`
    /// ascending, `combined` non-decreasing; empty: addition.
    public let points: [(added: Double, combined: Double, standardError: Double)]

    /// The map through `points` (each: the matrices' summed increases and the model's measured
    /// one, without a standard error).
    public init(points: [(added: Double, combined: Double)]) {
        self.init(calibration: points.map { ($0.added, $0.combined, 0) })
    }

    /// The map through `calibration` (each: the matrices' summed increases, the model's measured
    /// one and its standard error, 0 if unknown); points that are not finite or not positive are
    /// left out, the rest sorted and made monotone.
    public init(calibration points: [(added: Double, combined: Double, standardError: Double)]) {
        var usable = points.filter { $0.added.isFinite && $0.added > 0 && $0.combined.isFinite && $0.combined > 0 }
            .map { (added: $0.added, combined: $0.combined, standardError: $0.standardError.isFinite ? max(0, $0.standardError) : 0) }
            .sorted { $0.added < $1.added }
        var ceiling = 0.0
        for index in usable.indices {
            ceiling = max(ceiling, usable[index].combined)
            usable[index].combined = ceiling
        }
        var merged: [(added: Double, combined: Double, standardError: Double)] = []
        for point in usable {
            if let last = merged.last, last.added == point.added {
                merged[merged.count - 1].combined = max(last.combined, point.combined)
                merged[merged.count - 1].standardError = max(last.standardError, point.standardError)
            } else {
                merged.append(point)
            }
        }
        self.points = merged
    }

    /// Plain addition (no calibration points).
    public static let additive = LossCombination(points: [])

    /// The additive cost of a matrix's increase: the increase itself (at least 0).
    public func cost(ofIncrease increase: Double) -> Double { max(0, increase) }

    /// `g(S)`, the model's increase when the matrices' increases add up to `cost`.
    public func increase(ofCost cost: Double) -> Double {
        guard !points.isEmpty else { return max(0, cost) }
        return Self.readOff(points.map { ($0.added, $0.combined) }, at: cost)
    }

    /// The standard error of `g(S)` from the joint probes' own (0 for addition).
    public func standardError(atSum sum: Double) -> Double {
        Self.readOff(points.map { ($0.added, $0.standardError) }, at: sum)
    }

    /// `values` read at `sum`: linear through the origin and the points, the last point's ratio beyond.
    private static func readOff(_ values: [(added: Double, value: Double)], at sum: Double) -> Double {
        let sum = max(0, sum)
        guard let last = values.last else { return 0 }
        if sum >= last.added { return sum * last.value / last.added }
        var previous = (added: 0.0, value: 0.0)
        for point in values {
            if sum <= point.added {
                return previous.value + (point.value - previous.value) * (sum - previous.added) / (point.added - previous.added)
            }
            previous = point
        }
        return sum * last.value / last.added
    }

    /// The ratio `g(S)/S` at `S` (1 for addition, and at S = 0 the first segment's): how far
    /// the combination takes a plan of that depth off the plain sum.
    public func ratio(atSum sum: Double) -> Double {
        guard let first = points.first else { return 1 }
        return sum > 0 ? increase(ofCost: sum) / sum : first.combined / first.added
    }

    /// The model's increase when each matrix alone raises the loss by `increases`.
    public func combine(_ increases: [Double]) -> Double {
        increase(ofCost: increases.reduce(0) { $0 + cost(ofIncrease: $1) })
    }

    public static func == (lhs: LossCombination, rhs: LossCombination) -> Bool {
        lhs.points.count == rhs.points.count
            && zip(lhs.points, rhs.points).allSatisfy { $0.added == $1.added && $0.combined == $1.combined && $0.standardError == $1.standardError }
    }
}
