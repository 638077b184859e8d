import LinearAlgebra

/// The k leading singular triplets of a matrix, `W_k = U·diag(s)·Vᵀ`, computed in double.
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
/// 16 + 24·n/m < 40 for a wide one, inside ``CompressionJob/memoryNeeded(rows:columns:)``'s 40.
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
