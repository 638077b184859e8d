/// The k leading singular triplets of a matrix, `W_k = U·diag(s)·Vᵀ`, computed in double (here in
/// LinearAlgebra so that both Compression and Planning's data-aware truncation use it).
///
/// **Method** (for `W` m×n with n ≤ m; a wide matrix is transposed first and the factors swapped):
/// 1. the Gram matrix `G = WᵀW` (n×n) by `dsyrk`;
/// 2. its k largest eigenvectors (``LAPACK/largestSymmetricEigenpairs(_:order:count:method:)``):
///    by `dsyevr` with the index range `n−k+1 … n` (only k eigenvectors computed) up to
///    k = 5n/16, by `dsyevd` on the whole spectrum above, where inverse iteration's
///    re-orthogonalisation would dominate (``LAPACK/PartialEigenMethod/preferred(order:count:)``);
/// 3. one Rayleigh–Ritz step: `Q = orth(W·V_k)` (QR), `C = QᵀW` (k×n), and the small SVD
///    `C = U_c·Σ·Vᵀ` (`dgesdd`), giving `U = Q·U_c`.
///
/// Why: the Gram matrix is the cheapest route to a k-dimensional subspace (one `dsyrk` pass over
/// W, an eigenproblem of the smaller side), which is what rankscope already does for spectra;
/// but eigenvalues of `WᵀW` square the condition number, so singular values and vectors read off
/// it directly lose accuracy for small σ. Step 3 only needs the *subspace* to be right: the
/// rank-k result is the exact projection `Q·Qᵀ·W`, its singular values come from an SVD of `W`'s
/// own entries (not their squares), and a subspace error δ moves `‖W − QQᵀW‖` only by O(δ²).
/// Measured against `dgesdd`'s truncation on a spectrum falling as 0.6^i: ~1e-14 relative while
/// σ_k/σ₁ ≥ 1e-4, 1e-11 at σ_k/σ₁ ≈ 1e-7, and still ~3e-9 at σ_k/σ₁ ≈ 2e-9, where σ_k² is below
/// the rounding of σ₁² (the tests assert these bounds, for both eigen methods); the checks ask
/// for 1e-5. Cost ≈ m·n² (Gram) + 4n³/3 + n²·k…2n³ (eigen) + 4·m·n·k. Memory at the eigen step: the
/// weight (8 bytes per weight; a wide one also its transpose, 8 more), the Gram matrix (8n²) and,
/// with `dsyevd`, its workspace (16n²): at most 32 bytes per weight for a tall or square matrix and
/// 16 + 24·n/m < 40 for a wide one, inside Compression's `CompressionJob.memoryNeeded(rows:columns:)` (40).
public struct TruncatedSVD: Sendable {
    /// Left singular vectors, m×k with orthonormal columns.
    public let u: Matrix
    /// The k leading singular values, descending.
    public let singularValues: [Double]
    /// Right singular vectors as rows, k×n.
    public let vt: Matrix

    /// The k leading singular triplets of `matrix`; `rank` must lie in `0...min(m, n)`.
    ///
    /// `eigenMethod` picks step 2's LAPACK driver; nil (the default) leaves it to
    /// ``LAPACK/PartialEigenMethod/preferred(order:count:)``. Both give the same result to rounding.
    /// - Throws: ``LinearAlgebraError/invalidDimensions(_:)`` for a rank out of range,
    ///   ``LinearAlgebraError`` from LAPACK otherwise.
    public init(of matrix: Matrix, rank: Int, eigenMethod: LAPACK.PartialEigenMethod? = nil) throws {
        let m = matrix.rows, n = matrix.columns
        guard rank >= 0, rank <= min(m, n) else {
            throw LinearAlgebraError.invalidDimensions("rank \(rank) is outside 0…\(min(m, n)) for a \(m)×\(n) matrix.")
        }
        if rank == 0 {
            self.init(u: Matrix(rows: m, columns: 0), singularValues: [], vt: Matrix(rows: 0, columns: n))
            return
        }
        if n > m {
            let transposed = try TruncatedSVD(tall: matrix.transposed(), rank: rank, eigenMethod: eigenMethod)
            self.init(u: transposed.vt.transposed(), singularValues: transposed.singularValues, vt: transposed.u.transposed())
        } else {
            self = try TruncatedSVD(tall: matrix, rank: rank, eigenMethod: eigenMethod)
        }
    }

    private init(u: Matrix, singularValues: [Double], vt: Matrix) {
        self.u = u
        self.singularValues = singularValues
        self.vt = vt
    }

    /// Steps 1–3 for m ≥ n.
    private init(tall matrix: Matrix, rank: Int, eigenMethod: LAPACK.PartialEigenMethod?) throws {
        var gram = try matrix.gramOfColumns().elements
        let leading = try LAPACK.largestSymmetricEigenpairs(&gram, order: matrix.columns, count: rank, method: eigenMethod)
        let basis = try LAPACK.orthonormalBasis(of: matrix.multiplied(byTransposeOf: leading.vectorRows))
        let projected = try basis.transposeMultiplied(by: matrix)
        let small = try LAPACK.singularValueDecomposition(projected, vectors: true)
        self.init(u: try basis.multiplied(by: small.u!), singularValues: small.s, vt: small.vt!)
    }

    /// The largest ``backwardError(of:)`` at which these triplets are as trustworthy as a full SVD's.
    ///
    /// `dgesdd`'s own truncations had backward errors of 0.6…2.7e-15 on the cases measured (numpy's
    /// `svd`, Gaussian W of 96×128 … 1024×2752 whitened by diagonal or Cholesky scalings of condition
    /// 1…5e7); the Gram route's were 0.4…4e-15 wherever its rank-k product agreed with `dgesdd`'s
    /// as closely as two LAPACK drivers agree with each other (`gesvd` vs `gesdd`), and 1.6e-14 …
    /// 7e-9 where σ_k/σ₁ fell below ~5e-4 and the product drifted 10…10⁷× beyond that agreement.
    /// Callers that need full-SVD accuracy compute one when the check fails (see
    /// `Whitening.leadingTruncation(of:rank:tailEnergy:)` in Planning).
    public static let acceptableBackwardError = 1e-14

    /// The relative backward error of these triplets as the truncation of `matrix` (the matrix
    /// they were computed from): ‖W·V − U·Σ‖_F / ‖W‖_F for m ≥ n, ‖Wᵀ·U − V·Σ‖_F / ‖W‖_F for a
    /// wide W (0 for a zero W or rank 0).
    ///
    /// Step 3 makes the other side exact to rounding (`Wᵀ·U = V·Σ` for m ≥ n, since `Vᵀ` comes
    /// from the SVD of `C = QᵀW`), so `(U, Σ, V)` are exact singular triplets of `W + E` with
    /// `E = −R·Vᵀ`, `‖E‖_F = ‖R‖_F` for the residual `R` measured here: the figure is a backward
    /// error in the sense of a backward-stable SVD, whose truncation is exact for a matrix within
    /// ~1e-15·‖W‖ of W. Cost: one m×n by n×k product, as one of step 3's.
    /// - Throws: ``LinearAlgebraError/invalidDimensions(_:)`` when `matrix` is not the shape the
    ///   triplets were computed for.
    public func backwardError(of matrix: Matrix) throws -> Double {
        guard matrix.rows == u.rows, matrix.columns == vt.columns else {
            throw LinearAlgebraError.invalidDimensions(
                "a truncated SVD of a \(u.rows)×\(vt.columns) matrix cannot be checked against a \(matrix.rows)×\(matrix.columns) one.")
        }
        let norm = matrix.frobeniusNorm
        guard !singularValues.isEmpty, norm > 0 else { return 0 }
        // The side step 3 does not make exact: W·V vs U·Σ for a tall W, Wᵀ·U vs V·Σ for a wide one.
        let tall = matrix.columns <= matrix.rows
        var residual = tall ? try matrix.multiplied(byTransposeOf: vt) : try matrix.transposeMultiplied(by: u)
        let k = singularValues.count
        for i in 0..<residual.rows {
            for j in 0..<k { residual[i, j] -= (tall ? u[i, j] : vt[j, i]) * singularValues[j] }
        }
        return residual.frobeniusNorm / norm
    }

    /// The factors with the singular values split evenly: `A = U·√Σ` (m×k) and `B = √Σ·Vᵀ` (k×n).
    public var balancedFactors: (a: Matrix, b: Matrix) {
        let k = singularValues.count
        let roots = singularValues.map { max($0, 0).squareRoot() }
        var a = u.elements
        for i in 0..<u.rows { for j in 0..<k { a[i * k + j] *= roots[j] } }
        var b = vt.elements
        for i in 0..<k { for j in 0..<vt.columns { b[i * vt.columns + j] *= roots[i] } }
        // Shapes are those of u and vt, so these initialisers cannot fail.
        return (try! Matrix(rows: u.rows, columns: k, elements: a), try! Matrix(rows: k, columns: vt.columns, elements: b))
    }
}
