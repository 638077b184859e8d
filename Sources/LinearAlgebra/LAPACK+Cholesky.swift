import COpenBLAS

/// Cholesky factorisation through `dpotrf`.
///
/// Fortran reads the row-major buffer as its transpose, which for a symmetric matrix is the same
/// matrix with the triangles swapped: asking Fortran for its upper factor (`uplo = "U"`,
/// `A = Uᵀ·U`) reads our row-major lower triangle and leaves `U`, which row-major reads as the
/// lower factor `L = Uᵀ`.
extension LAPACK {
    /// The lower-triangular `L` with `A = L·Lᵀ` for a symmetric positive-definite `A`.
    ///
    /// Only the lower triangle of `matrix` is read; the strict upper triangle of the result is zero.
    /// - Throws: ``LinearAlgebraError/lapackFailure(routine:info:)`` with routine `"dpotrf"` and
    ///   `info = k > 0` when the leading minor of order `k` is not positive definite;
    ///   ``LinearAlgebraError/nonFinite(row:column:)`` for NaN/Inf in the lower triangle;
    ///   ``LinearAlgebraError/invalidDimensions(_:)`` when `matrix` is not square.
    public static func cholesky(_ matrix: Matrix) throws -> Matrix {
        guard matrix.rows == matrix.columns else {
            throw LinearAlgebraError.invalidDimensions(
                "a Cholesky factorisation needs a square matrix, not \(matrix.rows)×\(matrix.columns).")
        }
        let order = matrix.rows
        if order == 0 { return matrix }
        for i in 0..<order {
            for j in 0...i where !matrix[i, j].isFinite {
                throw LinearAlgebraError.nonFinite(row: i, column: j)
            }
        }
        var a = matrix.elements
        try dpotrf(&a, order: order)
        for i in 0..<order {
            for j in (i + 1)..<order { a[i * order + j] = 0 }
        }
        return try Matrix(rows: order, columns: order, elements: a)
    }

    /// The one call site of `dpotrf_` (`uplo = "U"` in Fortran's column-major view).
    private static func dpotrf(_ a: inout [Double], order: Int) throws {
        var n = try fortranInteger(order, "order")
        var lda = max(n, 1)
        var uplo = character("U")
        var info: Int32 = 0
        a.withUnsafeMutableBufferPointer { aBuffer in
            dpotrf_(&uplo, &n, aBuffer.baseAddress, &lda, &info, 1)
        }
        try check(info, "dpotrf")
    }
}
