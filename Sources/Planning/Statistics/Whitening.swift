import LinearAlgebra

/// The input-side scaling `S` (n×n, `S·Sᵀ ≈ E[x·xᵀ]`) that turns plain truncation of a weight
/// `W` (m×n, `y = W·x`) into data-aware truncation.
///
/// Since `‖(W − Ŵ)·X‖_F² = tokens · ‖(W − Ŵ)·S‖_F²` when `S·Sᵀ = X·Xᵀ / tokens`, the best rank-k
/// `Ŵ` for the layer's outputs is `(W·S)_k · S⁻¹`, and the relative output error
/// `‖(W − Ŵ)·X‖ / ‖W·X‖` is `√(tail_k / total)` of the spectrum of `W·S` (SVD-LLM). This is exact
/// for unquantized factors when `S` is the Cholesky factor of the full second moment; with the
/// regularising shift `λ` it is exact for `X·Xᵀ/tokens + λ·I`, negligibly different since
/// `λ = 1e-6·trace/n` (doubled while needed).
///
/// With only the diagonal (per-channel mean squares), `S = diag(√mean_square)` (ASVD-style): the
/// spectrum then gives the output error as if the input channels were uncorrelated, an estimate
/// rather than an exact figure. A channel whose mean square is 0 would make `S` singular, so when
/// any is, every entry is shifted by `λ = 1e-6 · Σ mean_square / n` before the square root.
public enum Whitening: Sendable {
    /// The Cholesky factor of the (regularised) second moment.
    case cholesky(RegularisedCholesky)
    /// `√(mean_square + λ)` per input channel, and the `λ` used.
    case diagonal(scales: [Double], shift: Double)

    /// The whitening for `statistics`: the full second moment when present, else the diagonal.
    ///
    /// - Throws: ``LinearAlgebraError`` when the second moment is not positive semi-definite or is
    ///   all zero (see ``RegularisedCholesky``), or the mean squares are negative or all zero.
    public init(_ statistics: LayerInputStatistics) throws {
        if let secondMoment = statistics.secondMoment {
            self = .cholesky(try RegularisedCholesky(secondMoment))
            return
        }
        let meanSquare = statistics.meanSquare ?? []
        guard meanSquare.allSatisfy({ $0 >= 0 }) else {
            throw LinearAlgebraError.invalidDimensions("a mean square of an input channel is negative.")
        }
        var shift = 0.0
        if meanSquare.contains(0) {
            shift = 1e-6 * meanSquare.reduce(0, +) / Double(max(meanSquare.count, 1))
            guard shift > 0 else { throw LinearAlgebraError.invalidDimensions("every input channel has mean square 0.") }
        }
        self = .diagonal(scales: meanSquare.map { ($0 + shift).squareRoot() }, shift: shift)
    }

    /// The `λ` added to the diagonal of the statistics (0 when none was needed).
    public var shift: Double {
        switch self {
        case .cholesky(let factor): return factor.shift
        case .diagonal(_, let shift): return shift
        }
    }

    /// `W·S`, whose spectrum is the data-aware spectrum of `W`.
    public func whiten(_ weight: Matrix) throws -> Matrix {
        switch self {
        case .cholesky(let factor): return try weight.multiplied(byLowerTriangular: factor.factor)
        case .diagonal(let scales, _): return try weight.scalingColumns(by: scales)
        }
    }

    /// `B·S⁻¹`: maps the right factor of a truncated `W·S` back to the space of `W`.
    public func unwhiten(_ rightFactor: Matrix) throws -> Matrix {
        switch self {
        case .cholesky(let factor): return try rightFactor.solved(byLowerTriangular: factor.factor)
        case .diagonal(let scales, _): return try rightFactor.scalingColumns(by: scales.map { 1 / $0 })
        }
    }

    /// The singular values of `W·S`, descending, in double precision (`dgesdd`). Holds `W·S` as a
    /// dense double matrix (and LAPACK a working copy): O(m·n) doubles of memory, 0.47 GB per
    /// copy for a 4096×14336 weight.
    public func whitenedSingularValues(of weight: Matrix) throws -> [Double] {
        try LAPACK.singularValueDecomposition(try whiten(weight), vectors: false).s
    }

    /// The data-aware rank-k factors `A` (m×k) and `B` (k×n) with `W ≈ A·B`:
    /// `A = U_k·Σ_k^{1/2}`, `B = Σ_k^{1/2}·V_kᵀ·S⁻¹` from the SVD `W·S = U·Σ·Vᵀ`. Among rank-k
    /// matrices, `A·B` minimises `‖(W − A·B)·S‖_F`, hence the output error on the statistics'
    /// inputs. `rank` is clamped to `0…min(m, n)`.
    public func truncatedFactors(of weight: Matrix, rank: Int) throws -> (a: Matrix, b: Matrix) {
        let truncation = try fullTruncation(ofWhitened: try whiten(weight), rank: rank)
        return (truncation.a, truncation.b)
    }
}

extension Whitening {
    /// The data-aware rank-k truncation computed by ``leadingTruncation(of:rank:tailEnergy:)``.
    public struct LeadingTruncation: Sendable {
        /// `A = U_k·Σ_k^{1/2}` (m×k), as in ``Whitening/truncatedFactors(of:rank:)``.
        public let a: Matrix
        /// `B = Σ_k^{1/2}·V_kᵀ·S⁻¹` (k×n), as in ``Whitening/truncatedFactors(of:rank:)``.
        public let b: Matrix
        /// The k leading singular values of `W·S`, descending.
        public let singularValues: [Double]
        /// `Σ_{i>k} σᵢ²` of `W·S` (= `‖W·S − U_k·Σ_k·V_kᵀ‖_F²`), when asked for; nil otherwise.
        public let tailEnergy: Double?
        /// True when the factors come from the full SVD: for a rank above ``Whitening/fullSVDRankShare``
        /// of min(m, n), or when the top-k route failed its accuracy check.
        public let usedFullSVD: Bool
        /// `W·S`, the matrix factored, for measuring output errors without whitening `W` again.
        public let whitened: Matrix
    }

    /// The share of min(m, n) above which ``leadingTruncation(of:rank:tailEnergy:)`` takes the full
    /// SVD directly: the top-k route's Rayleigh–Ritz step, check and tail grow with k, and measured
    /// (release, 2 cores, Cholesky whitening, with the tail) it was 1.6× faster at k = s/4
    /// (1024×2752: 0.36 s vs 0.57 s; 2048×5504: 2.7 s vs 4.4 s), even at s/2 (0.66 vs 0.67 s; 4.3
    /// vs 4.6 s) and 10–25% slower beyond (1024×2752, k = 600: 0.66 vs 0.59 s; k = 700: 0.75 vs 0.60 s).
    public static let fullSVDRankShare = 0.5

    /// ``truncatedFactors(of:rank:)`` without a full SVD: `W·S` is factored by `TruncatedSVD`
    /// (Gram matrix, k leading eigenpairs, one Rayleigh–Ritz step; LinearAlgebra), the right
    /// factor mapped back by ``unwhiten(_:)``. `rank` is clamped to `0…min(m, n)`.
    ///
    /// For a rank above ``fullSVDRankShare`` of min(m, n) the full SVD is as fast and is used directly.
    ///
    /// **Accuracy check and fallback.** Whitening makes `W·S` ill-conditioned, and the Gram route
    /// loses accuracy once σ_k/σ₁ of `W·S` is small (its eigenvalues square the condition). So the
    /// triplets' backward error (`TruncatedSVD.backwardError(of:)`, one more m×n by n×k
    /// product) is compared with `TruncatedSVD.acceptableBackwardError`; above it, the factors come
    /// from the full SVD instead (``truncatedFactors(of:rank:)``'s `dgesdd`, with `usedFullSVD` set).
    /// Measured against numpy's `svd(W @ S)` truncation mapped back by a solve with `S`
    /// (`DataAwareTruncationNumpyTests`): with `S` of condition ≥ 1e6, the products agree to
    /// ~1e-10 relative (as closely as LAPACK's `gesvd` and `gesdd` agree with each other, ~ε·cond(S))
    /// and the output errors `‖(W − A·B)·S‖/‖W·S‖` to 1e-12, for full-rank and rank-deficient W.
    ///
    /// **Tail energy.** With `tailEnergy`, `Σ_{i>k} σᵢ²` is measured as `‖W·S − U·Σ·Vᵀ‖_F²` (one
    /// m×k by k×n product): `‖W·S‖_F² − Σ_{i≤k} σᵢ²` would cancel, an absolute error of ~ε·‖W·S‖²
    /// that moved `√(tail/total)` by 2e-12 relative at an output error of 8e-3 and 3e-10 at 6e-4.
    /// The residual is as accurate as `dgesdd`'s own tail sum. After the fallback it is that sum.
    ///
    /// Cost, for `W·S` m×n with n ≤ m (else transposed): the whitening, `m·n²` (Gram), the k
    /// eigenpairs of an n×n matrix, about `6·m·n·k + 6·m·k²` for the Rayleigh–Ritz step and the
    /// check, `2·m·n·k` more for the tail. Measured (release, 2 cores, 1024×2752, k = 256): 0.25 s
    /// for `TruncatedSVD`, 0.02 s for the check, 0.03 s for the tail, against 0.46 s for `dgesdd`
    /// with vectors. Memory: `W·S`, the Gram matrix, O((m + n)·k), and two m×n products for the tail.
    /// - Throws: ``LinearAlgebraError`` when LAPACK fails or `W` does not match the whitening.
    public func leadingTruncation(of weight: Matrix, rank: Int, tailEnergy: Bool = false) throws -> LeadingTruncation {
        let whitened = try whiten(weight)
        let smaller = min(weight.rows, weight.columns)
        let k = min(max(rank, 0), smaller)
        func full() throws -> LeadingTruncation {
            let full = try fullTruncation(ofWhitened: whitened, rank: k)
            var tail = 0.0
            for value in full.singularValues[k...].reversed() { tail += value * value }   // from the small end, as Spectrum
            return LeadingTruncation(a: full.a, b: full.b, singularValues: Array(full.singularValues.prefix(k)),
                                     tailEnergy: tailEnergy ? tail : nil, usedFullSVD: true, whitened: whitened)
        }
        if Double(k) > Whitening.fullSVDRankShare * Double(smaller) { return try full() }
        let svd = try TruncatedSVD(of: whitened, rank: k)
        guard try svd.backwardError(of: whitened) <= TruncatedSVD.acceptableBackwardError else { return try full() }
        let (a, balancedB) = svd.balancedFactors
        var tail: Double?
        if tailEnergy {
            let residual = (whitened - (try a.multiplied(by: balancedB))).frobeniusNorm
            tail = residual * residual
        }
        return LeadingTruncation(a: a, b: try unwhiten(balancedB), singularValues: svd.singularValues, tailEnergy: tail,
                                 usedFullSVD: false, whitened: whitened)
    }

    /// The full-SVD truncation of an already whitened `W·S` (`rank` clamped): the factors of
    /// ``truncatedFactors(of:rank:)`` and every singular value of `W·S`, descending.
    private func fullTruncation(ofWhitened whitened: Matrix, rank: Int) throws -> (a: Matrix, b: Matrix, singularValues: [Double]) {
        let svd = try LAPACK.singularValueDecomposition(whitened, vectors: true)
        guard let u = svd.u, let vt = svd.vt else { throw LinearAlgebraError.invalidDimensions("the SVD returned no vectors.") }
        let k = min(max(rank, 0), svd.s.count)
        var a = Matrix(rows: whitened.rows, columns: k)
        var b = Matrix(rows: k, columns: whitened.columns)
        for j in 0..<k {
            let root = svd.s[j].squareRoot()
            for i in 0..<whitened.rows { a[i, j] = u[i, j] * root }
            for i in 0..<whitened.columns { b[j, i] = vt[j, i] * root }
        }
        return (a, try unwhiten(b), svd.s)
    }
}
