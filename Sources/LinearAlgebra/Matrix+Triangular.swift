import COpenBLAS

/// Products with and solves against a lower-triangular matrix from the right (`cblas_dtrmm`,
/// `cblas_dtrsm`), plus the diagonal special case: the operations that whiten a weight matrix by
/// a Cholesky factor of its input statistics and map factors back.
extension Matrix {
    /// `self · L` for a square lower-triangular `L` (its strict upper triangle is ignored).
    ///
    /// - Throws: ``LinearAlgebraError/invalidDimensions(_:)`` when `L` is not `columns × columns`.
    public func multiplied(byLowerTriangular lower: Matrix) throws -> Matrix {
        try applyingLowerTriangular(lower, solve: false)
    }

    /// `self · L⁻¹` for a square, non-singular lower-triangular `L` (solves `X·L = self`).
    ///
    /// - Throws: ``LinearAlgebraError/invalidDimensions(_:)`` when `L` is not `columns × columns`.
    public func solved(byLowerTriangular lower: Matrix) throws -> Matrix {
        try applyingLowerTriangular(lower, solve: true)
    }

    /// `self · diag(scales)`: column `j` multiplied by `scales[j]`.
    ///
    /// - Throws: ``LinearAlgebraError/invalidDimensions(_:)`` when `scales.count ≠ columns`.
    public func scalingColumns(by scales: [Double]) throws -> Matrix {
        guard scales.count == columns else {
            throw LinearAlgebraError.invalidDimensions("cannot scale \(columns) columns by \(scales.count) factors.")
        }
        var result = self
        for i in 0..<rows {
            for j in 0..<columns { result.elements[i * columns + j] *= scales[j] }
        }
        return result
    }

    /// The one call site of `cblas_dtrmm` / `cblas_dtrsm` (right side, lower, no transpose).
    private func applyingLowerTriangular(_ lower: Matrix, solve: Bool) throws -> Matrix {
        guard lower.rows == columns, lower.columns == columns else {
            throw LinearAlgebraError.invalidDimensions(
                "a \(rows)×\(columns) matrix needs a \(columns)×\(columns) triangular factor, not \(lower.rows)×\(lower.columns).")
        }
        var result = self
        if rows == 0 || columns == 0 { return result }
        let m = try LAPACK.fortranInteger(rows, "rows"), n = try LAPACK.fortranInteger(columns, "columns")
        lower.elements.withUnsafeBufferPointer { l in
            result.elements.withUnsafeMutableBufferPointer { b in
                if solve {
                    cblas_dtrsm(CblasRowMajor, CblasRight, CblasLower, CblasNoTrans, CblasNonUnit, m, n, 1, l.baseAddress, n, b.baseAddress, n)
                } else {
                    cblas_dtrmm(CblasRowMajor, CblasRight, CblasLower, CblasNoTrans, CblasNonUnit, m, n, 1, l.baseAddress, n, b.baseAddress, n)
                }
            }
        }
        return result
    }
}
