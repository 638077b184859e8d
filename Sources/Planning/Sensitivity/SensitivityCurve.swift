import Foundation

/// One matrix's measured loss increase as a function of its spectrum's relative tail energy
/// `t(k) = Σ_{i≥k} σᵢ² / Σ σᵢ²` (0 at full rank, 1 at rank 0).
///
/// **Interpolation rule.** Between measured points the increase is linear in `t`. Outside them it
/// follows a power of `t` through the nearest probe (``Exponents``): toward full rank
/// `Δ(t) = Δ_first·(t / t_first)^shallow` (full rank costs nothing), beyond the largest measured
/// `t` (ranks below the smallest probe) `Δ(t) = Δ_last·(t / t_last)^deep`. The exponents are
/// fitted to the profile's own probes (``Exponents/fitted(to:factorBits:)``); without enough
/// probes they are 1 (linear toward full rank) and ½ (`√t` beyond). Predictions are never
/// negative (a probe can measure a tiny decrease, which is noise).
public struct SensitivityCurve: Sendable, Equatable {
    /// `(t, Δ)` sorted by `t`, the origin first; points at the same `t` averaged.
    public let points: [(tail: Double, increase: Double)]
    /// How the curve continues outside its measured points.
    public let exponents: Exponents

    /// The powers of `t` a curve follows outside its probes.
    public struct Exponents: Sendable, Equatable {
        /// Between full rank and the shallowest probe: `Δ_first·(t / t_first)^shallow`.
        public let shallow: Double
        /// Below the deepest probe: `Δ_last·(t / t_last)^deep`.
        public let deep: Double

        /// Exponents `shallow` and `deep`.
        public init(shallow: Double, deep: Double) {
            self.shallow = shallow
            self.deep = deep
        }

        /// Linear toward full rank, `√t` beyond the deepest probe: the rule for a profile too
        /// small to fit (and of profiles before the fit existed).
        public static let fallback = Exponents(shallow: 1, deep: 0.5)

        /// The range a fitted exponent is kept in.
        public static let fittedRange: ClosedRange<Double> = 0.25...1.5

        /// The fewest matrices whose probe pair must read an increase for a fitted exponent.
        public static let minimumMatrices = 8

        /// Exponents fitted to `profile`'s probes at `factorBits`, each one by the step it stands
        /// for, over all matrices at once: `shallow` is the power `p` with which every matrix's
        /// second-shallowest probe, carried to its shallowest one's tail energy as
        /// `Δ₂·(t₁/t₂)^p`, adds up to what the shallowest probes measured (`Σ Δ₁`); `deep` the
        /// power that carries the second-deepest probes to the deepest ones the same way. Sums,
        /// not single matrices: most single probes are within their noise of 0, their sums are
        /// not (each increase counts at least 0, as the prediction reads it). A side is the
        /// ``fallback``'s when fewer than ``minimumMatrices`` matrices have two probes with an
        /// increase, and every exponent is kept in ``fittedRange``.
        ///
        /// On SmolLM2-135M (probes at 0.5, 0.25 and 0.125 of each rank) the curves are concave
        /// toward full rank and close to linear at depth: the 0.25 probes read linearly toward
        /// full rank give 0.50× what the 0.5 probes measured, as `√t` 0.98×; the 0.25 probes
        /// carried as `√t` to 0.125 give 0.75× what those measured (docs/evaluation.md).
        public static func fitted(to profile: SensitivityProfile, factorBits: Int = 16) -> Exponents {
            var shallowPairs: [(from: (tail: Double, increase: Double), to: (tail: Double, increase: Double))] = []
            var deepPairs = shallowPairs
            for matrix in profile.matrices {
                let probes = matrix.points.filter { $0.factorBits == factorBits && $0.tailEnergy > 0 }
                    .map { (tail: $0.tailEnergy, increase: max(0, $0.lossIncrease)) }.sorted { $0.tail < $1.tail }
                guard probes.count >= 2, probes[0].tail < probes[1].tail else { continue }
                shallowPairs.append((probes[1], probes[0]))
                let last = probes.count - 1
                deepPairs.append((probes[last - 1], probes[last]))
            }
            return Exponents(shallow: power(carrying: shallowPairs) ?? fallback.shallow, deep: power(carrying: deepPairs) ?? fallback.deep)
        }

        /// The power `p` in ``fittedRange`` with `Σ from.increase·(to.tail/from.tail)^p = Σ to.increase`
        /// (bisection: the left side is monotone in `p`); nil with too few pairs that read an increase.
        static func power(carrying pairs: [(from: (tail: Double, increase: Double), to: (tail: Double, increase: Double))]) -> Double? {
            let usable = pairs.filter { $0.from.increase > 0 && $0.to.increase > 0 && $0.from.tail > 0 && $0.to.tail != $0.from.tail }
            guard usable.count >= minimumMatrices else { return nil }
            let target = usable.reduce(0) { $0 + $1.to.increase }
            func excess(_ p: Double) -> Double { usable.reduce(0) { $0 + $1.from.increase * pow($1.to.tail / $1.from.tail, p) } - target }
            // Toward full rank the ratios are < 1 (excess falls with p), toward depth > 1 (it rises).
            let falling = excess(fittedRange.lowerBound) > excess(fittedRange.upperBound)
            var low = fittedRange.lowerBound, high = fittedRange.upperBound
            let atLow = excess(low), atHigh = excess(high)
            if falling ? atLow <= 0 : atLow >= 0 { return low }
            if falling ? atHigh >= 0 : atHigh <= 0 { return high }
            for _ in 0..<60 {
                let middle = (low + high) / 2
                if (excess(middle) > 0) == falling { low = middle } else { high = middle }
            }
            return (low + high) / 2
        }
    }

    /// A curve through `measured` points `(t, Δ)` (in any order) and the origin, continued
    /// outside them by `exponents`.
    public init(measured: [(tail: Double, increase: Double)], exponents: Exponents = .fallback) {
        var byTail: [Double: [Double]] = [0: [0]]
        for point in measured where point.tail.isFinite && point.increase.isFinite {
            byTail[max(0, point.tail), default: []].append(point.increase)
        }
        points = byTail.keys.sorted().map { tail in
            let values = byTail[tail]!
            return (tail, tail == 0 ? 0 : values.reduce(0, +) / Double(values.count))
        }
        self.exponents = exponents
    }

    /// The predicted loss increase at relative tail energy `t` (≥ 0).
    public func increase(atTail t: Double) -> Double {
        let t = max(0, t)
        guard let last = points.last, last.tail > 0, t > 0 else { return 0 }
        if t >= last.tail { return max(0, last.increase * pow(t / last.tail, exponents.deep)) }
        let first = points[1]
        if t <= first.tail { return max(0, first.increase * pow(t / first.tail, exponents.shallow)) }
        let upper = points.firstIndex { $0.tail >= t }!
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
        lhs.exponents == rhs.exponents && lhs.points.count == rhs.points.count
            && zip(lhs.points, rhs.points).allSatisfy { $0.tail == $1.tail && $0.increase == $1.increase }
    }
}
