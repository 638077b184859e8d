import Foundation

/// The Marchenko–Pastur (MP) fit of an empirical spectral density, computed exactly as
/// WeightWatcher 0.7.7 does with `mp_fit=True` (its `mp_fit` and `fit_density_with_range`).
///
/// For an m×n matrix with N = max(m, n), M = min(m, n) and aspect ratio Q = N/M:
/// 1. the M eigenvalues λ = σ² are rescaled to mean 1: λ' = λ·s² with the `W_scale`
///    s = √M / √(Σλ);
/// 2. a linear-kernel density estimate (bandwidth 0.1) of λ' (of √λ' when Q = 1) is taken on
///    1000 points from 0 to max + 0.5, keeping the points where it exceeds 0.01;
/// 3. the MP density of scale σ (the quarter circle when Q = 1) is compared with it by the sum of
///    squared differences, over a grid σ ∈ [0.05·σ₀, 2·σ₀) in steps of 0.01·σ₀ with
///    σ₀ = √(max λ' / (1 + 1/√Q)²), refined by ``SimplexSearch`` from the best grid point (SciPy's
///    `brute` finishing with `fmin`); a σ whose bulk edges miss the density's peak or range scores
///    1000 per point, as in WeightWatcher;
/// 4. the bulk edges are λ± = (σ(1 ± 1/√Q))²; the spikes are the λ' above
///    λ₊ + √(Q^(−½)·λ₊^(⅔)·M^(−⅔)) (a Tracy–Widom margin), and the MP soft rank is λ₊ / max λ'.
///
/// `bulkMax` and `bulkMin` are given back on the scale of λ (divided by s²), as WeightWatcher
/// reports them; `sigma` stays on the rescaled scale, as its `sigma_mp` does.
public struct MarchenkoPasturFit: Sendable, Equatable, Codable {
    /// The fitted MP scale (WeightWatcher's `sigma_mp`).
    public let sigma: Double
    /// Eigenvalues above the bulk edge plus its Tracy–Widom margin (`num_spikes`).
    public let spikeCount: Int
    /// λ₊ / λ_max on the rescaled axis (`mp_softrank`).
    public let softRank: Double
    /// The bulk's upper edge λ₊ in eigenvalue units (`bulk_max`).
    public let bulkMax: Double
    /// The bulk's lower edge λ₋ in eigenvalue units (`bulk_min`).
    public let bulkMin: Double
    /// The rescaling s with s²·mean(λ) = 1 (`W_scale`).
    public let scale: Double

    /// WeightWatcher's kernel bandwidth on the rescaled axis.
    public static let bandwidth = 0.1
    /// Density below which estimate points are ignored.
    public static let densityFloor = 0.01
    /// Points of the density estimate.
    public static let gridPoints = 1000

    /// Fits the eigenvalues (any order) of a matrix with `largerDimension` N ≥ `smallerDimension` M;
    /// nil where WeightWatcher's fit fails (no eigenvalue mass, no density point above 0.01),
    /// where it reports −1.
    public static func fit(eigenvalues: [Double], largerDimension: Int, smallerDimension: Int) -> MarchenkoPasturFit? {
        fit(eigenvalues: eigenvalues, sum: eigenvalues.reduce(0, +), largerDimension: largerDimension, smallerDimension: smallerDimension)
    }

    /// ``fit(eigenvalues:largerDimension:smallerDimension:)`` given Σλ summed in order (as
    /// `reduce(0, +)` sums it), for callers that have it already.
    static func fit(eigenvalues: [Double], sum: Double, largerDimension: Int, smallerDimension: Int) -> MarchenkoPasturFit? {
        guard !eigenvalues.isEmpty, smallerDimension > 0 else { return nil }
        let q = Double(largerDimension) / Double(smallerDimension)
        let norm = sum.squareRoot()
        let scale = Double(eigenvalues.count).squareRoot() / norm
        guard norm > 0, scale.isFinite else { return nil }
        let scaleSquared = scale * scale
        let rescaled = eigenvalues.map { scaleSquared * $0 }
        let lambdaMax = largest(rescaled)
        guard lambdaMax.isFinite else { return nil }

        let startSigma = (lambdaMax / ((1 + 1 / q.squareRoot()) * (1 + 1 / q.squareRoot()))).squareRoot()
        let fitted = ascending(q == 1 ? rescaled.map { $0.squareRoot() } : rescaled)
        guard let density = Density(fitted, q: q) else { return nil }
        let grid = arange(0.05 * startSigma, 2.0 * startSigma, 0.01 * startSigma)
        guard !grid.isEmpty else { return nil }
        var bestIndex = 0
        var bestResidual = Double.infinity
        for (index, sigma) in grid.enumerated() {
            let residual = density.residual(sigma: sigma)
            if residual < bestResidual || (index == 0) { (bestIndex, bestResidual) = (index, residual) }
        }
        let sigma = SimplexSearch().minimise(from: grid[bestIndex]) { density.residual(sigma: $0) }.x

        let bulkMax = (sigma * (1 + 1 / q.squareRoot())) * (sigma * (1 + 1 / q.squareRoot()))
        let bulkMin = (sigma * (1 - 1 / q.squareRoot())) * (sigma * (1 - 1 / q.squareRoot()))
        let tracyWidom = 1 / q.squareRoot() * Foundation.pow(bulkMax, 2.0 / 3) * Foundation.pow(Double(smallerDimension), -2.0 / 3)
        let edge = bulkMax + tracyWidom.squareRoot()
        var spikes = 0
        for value in rescaled where value > edge { spikes += 1 }
        return MarchenkoPasturFit(sigma: sigma, spikeCount: spikes,
                                  softRank: bulkMax / lambdaMax, bulkMax: bulkMax / scaleSquared,
                                  bulkMin: bulkMin / scaleSquared, scale: scale)
    }

    /// `values.max()!` (a NaN first stays, later ones are skipped, as `max()` does).
    private static func largest(_ values: [Double]) -> Double {
        var result = values[0]
        for value in values.dropFirst() where result < value { result = value }
        return result
    }

    /// `values.sorted()`, without the sort when they are in order already (the spectra are).
    private static func ascending(_ values: [Double]) -> [Double] {
        for index in values.indices.dropFirst() where !(values[index - 1] <= values[index]) { return values.sorted() }
        return values
    }

    /// numpy's `arange(start, stop, step)`: ⌈(stop − start)/step⌉ values start + i·δ with
    /// δ = (start + step) − start, as its fill loop computes them.
    static func arange(_ start: Double, _ stop: Double, _ step: Double) -> [Double] {
        let length = ((stop - start) / step).rounded(.up)
        guard length.isFinite, length > 0 else { return [] }
        let delta = (start + step) - start
        return (0..<Int(length)).map { $0 == 0 ? start : start + Double($0) * delta }
    }

    /// The kernel density estimate on its grid and the residual of an MP density against it.
    private struct Density {
        let xs: [Double]
        let ys: [Double]
        let peak: Double
        let right: Double
        let q: Double

        /// The estimate of `sortedValues`, restricted to points above the density floor; nil when none is.
        init?(_ sortedValues: [Double], q: Double) {
            let count = MarchenkoPasturFit.gridPoints
            let stop = sortedValues.last! + 0.5
            let step = stop / Double(count - 1)
            let h = MarchenkoPasturFit.bandwidth
            let normaliser = Double(sortedValues.count) * h
            var xs: [Double] = [], ys: [Double] = []
            sortedValues.withUnsafeBufferPointer { values in
                var low = 0
                for index in 0..<count {
                    let x = index == count - 1 ? stop : Double(index) * step
                    while low < values.count && values[low] <= x - h { low += 1 }
                    var sum = 0.0
                    var position = low
                    let right = x + h
                    while position < values.count && values[position] < right {
                        sum += 1 - abs(x - values[position]) / h
                        position += 1
                    }
                    let y = sum / normaliser
                    if y > MarchenkoPasturFit.densityFloor { xs.append(x); ys.append(y) }
                }
            }
            guard let top = ys.max() else { return nil }
            self.xs = xs
            self.ys = ys
            peak = xs[ys.firstIndex(of: top)!]
            right = xs.max()!
            self.q = q
        }

        /// Σ (MP density − estimate)², or 1000² per point when the bulk misses the peak or range.
        ///
        /// Where the square root's argument is negative (outside the bulk) the density is
        /// `nan_to_num(NaN)` = 0 and the term y²; it is added as such without taking the root,
        /// whose NaN path goes through libm's error handling and cost more than all the rest.
        func residual(sigma: Double) -> Double {
            var total = 0.0
            if q == 1 {
                let factor = 1 / (Double.pi * sigma * sigma)
                for (x, y) in zip(xs, ys) {
                    let radicand = 4 - x * x
                    if radicand < 0 {
                        total += y * y
                        continue
                    }
                    let difference = finite(factor * radicand.squareRoot()) - y
                    total += difference * difference
                }
                return total
            }
            let y = 1 / q
            let b = (sigma * (1 + (1 / q).squareRoot())) * (sigma * (1 + (1 / q).squareRoot()))
            let a = (sigma * (1 - (1 / q).squareRoot())) * (sigma * (1 - (1 / q).squareRoot()))
            if b < peak || b > right || a > peak { return Double(xs.count) * 1000 * 1000 }
            let scale = 2 * Double.pi * sigma * sigma
            for (x, density) in zip(xs, ys) {
                let radicand = (b - x) * (x - a)
                if radicand < 0 {
                    total += density * density
                    continue
                }
                let mp = finite((1 / (scale * x * y)) * radicand.squareRoot())
                let difference = mp - density
                total += difference * difference
            }
            return total
        }

        /// numpy's `nan_to_num`: NaN → 0, ±∞ → ±greatest finite.
        private func finite(_ value: Double) -> Double {
            if value.isNaN { return 0 }
            if value.isInfinite { return value > 0 ? .greatestFiniteMagnitude : -.greatestFiniteMagnitude }
            return value
        }
    }
}
