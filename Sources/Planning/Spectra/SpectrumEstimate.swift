import LinearAlgebra

/// The one rule for partial spectra: how many leading singular values an estimate computes, when an
/// estimate is worth computing at all, and how the estimated values are completed into a
/// full-length spectrum whose every derived figure is an upper bound.
///
/// **How many.** `k = min(s, max(64, ⌈s/32⌉))` for an m×n matrix, s = min(m, n): 64 values at
/// least (the first ranks anyone looks at), and 1/32 of the spectrum for large matrices (128 of
/// 4096, 192 of StarCoder's 6144), where the randomized method costs about 12·m·n·(k + 10) flops
/// (``estimateFlops(rows:columns:leading:)``). An estimate is made only when that is at most half
/// the exact method's flops (``isWorthwhile(leading:rows:columns:exactFlops:)``): below about
/// s ≈ 800 the exact spectrum is as quick to get, and is computed directly.
///
/// **Completion.** The estimates `σ̂₁ ≥ … ≥ σ̂_k` are lower bounds and the energy `E = ‖W‖²_F` is
/// exact (``RandomizedSingularValues``), so `T = E − Σ σ̂ᵢ²` bounds the true tail energy beyond k
/// from above. The remaining s − k values are set to `√(T / (s − k))` each. Then:
/// - the total energy is exactly E (norm, stable rank are exact up to σ̂₁);
/// - the tail energy at r ≤ k is `E − Σ_{i<r} σ̂ᵢ²`, an upper bound on the optimal rank-r error,
///   achieved by a rank-r matrix one can build;
/// - the tail energy at r > k is `T·(s − r)/(s − k)`, an upper bound too, because the exact tail
///   values are descending (the last s − r of them hold at most their share of the tail), though
///   a loose one: nothing is known of how the tail's energy is spread;
/// - so every truncation error and energy rank read from it is ≥ the exact one. The completed
///   values are not singular values (the flat tail may even exceed σ̂_k): charts and
///   heavy-tailed metrics must not read them.
public enum SpectrumEstimate {
    /// The least number of leading values an estimate computes.
    public static let minimumLeading = 64
    /// The share of the spectrum an estimate computes for large matrices (1/32).
    public static let leadingDivisor = 32

    /// `min(s, max(64, ⌈s/32⌉))`, s = min(m, n): the leading values an estimate of an m×n matrix computes.
    public static func leadingCount(rows: Int, columns: Int) -> Int {
        let s = max(0, min(rows, columns))
        return min(s, max(minimumLeading, (s + leadingDivisor - 1) / leadingDivisor))
    }

    /// Flops of ``RandomizedSingularValues`` with its defaults for `leading` values of an m×n
    /// matrix: `(4q + 4)·m·n·ℓ` for the products (q = 2 power iterations, ℓ = k + 10 columns) and
    /// about `4(q + 1)·(m + n)·ℓ²` for the orthonormalisations and the small SVD.
    public static func estimateFlops(rows: Int, columns: Int, leading: Int) -> Double {
        let q = Double(RandomizedSingularValues.defaultPowerIterations)
        let width = Double(min(leading + RandomizedSingularValues.defaultOversampling, min(rows, columns)))
        let m = Double(rows), n = Double(columns)
        return (4 * q + 4) * m * n * width + 4 * (q + 1) * (m + n) * width * width
    }

    /// Peak bytes of an estimate of an m×n matrix: the matrix in double (the bound for `f64`
    /// sources; narrower ones are held as `Float`, half that) plus four panels of ℓ columns.
    public static func estimateBytes(rows: Int, columns: Int, leading: Int) -> Double {
        let width = Double(min(leading + RandomizedSingularValues.defaultOversampling, min(rows, columns)))
        return 8 * (Double(rows) * Double(columns) + 4 * Double(rows + columns) * width)
    }

    /// True when an estimate of `leading` values costs at most half of `exactFlops`, and leaves
    /// part of the spectrum out (otherwise the exact spectrum is computed directly).
    public static func isWorthwhile(leading: Int, rows: Int, columns: Int, exactFlops: Double) -> Bool {
        leading > 0 && leading < min(rows, columns)
            && estimateFlops(rows: rows, columns: columns, leading: leading) <= 0.5 * exactFlops
    }

    /// The estimated `leading` values followed by `fullCount − leading` copies of
    /// `√(T / (fullCount − leading))`, `T = frobeniusNormSquared − Σ leadingᵢ²` (clamped at 0):
    /// see the type's documentation for the bounds this completion keeps.
    public static func completedValues(leading: [Double], frobeniusNormSquared: Double, fullCount: Int) -> [Double] {
        let kept = leading.prefix(fullCount)
        let rest = fullCount - kept.count
        guard rest > 0 else { return Array(kept) }
        let tail = max(frobeniusNormSquared - kept.reduce(0) { $0 + $1 * $1 }, 0)
        return Array(kept) + Array(repeating: (tail / Double(rest)).squareRoot(), count: rest)
    }
}
