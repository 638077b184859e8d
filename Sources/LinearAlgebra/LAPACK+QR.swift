import COpenBLAS

/// Orthonormal bases through the QR factorisation (`dgeqrf` then `dorgqr`).
///
/// QR is not invariant under transposition, so unlike the symmetric and SVD wrappers this one
/// explicitly transposes the row-major input into a column-major buffer, and the column-major
/// `Q` back into a row-major ``Matrix``.
extension LAPACK {
    /// The thin `Q` factor of the tall `m × n` matrix `A = Q·R` (`m ≥ n`): an `m × n` matrix with
    /// orthonormal columns whose first `j` columns span the first `j` columns of `A` whenever `A`
    /// has full column rank.
    ///
    /// - Throws: ``LinearAlgebraError/invalidDimensions(_:)`` when `m < n`,
    ///   ``LinearAlgebraError/nonFinite(row:column:)`` for NaN/Inf,
    ///   ``LinearAlgebraError/lapackFailure(routine:info:)`` naming `dgeqrf` or `dorgqr`.
    public static func orthonormalBasis(of matrix: Matrix) throws -> Matrix {
        let m = matrix.rows, n = matrix.columns
        guard m >= n else {
            throw LinearAlgebraError.invalidDimensions(
                "an orthonormal basis of columns needs a tall matrix, not \(m)×\(n).")
        }
        if n == 0 { return Matrix(rows: m, columns: 0) }
        try matrix.elements.withUnsafeBufferPointer { try requireFinite($0, columns: n) }
        // Row-major storage of Aᵀ is column-major storage of A.
        var a = matrix.transposed().elements
        var tau = [Double](repeating: 0, count: n)
        try dgeqrf(&a, rows: m, columns: n, tau: &tau)
        try dorgqr(&a, rows: m, columns: n, tau: tau)
        // Column-major Q (m × n) read row-major is Qᵀ (n × m): transpose back.
        return try Matrix(rows: n, columns: m, elements: a).transposed()
    }

    /// The one call site of `dgeqrf_`: QR of the column-major `rows × columns` matrix in `a`,
    /// leaving `R` and the Householder vectors in `a` and their scalars in `tau`.
    private static func dgeqrf(_ a: inout [Double], rows: Int, columns: Int, tau: inout [Double]) throws {
        var m = try fortranInteger(rows, "rows")
        var n = try fortranInteger(columns, "columns")
        var lda = max(m, 1)
        var info: Int32 = 0
        var workQuery = 0.0
        var lwork: Int32 = -1
        a.withUnsafeMutableBufferPointer { aBuffer in
            tau.withUnsafeMutableBufferPointer { tauBuffer in
                dgeqrf_(&m, &n, aBuffer.baseAddress, &lda, tauBuffer.baseAddress, &workQuery, &lwork, &info)
            }
        }
        try check(info, "dgeqrf")
        lwork = try workspaceLength(workQuery, minimum: max(n, 1), "dgeqrf")
        var work = [Double](repeating: 0, count: Int(lwork))
        a.withUnsafeMutableBufferPointer { aBuffer in
            tau.withUnsafeMutableBufferPointer { tauBuffer in
                dgeqrf_(&m, &n, aBuffer.baseAddress, &lda, tauBuffer.baseAddress, &work, &lwork, &info)
            }
        }
        try check(info, "dgeqrf")
    }

    /// The one call site of `dorgqr_`: overwrites the `dgeqrf` output in `a` with the first
    /// `columns` columns of `Q`, column-major.
    private static func dorgqr(_ a: inout [Double], rows: Int, columns: Int, tau: [Double]) throws {
        var m = try fortranInteger(rows, "rows")
        var n = try fortranInteger(columns, "columns")
        var k = n
        var lda = max(m, 1)
        var info: Int32 = 0
        var workQuery = 0.0
        var lwork: Int32 = -1
        a.withUnsafeMutableBufferPointer { aBuffer in
            dorgqr_(&m, &n, &k, aBuffer.baseAddress, &lda, tau, &workQuery, &lwork, &info)
        }
        try check(info, "dorgqr")
        lwork = try workspaceLength(workQuery, minimum: max(n, 1), "dorgqr")
        var work = [Double](repeating: 0, count: Int(lwork))
        a.withUnsafeMutableBufferPointer { aBuffer in
            dorgqr_(&m, &n, &k, aBuffer.baseAddress, &lda, tau, &work, &lwork, &info)
        }
        try check(info, "dorgqr")
    }
}
