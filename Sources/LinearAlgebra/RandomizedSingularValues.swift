/// The leading singular values of a matrix from a randomized range finder, plus its exact
/// Frobenius norm: a fast first picture of a spectrum, marked as an estimate until the exact one
/// (``SingularValues``) lands.
///
/// **Method** (Halko, Martinsson & Tropp 2011, algorithms 4.3/4.4 and 5.1) for `W` m×n and
/// `ℓ = min(k + oversampling, m, n)`: a Gaussian test matrix `Ω` (n×ℓ, seeded), `Q = orth(W·Ω)`,
/// then `powerIterations` rounds of `Z = orth(Wᵀ·Q)`, `Q = orth(W·Z)` (re-orthonormalised every
/// half-step, so the small values are not lost to rounding), and the singular values of the
/// small `B = Qᵀ·W` (ℓ×n, `dgesdd`); the first k are returned. Cost ≈ (4q + 4)·m·n·ℓ flops with
/// `q` power iterations, against m·n·min(m, n) for the Gram route: 10–50× less for ℓ of a few
/// hundred on the shapes of 7B–16B models.
///
/// **What is exact and what is an estimate.**
/// - ``frobeniusNormSquared`` is exact (to rounding): the total energy `Σσᵢ² = ‖W‖²_F`.
/// - Each estimate is a lower bound, `σ̂ᵢ ≤ σᵢ` (the singular values of `QᵀW` interlace those of
///   `W` for orthonormal `Q`), and so `Σ_{i<r} σ̂ᵢ² ≤ Σ_{i<r} σᵢ²`.
/// - Hence ``tailEnergy(rank:)`` at a rank r ≤ k, `‖W‖²_F − Σ_{i<r} σ̂ᵢ²`, is an **upper bound**
///   on the optimal rank-r error `Σ_{i≥r} σᵢ²`, and it is the exact error of a rank-r matrix one
///   can build (the best rank-r part of `Q·Qᵀ·W`): it is never optimistic. Energy ranks read off
///   the estimates are never smaller than the exact ones (within k).
/// - How close: the gap shrinks like `(σ_{ℓ+1}/σᵢ)^(2q+1)`; the tests measure it against the
///   exact spectrum and assert it (see docs/spectra.md for the figures).
public struct RandomizedSingularValues: Sendable {
    /// Estimates of the k leading singular values, descending; each is ≤ the exact value.
    public let leading: [Double]
    /// The exact `‖W‖²_F = Σ σᵢ²` over the whole spectrum.
    public let frobeniusNormSquared: Double
    /// `min(m, n)`: how many singular values the whole spectrum has.
    public let fullCount: Int

    /// Default extra columns of the range finder beyond the values wanted.
    public static let defaultOversampling = 10
    /// Default power iterations (each costs two more passes over W).
    public static let defaultPowerIterations = 2

    /// Estimates of the `count` leading singular values of `matrix` and its exact Frobenius norm.
    ///
    /// - Parameters:
    ///   - count: how many leading values to estimate (clamped to `min(m, n)`; must be ≥ 0).
    ///   - seed: the Gaussian test matrix's seed (the same seed gives the same estimates).
    ///   - isCancelled: polled between the BLAS/LAPACK steps.
    /// - Throws: ``LinearAlgebraError/invalidDimensions(_:)`` for a negative count or iteration
    ///   number, ``LinearAlgebraError/cancelled`` when stopped, LAPACK's errors otherwise.
    public init(of matrix: Matrix, count: Int, oversampling: Int = defaultOversampling,
                powerIterations: Int = defaultPowerIterations, seed: UInt64 = 0x5EED,
                isCancelled: () -> Bool = { false }) throws {
        try Self.validate(count: count, oversampling: oversampling, powerIterations: powerIterations)
        let norm = matrix.frobeniusNorm
        try self.init(rows: matrix.rows, columns: matrix.columns, frobeniusNormSquared: norm * norm, count: count,
                      oversampling: oversampling, powerIterations: powerIterations, seed: seed, isCancelled: isCancelled,
                      multiply: { try matrix.multiplied(by: $0) }, transposeMultiply: { try matrix.transposeMultiplied(by: $0) },
                      project: { try $0.transposeMultiplied(by: matrix) })
    }

    /// Throws ``LinearAlgebraError/invalidDimensions(_:)`` unless all three are ≥ 0.
    static func validate(count: Int, oversampling: Int, powerIterations: Int) throws {
        guard count >= 0, oversampling >= 0, powerIterations >= 0 else {
            throw LinearAlgebraError.invalidDimensions(
                "a randomized spectrum needs non-negative count, oversampling and power iterations (got \(count), \(oversampling), \(powerIterations)).")
        }
    }

    /// The range finder on an m×n matrix `W` seen only through its products: `multiply(X)` is
    /// `W·X` (m×ℓ), `transposeMultiply(X)` is `Wᵀ·X` (n×ℓ), `project(Q)` is `Qᵀ·W` (ℓ×n). Each
    /// basis is orthonormalised in double, so `σ̂ᵢ ≤ σᵢ` whatever precision the first two use; the
    /// last must be exact to double rounding. Arguments validated by the caller.
    init(rows m: Int, columns n: Int, frobeniusNormSquared: Double, count: Int, oversampling: Int,
         powerIterations: Int, seed: UInt64, isCancelled: () -> Bool,
         multiply: (Matrix) throws -> Matrix, transposeMultiply: (Matrix) throws -> Matrix,
         project: (Matrix) throws -> Matrix) throws {
        let smaller = min(m, n)
        self.frobeniusNormSquared = frobeniusNormSquared
        fullCount = smaller
        let k = min(count, smaller)
        let width = min(k + oversampling, smaller)
        guard k > 0, frobeniusNormSquared > 0 else {
            leading = [Double](repeating: 0, count: k)
            return
        }
        func checkCancel() throws { if isCancelled() { throw LinearAlgebraError.cancelled } }
        var generator = SeededGenerator(seed: seed)
        let omega = Matrix.gaussian(rows: n, columns: width, using: &generator)
        var basis = try LAPACK.orthonormalBasis(of: multiply(omega))
        for _ in 0..<powerIterations {
            try checkCancel()
            let right = try LAPACK.orthonormalBasis(of: transposeMultiply(basis))
            try checkCancel()
            basis = try LAPACK.orthonormalBasis(of: multiply(right))
        }
        try checkCancel()
        let values = try LAPACK.singularValueDecomposition(project(basis), vectors: false).s
        leading = Array(values.prefix(k))
    }

    /// `‖W‖²_F − Σ_{i<rank} σ̂ᵢ²` (clamped at 0): an upper bound on the optimal rank-`rank` error
    /// energy, achieved by a rank-`rank` matrix, for `rank` ≤ ``leading``'s count; nil beyond it
    /// (the estimates do not say how the tail's energy is spread).
    public func tailEnergy(rank: Int) -> Double? {
        guard rank >= 0, rank <= leading.count else { return nil }
        let kept = leading.prefix(rank).reduce(0) { $0 + $1 * $1 }
        return max(frobeniusNormSquared - kept, 0)
    }
}
