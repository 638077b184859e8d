/// One matrix's measured loss increase as a function of its spectrum's relative tail energy
/// `t(k) = Σ_{i≥k} σᵢ² / Σ σᵢ²` (0 at full rank, 1 at rank 0).
///
/// **Interpolation rule.** Between measured points (and the origin: full rank costs nothing) the
/// increase is linear in `t`; beyond the largest measured `t` (ranks below the smallest probe) it
/// grows as `√t`: `Δ(t) = Δ_last·√(t / t_last)`. Loss grows roughly linearly with the squared
/// output error for small cuts, and more slowly than that once a matrix is cut deep (measured on
/// SmolLM2-135M and all-MiniLM-L6-v2; see docs/evaluation.md). Predictions are never negative (a probe
/// can measure a tiny decrease, which is noise).
public struct SensitivityCurve: Sendable, Equatable {
    /// `(t, Δ)` sorted by `t`, the origin first; points at the same `t` averaged.
    public let points: [(tail: Double, increase: Double)]

    /// A curve through `measured` points `(t, Δ)` (in any order) and the origin.
    public init(measured: [(tail: Double, increase: Double)]) {
        var byTail: [Double: [Double]] = [0: [0]]
        for point in measured where point.tail.isFinite && point.increase.isFinite {
            byTail[max(0, point.tail), default: []].append(point.increase)
        }
        points = byTail.keys.sorted().map { tail in
            let values = byTail[tail]!
            return (tail, tail == 0 ? 0 : values.reduce(0, +) / Double(values.count))
        }
    }

    /// The predicted loss increase at relative tail energy `t` (≥ 0).
    public func increase(atTail t: Double) -> Double {
        let t = max(0, t)
        guard let last = points.last, last.tail > 0 else { return 0 }
        if t >= last.tail { return max(0, last.increase * (t / last.tail).squareRoot()) }
        let upper = points.firstIndex { $0.tail >= t }!
        if upper == 0 { return 0 }
        let (t0, d0) = points[upper - 1], (t1, d1) = points[upper]
        return max(0, d0 + (d1 - d0) * (t - t0) / (t1 - t0))
    }

    /// True when `t` lies beyond the largest measured tail energy (a rank below the smallest probe),
    /// where ``increase(atTail:)`` extrapolates instead of interpolating.
    public func isExtrapolated(atTail t: Double) -> Bool {
        guard let last = points.last, last.tail > 0 else { return false }
        return t > last.tail
    }

    /// `t(k)` of descending singular values for every k in 0…count: `result[k] = Σ_{i≥k} σᵢ² / Σ σᵢ²`
    /// (all 0 for a zero matrix).
    public static func relativeTails(_ singularValues: [Double]) -> [Double] {
        var tail = [Double](repeating: 0, count: singularValues.count + 1)
        for index in stride(from: singularValues.count - 1, through: 0, by: -1) {
            tail[index] = tail[index + 1] + singularValues[index] * singularValues[index]
        }
        let total = tail[0]
        return total > 0 ? tail.map { $0 / total } : tail.map { _ in 0 }
    }

    public static func == (lhs: SensitivityCurve, rhs: SensitivityCurve) -> Bool {
        lhs.points.count == rhs.points.count && zip(lhs.points, rhs.points).allSatisfy { $0.tail == $1.tail && $0.increase == $1.increase }
    }
}
