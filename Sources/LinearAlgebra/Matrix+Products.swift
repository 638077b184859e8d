import COpenBLAS

/// Products with a transposed operand, done by BLAS without forming the transpose.
extension Matrix {
    /// The Gram matrix `AᵀA` (`columns × columns`, both triangles filled) by `cblas_dsyrk`.
    ///
    /// - Throws: ``LinearAlgebraError/invalidDimensions(_:)`` beyond BLAS's 32-bit integers.
    public func gramOfColumns() throws -> Matrix {
        try gram(ofRows: false)
    }

    /// The Gram matrix of the rows, `A·Aᵀ` (`rows × rows`, both triangles filled), by `cblas_dsyrk`:
    /// half the flops of ``multiplied(byTransposeOf:)`` with itself (e.g. a Hessian `S·Sᵀ` from its
    /// factor).
    ///
    /// - Throws: ``LinearAlgebraError/invalidDimensions(_:)`` beyond BLAS's 32-bit integers.
    public func gramOfRows() throws -> Matrix {
        try gram(ofRows: true)
    }

    /// The one `cblas_dsyrk` call of this file: `A·Aᵀ` (`ofRows`) or `AᵀA`, upper triangle
    /// computed, then mirrored.
    private func gram(ofRows: Bool) throws -> Matrix {
        let order = ofRows ? rows : columns, inner = ofRows ? columns : rows
        var result = Matrix(rows: order, columns: order)
        if order == 0 || inner == 0 { return result }
        let blasN = try LAPACK.fortranInteger(order, ofRows ? "rows" : "columns")
        let blasK = try LAPACK.fortranInteger(inner, ofRows ? "columns" : "rows")
        let lda = try LAPACK.fortranInteger(columns, "columns")  // row-major A: one row apart
        elements.withUnsafeBufferPointer { a in
            result.elements.withUnsafeMutableBufferPointer { c in
                cblas_dsyrk(CblasRowMajor, CblasUpper, ofRows ? CblasNoTrans : CblasTrans, blasN, blasK, 1, a.baseAddress, lda, 0,
                            c.baseAddress, blasN)
                for i in 0..<order { for j in 0..<i { c[i * order + j] = c[j * order + i] } }
            }
        }
        return result
    }

    /// `selfᵀ · other` (`cblas_dgemm` with the first operand transposed).
    ///
    /// - Throws: ``LinearAlgebraError/invalidDimensions(_:)`` when `rows ≠ other.rows`.
    public func transposeMultiplied(by other: Matrix) throws -> Matrix {
        guard rows == other.rows else {
            throw LinearAlgebraError.invalidDimensions(
                "cannot multiply the transpose of \(rows)×\(columns) by \(other.rows)×\(other.columns).")
        }
        return try product(self, transposeLeft: true, other, transposeRight: false,
                           m: columns, n: other.columns, k: rows)
    }

    /// `self · otherᵀ` (`cblas_dgemm` with the second operand transposed).
    ///
    /// - Throws: ``LinearAlgebraError/invalidDimensions(_:)`` when `columns ≠ other.columns`.
    public func multiplied(byTransposeOf other: Matrix) throws -> Matrix {
        guard columns == other.columns else {
            throw LinearAlgebraError.invalidDimensions(
                "cannot multiply \(rows)×\(columns) by the transpose of \(other.rows)×\(other.columns).")
        }
        return try product(self, transposeLeft: false, other, transposeRight: true,
                           m: rows, n: other.rows, k: columns)
    }

    /// The one `cblas_dgemm` call of this file: an `m × n` result with inner dimension `k`.
    private func product(_ left: Matrix, transposeLeft: Bool, _ right: Matrix, transposeRight: Bool,
                         m: Int, n: Int, k: Int) throws -> Matrix {
        var result = Matrix(rows: m, columns: n)
        if m == 0 || n == 0 || k == 0 { return result }
        let blasM = try LAPACK.fortranInteger(m, "rows"), blasN = try LAPACK.fortranInteger(n, "columns")
        let blasK = try LAPACK.fortranInteger(k, "inner dimension")
        let lda = try LAPACK.fortranInteger(left.columns, "leading dimension")
        let ldb = try LAPACK.fortranInteger(right.columns, "leading dimension")
        left.elements.withUnsafeBufferPointer { a in
            right.elements.withUnsafeBufferPointer { b in
                result.elements.withUnsafeMutableBufferPointer { c in
                    cblas_dgemm(CblasRowMajor, transposeLeft ? CblasTrans : CblasNoTrans,
                                transposeRight ? CblasTrans : CblasNoTrans, blasM, blasN, blasK,
                                1, a.baseAddress, lda, b.baseAddress, ldb, 0, c.baseAddress, blasN)
                }
            }
        }
        return result
    }
}
