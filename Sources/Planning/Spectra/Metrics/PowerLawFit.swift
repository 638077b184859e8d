import Foundation

/// A power-law fit p(λ) ∝ λ^(−α) of the tail λ ≥ x_min of an empirical spectral density, computed
/// exactly as WeightWatcher 0.7.7 does with its default `pl_package='ww'` (its `WWFit` class).
///
/// The data are the eigenvalues λ = σ² above WeightWatcher's threshold 1e−5, ascending. For every
/// candidate x_min = λᵢ (all but the largest), the maximum-likelihood exponent of the tail
/// λᵢ ≤ λ is α = 1 + n / Σ_{j≥i} ln(λⱼ/λᵢ) (n = tail size), and its Kolmogorov–Smirnov distance
/// D = max_j |1 − (λⱼ/λᵢ)^(1−α) − (j−i)/n| (D = 1 when α ≤ 1). The fit keeps the first x_min with
/// the smallest D. With fewer than 20 eigenvalues WeightWatcher switches to its small-sample
/// variant: the bias-corrected α = 1 + (n−1)/Σ ln(λⱼ/λᵢ), only tails of at least 8 values, and
/// when none qualifies the whole set; the smallest D still chooses (its objective J is computed
/// but then overridden by the same argmin of D), and σ there is computed before the fallback
/// fills in α, which this type reproduces.
///
/// The search is exact but prunes, so large spectra cost far less than the n²/2 terms
/// WeightWatcher evaluates: a screening pass with `exp` instead of `pow` keeps only the candidates
/// within 10⁻⁹ of the best estimate (a coarse pass over every 32nd candidate, then strides of
/// ÷8 around the best so far, set its bound first), and the exact search runs over those; in
/// both, candidates are visited from the largest x_min down (short tails first), each
/// candidate's terms are visited outwards from the eigenvalue where the previous candidate's
/// evaluation stopped (neighbours deviate most at nearly the same place), and the evaluation
/// stops as soon as its running maximum loses: about 20 terms per candidate instead of n/2. A candidate
/// only wins with a smaller D, or an equal D and a smaller index (numpy's first argmin), so the
/// result is WeightWatcher's exactly; a test checks it against the exhaustive search.
public struct PowerLawFit: Sendable, Equatable, Codable {
    /// The exponent α of the fitted tail.
    public let alpha: Double
    /// The smallest eigenvalue of the tail.
    public let xmin: Double
    /// The largest eigenvalue (WeightWatcher's `xmax`).
    public let xmax: Double
    /// The Kolmogorov–Smirnov distance of the fit (WeightWatcher's `D`).
    public let ksDistance: Double
    /// WeightWatcher's `sigma`: (α − 1)/√n, the standard error of α.
    public let sigma: Double

    /// A fit from its figures (for views and tests; ``fit(ascendingEigenvalues:)`` computes one).
    public init(alpha: Double, xmin: Double, xmax: Double, ksDistance: Double, sigma: Double) {
        self.alpha = alpha
        self.xmin = xmin
        self.xmax = xmax
        self.ksDistance = ksDistance
        self.sigma = sigma
    }

    /// WeightWatcher's threshold below which eigenvalues are left out of the fit (`EVALS_THRESH`).
    public static let eigenvalueThreshold = 1e-5
    /// Below this many eigenvalues WeightWatcher uses its small-sample fit (`SMALL_N_CUTOFF`).
    public static let smallSampleCutoff = 20
    /// The smallest tail the small-sample fit considers (`k_min`).
    public static let smallSampleMinimumTail = 8

    /// Fits eigenvalues given in ascending order; nil when WeightWatcher's fit fails (fewer than
    /// two eigenvalues above the threshold), where it reports −1 for every figure.
    public static func fit(ascendingEigenvalues eigenvalues: [Double]) -> PowerLawFit? {
        fit(ascendingEigenvalues: eigenvalues, logs: eigenvalues.map { Foundation.log($0) })
    }

    /// ``fit(ascendingEigenvalues:)`` given the natural logarithm of every eigenvalue too
    /// (callers that need them for more keep one pass of `log`).
    public static func fit(ascendingEigenvalues eigenvalues: [Double], logs allLogs: [Double]) -> PowerLawFit? {
        precondition(allLogs.count == eigenvalues.count, "one logarithm per eigenvalue")
        // Ascending, so the eigenvalues above the threshold are a suffix.
        let first = eigenvalues.firstIndex { $0 > eigenvalueThreshold } ?? eigenvalues.count
        guard eigenvalues.count - first >= 2 else { return nil }
        return eigenvalues.withUnsafeBufferPointer { values in
            allLogs.withUnsafeBufferPointer { logs in
                let tail = Tail(data: UnsafeBufferPointer(rebasing: values[first...]), logs: UnsafeBufferPointer(rebasing: logs[first...]))
                return tail.data.count < smallSampleCutoff ? smallSample(tail) : standard(tail)
            }
        }
    }

    /// The eigenvalues above the threshold and their logarithms.
    private struct Tail {
        let data: UnsafeBufferPointer<Double>
        let logs: UnsafeBufferPointer<Double>

        /// Σ_{j≥i} ln λⱼ for every i (0 past the end), summed from the large end.
        var suffixSums: [Double] {
            var suffix = [Double](repeating: 0, count: data.count + 1)
            for index in stride(from: data.count - 1, through: 0, by: -1) { suffix[index] = suffix[index + 1] + logs[index] }
            return suffix
        }
    }

    private static func standard(_ tail: Tail, exhaustive: Bool = false) -> PowerLawFit {
        let data = tail.data, logs = tail.logs
        let count = data.count
        let candidates = count - 1
        // α of every candidate, with Σ_{j≥i} ln λⱼ summed from the large end as it goes.
        let alphas = [Double](unsafeUninitializedCapacity: candidates) { buffer, initialized in
            var suffix = 0.0 + logs[count - 1]
            for index in stride(from: candidates - 1, through: 0, by: -1) {
                suffix += logs[index]
                let n = Double(count - index)
                buffer[index] = 1 + n / (suffix - n * logs[index])
            }
            initialized = candidates
        }
        // The best (D, index) so far; a candidate wins with a smaller D, or an equal D and a
        // smaller index (numpy's argmin keeps the first minimum).
        var best = (index: candidates, distance: Double.infinity)
        var hint = count - 1
        let shortlist = exhaustive ? Array(0..<candidates) : alphas.withUnsafeBufferPointer { screened(logs, alphas: $0) }
        for index in shortlist {
            let alpha = alphas[index]
            guard alpha > 1 else {
                if 1 < best.distance || (1 == best.distance && index < best.index) { best = (index, 1) }
                continue
            }
            let (distance, place) = ksDistance(data, from: index, alpha: alpha, near: hint,
                                               losesAt: exhaustive ? nil : (best.distance, best.index < index))
            hint = place
            if distance < best.distance || (distance == best.distance && index < best.index) { best = (index, distance) }
        }
        let alpha = alphas[best.index]
        return PowerLawFit(alpha: alpha, xmin: data[best.index], xmax: data[count - 1], ksDistance: best.distance,
                           sigma: (alpha - 1) / Double(count - best.index).squareRoot())
    }

    /// The candidates that may be the argmin, ascending: every candidate's D is first estimated
    /// with exp((1−α)·(ln λⱼ − ln λᵢ)) instead of `pow` (within ``screeningSlack`` of the exact
    /// terms, and several times cheaper), pruned as the exact search is but against the best
    /// estimate plus the slack, so a candidate dropped here is strictly worse than the argmin.
    /// A coarse pass over every 32nd candidate and a narrowing one around its best set the bound
    /// first; the order only changes the cost, never the shortlist: it is every candidate whose
    /// estimate is within the slack of the smallest estimate, whichever order finds them.
    private static func screened(_ logs: UnsafeBufferPointer<Double>, alphas: UnsafeBufferPointer<Double>) -> [Int] {
        let candidates = alphas.count
        var estimates = [Double](repeating: .infinity, count: candidates)
        var references = [Reference](repeating: Reference(), count: logs.count)
        return estimates.withUnsafeMutableBufferPointer { estimates in
            references.withUnsafeMutableBufferPointer { references in
                var screen = Screen(logs: logs, alphas: alphas, estimates: estimates, references: references)
                // Largest x_min first: a candidate whose estimate sets a new bound costs its whole
                // tail, and tails are shortest there.
                var step = max(1, candidates / 32)
                for index in stride(from: (candidates - 1) / step * step, through: 0, by: -step) { screen.estimate(index) }
                // Then narrow in around the best estimate so far (strides ÷8), so that the full
                // pass below meets a bound close to the minimum and few new bests.
                while step > 1 {
                    var centre = 0
                    for index in 0..<candidates where estimates[index] < estimates[centre] { centre = index }
                    step = max(1, step / 8)
                    for index in stride(from: min(candidates - 1, centre + 8 * step), through: max(0, centre - 8 * step), by: -step) {
                        screen.estimate(index)
                    }
                }
                for index in stride(from: candidates - 1, through: 0, by: -1) { screen.estimate(index) }
                let limit = screen.bound + screeningSlack
                return (0..<candidates).filter { estimates[$0] <= limit }
            }
        }
    }

    /// The last term evaluated at one eigenvalue: its exponent x and exp(x) (NaN before any).
    private struct Reference {
        var x = Double.nan
        var term = Double.nan

        /// n·exp(x) lies in [low, high] (nil when x is too far from this reference, or there
        /// is none): with δ = x − x_ref, e^δ = 1 + δ + δ²/2 + δ³/6 + e^ξ·δ⁴/24 for some ξ
        /// between 0 and δ, so for |δ| < ½ it lies in [P₃(δ), P₃(δ) + 0.0688·δ⁴] (e^½/24 < 0.0688).
        @inline(__always)
        func scaledBounds(_ x: Double, n: Double) -> (low: Double, high: Double)? {
            let delta = x - self.x
            guard abs(delta) < 0.5 else { return nil }  // false for NaN: no reference yet
            let square = delta * delta
            let cubic = 1 + delta + square * (0.5 + delta * (1.0 / 6))
            let scaled = n * term
            return (scaled * cubic, scaled * (cubic + 0.0688 * square * square))
        }
    }

    /// The screening pass's state: every candidate's estimated D (∞ until estimated; a partial
    /// maximum above the bound when it was found to lose), the smallest complete estimate, where
    /// the last estimate peaked, and the last term evaluated at each eigenvalue.
    ///
    /// Most terms need no `exp`: for a term with exponent x at eigenvalue j, whose last evaluated
    /// term there had exponent x_ref, exp(x) = e^x_ref·e^δ with δ = x − x_ref, and a Taylor
    /// polynomial with its remainder bounds e^δ (``Reference/scaledBounds(_:n:)``). Neighbouring candidates look at the same eigenvalues
    /// with nearly the same exponent, so the interval is narrow: a term whose deviation is
    /// certainly below the running maximum is skipped (it could not change the maximum or where
    /// it is), and a term whose deviation is certainly above the limit drops the candidate (as
    /// evaluating it would have, at the same j), recording limit + margin as its partial
    /// maximum. "Certainly" keeps ``boundingMargin`` for rounding. Every complete estimate is
    /// therefore the same number the plain evaluation gives, and so is every hint and every
    /// narrowing centre (the smallest estimate is always a complete one).
    private struct Screen {
        let logs: UnsafeBufferPointer<Double>
        let alphas: UnsafeBufferPointer<Double>
        let estimates: UnsafeMutableBufferPointer<Double>
        let references: UnsafeMutableBufferPointer<Reference>
        var bound = Double.infinity
        var hint: Int

        init(logs: UnsafeBufferPointer<Double>, alphas: UnsafeBufferPointer<Double>, estimates: UnsafeMutableBufferPointer<Double>,
             references: UnsafeMutableBufferPointer<Reference>) {
            self.logs = logs
            self.alphas = alphas
            self.estimates = estimates
            self.references = references
            hint = logs.count - 1
        }

        /// Estimates candidate `start` (once): its terms outwards from the hint within
        /// ``scanWindow``, then the rest of the tail, stopping once it exceeds the bound plus the
        /// slack. Most candidates lose at their first term, on the interval alone: that check
        /// comes first and costs a few multiplications.
        @inline(__always)
        mutating func estimate(_ start: Int) {
            guard estimates[start] == .infinity else { return }
            let alpha = alphas[start]
            guard alpha > 1, alpha.isFinite else {
                if alpha > 1 {
                    estimates[start] = -1  // not finite: left to the exact search
                } else {
                    estimates[start] = 1
                    bound = min(bound, 1)
                }
                return
            }
            let exponent = 1 - alpha
            let centre = min(max(hint, start), logs.count - 1)
            let n = Double(logs.count - start)
            let limit = bound + screeningSlack
            let x = exponent * (logs[centre] - logs[start])
            if exceeds(centre, x, rest: n - Double(centre - start), n: n, scaledLimit: n * (limit + boundingMargin)) {
                estimates[start] = limit + boundingMargin
                hint = centre
                return
            }
            evaluate(start, exponent: exponent, centre: centre, n: n, limit: limit)
        }

        /// Whether the term at `j` with exponent `x` certainly deviates by more than the limit
        /// (`scaledLimit` = n·(limit + margin)), on the interval from the reference at `j`:
        /// (1 − exp(x)) − e or e − (1 − exp(x)) beyond it, with `rest` = n·(1 − e).
        @inline(__always)
        func exceeds(_ j: Int, _ x: Double, rest: Double, n: Double, scaledLimit: Double) -> Bool {
            guard let bounds = references[j].scaledBounds(x, n: n) else { return false }
            return rest - bounds.high > scaledLimit || bounds.low - rest > scaledLimit
        }

        /// The estimate proper: every term, in the order described, skipping those the interval
        /// puts below the running maximum and stopping at one above the limit.
        @inline(never)
        mutating func evaluate(_ start: Int, exponent: Double, centre: Int, n: Double, limit: Double) {
            let last = logs.count - 1
            let base = logs[start]
            let scaledLimit = n * (limit + boundingMargin)
            let references = references, logs = logs
            var largest = 0.0, place = start
            // Whether term j makes the candidate lose.
            @inline(__always) func visit(_ j: Int) -> Bool {
                let x = exponent * (logs[j] - base)
                if let bounds = references[j].scaledBounds(x, n: n) {
                    // n·(1 − e), with e = (j − start)/n; the deviation is (1 − exp(x)) − e or its negative.
                    let rest = n - Double(j - start)
                    if rest - bounds.high > scaledLimit || bounds.low - rest > scaledLimit {
                        largest = limit + boundingMargin  // above the limit
                        place = j
                        return true
                    }
                    let scaledKeep = n * (largest - boundingMargin)
                    if rest - bounds.low < scaledKeep && bounds.high - rest < scaledKeep {
                        return false  // below the maximum
                    }
                }
                let term = Foundation.exp(x)
                references[j] = Reference(x: x, term: term)
                let deviation = abs((1 - term) - Double(j - start) / n)
                guard deviation > largest else { return false }
                largest = deviation
                place = j
                return largest > limit
            }
            let low = max(start, centre - scanWindow), high = min(last, centre + scanWindow)
            var lost = false
            outward: for offset in 0...scanWindow {
                if centre + offset <= high, visit(centre + offset) { lost = true; break outward }
                if offset > 0, centre - offset >= low, visit(centre - offset) { lost = true; break outward }
            }
            if !lost, low > start { for j in start..<low where visit(j) { lost = true; break } }
            if !lost, high < last { for j in (high + 1)...last where visit(j) { lost = true; break } }
            hint = place
            estimates[start] = largest
            if !lost { bound = min(bound, largest) }
        }
    }

    /// Room for rounding in the screening's interval tests: the terms are at most 1 and carry a
    /// few ulps of error, so a deviation this far beyond a limit is beyond it.
    static let boundingMargin = 1e-12

    /// How far an estimated D may be from the exact one, with room to spare: the terms differ by
    /// a few ulps of exponents below ~10³, far below 10⁻⁹.
    static let screeningSlack = 1e-9

    /// The exhaustive search WeightWatcher runs (every candidate, every term), for tests that
    /// check the pruned search against it.
    static func exhaustiveFit(ascendingEigenvalues eigenvalues: [Double]) -> PowerLawFit? {
        let data = eigenvalues.filter { $0 > eigenvalueThreshold }
        guard data.count >= smallSampleCutoff else { return fit(ascendingEigenvalues: eigenvalues) }
        let logs = data.map { Foundation.log($0) }
        return data.withUnsafeBufferPointer { data in
            logs.withUnsafeBufferPointer { logs in standard(Tail(data: data, logs: logs), exhaustive: true) }
        }
    }

    private static func smallSample(_ tail: Tail) -> PowerLawFit {
        let data = tail.data, logs = tail.logs, suffix = tail.suffixSums
        let count = data.count
        var alphas = [Double](repeating: 0, count: count - 1)
        var distances = [Double](repeating: 1, count: count - 1)
        var anyCandidate = false
        for index in 0..<(count - 1) where count - index >= smallSampleMinimumTail {
            let n = Double(count - index)
            let sum = suffix[index] - n * logs[index]
            guard sum > 1e-12 else { continue }
            let alpha = 1 + (n - 1) / sum
            alphas[index] = alpha
            guard alpha > 1 else { continue }
            distances[index] = ksDistance(data, from: index, alpha: alpha).0
            anyCandidate = true
        }
        // WeightWatcher computes σ from the α values before its fallback fills one in.
        let sigmas = alphas.enumerated().map { ($0.element - 1) / Double(count - $0.offset).squareRoot() }
        if !anyCandidate {
            let n = Double(count)
            let sum = suffix[0] - n * logs[0]
            if sum > 1e-12 {
                let alpha = 1 + (n - 1) / sum
                alphas[0] = alpha
                distances[0] = ksDistance(data, from: 0, alpha: alpha).0
            }
        }
        var chosen = 0
        for index in distances.indices where distances[index] < distances[chosen] { chosen = index }
        return PowerLawFit(alpha: alphas[chosen], xmin: data[chosen], xmax: data[count - 1],
                           ksDistance: distances[chosen], sigma: sigmas[chosen])
    }

    /// max over the tail from `start` of |1 − (λⱼ/λ_start)^(1−α) − (j−start)/n| and the j where
    /// it is reached. With `losesAt` (the best D and whether a tie loses), it stops as soon as
    /// the running maximum shows the candidate cannot win, looking first outwards from `near`
    /// (within ``scanWindow``) so a loser is found out early; the maximum does not depend on the
    /// order of the terms.
    private static func ksDistance(_ data: UnsafeBufferPointer<Double>, from start: Int, alpha: Double, near: Int? = nil,
                                   losesAt bound: (distance: Double, tieLoses: Bool)? = nil) -> (Double, Int) {
        let xmin = data[start]
        let n = Double(data.count - start)
        let exponent = 1 - alpha
        var largest = 0.0
        var place = start
        let last = data.count - 1
        let centre = min(max(near ?? start, start), last)
        // Returns true when the candidate is known to lose.
        @inline(__always) func visit(_ index: Int) -> Bool {
            let theoretical = 1 - Foundation.pow(data[index] / xmin, exponent)
            let deviation = abs(theoretical - Double(index - start) / n)
            guard deviation > largest else { return false }
            largest = deviation
            place = index
            guard let bound else { return false }
            return largest > bound.distance || (largest == bound.distance && bound.tieLoses)
        }
        // Outwards from the centre first, then the rest of the tail.
        let low = max(start, centre - scanWindow), high = min(last, centre + scanWindow)
        for offset in 0...scanWindow {
            if centre + offset <= high, visit(centre + offset) { return (largest, place) }
            if offset > 0, centre - offset >= low, visit(centre - offset) { return (largest, place) }
        }
        if low > start { for index in start..<low where visit(index) { return (largest, place) } }
        if high < last { for index in (high + 1)...last where visit(index) { return (largest, place) } }
        return (largest, place)
    }

    /// Terms around the expected peak a pruned evaluation looks at first.
    static let scanWindow = 48
}
