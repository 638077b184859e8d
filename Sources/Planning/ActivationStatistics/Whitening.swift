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
        let truncation = try truncation(of: weight, rank: rank)
        return (truncation.a, truncation.b)
    }

    /// ``truncatedFactors(of:rank:)`` together with every singular value of `W·S` (descending,
    /// as ``whitenedSingularValues(of:)``), from the one SVD both need.
    public func truncation(of weight: Matrix, rank: Int) throws -> (a: Matrix, b: Matrix, singularValues: [Double]) {
        let svd = try LAPACK.singularValueDecomposition(try whiten(weight), vectors: true)
        guard let u = svd.u, let vt = svd.vt else { throw LinearAlgebraError.invalidDimensions("the SVD returned no vectors.") }
        let k = min(max(rank, 0), svd.s.count)
        var a = Matrix(rows: weight.rows, columns: k)
        var b = Matrix(rows: k, columns: weight.columns)
        for j in 0..<k {
            let root = svd.s[j].squareRoot()
            for i in 0..<weight.rows { a[i, j] = u[i, j] * root }
            for i in 0..<weight.columns { b[j, i] = vt[j, i] * root }
        }
        return (a, try unwhiten(b), svd.s)
    }
}
