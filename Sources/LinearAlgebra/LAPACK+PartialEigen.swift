import COpenBLAS

/// The few largest eigenpairs of a symmetric matrix through `dsyevr` (relatively robust
/// representations) with an index range, so only the requested eigenvectors are computed.
///
/// Storage follows ``LAPACK/symmetricEigen(_:order:)``: the row-major **upper** triangle is
/// Fortran's lower triangle (`uplo = "L"`), the other triangle is never read.
extension LAPACK {
    /// The `count` largest eigenvalues of the symmetric `order × order` row-major matrix `a`, in
    /// descending order, and their orthonormal eigenvectors as the **rows** of a
    /// `count × order` matrix (row `i` belongs to `values[i]`).
    ///
    /// `dsyevr` with `range = "I"`, `IL = order − count + 1`, `IU = order`: the cost of the
    /// eigenvectors grows with `count`, not `order`. Only the upper triangle of `a` is read; `a` is
    /// used as workspace and its contents on return are unspecified.
    /// - Throws: ``LinearAlgebraError/invalidDimensions(_:)`` when `a.count ≠ order²` or `count`
    ///   is outside `0...order`, ``LinearAlgebraError/nonFinite(row:column:)`` for NaN/Inf,
    ///   ``LinearAlgebraError/lapackFailure(routine:info:)`` when `dsyevr` fails.
    public static func largestSymmetricEigenpairs(_ a: inout [Double], order: Int, count: Int) throws
        -> (values: [Double], vectorRows: Matrix) {
        let (size, overflow) = order.multipliedReportingOverflow(by: order)
        guard order >= 0, !overflow, a.count == size else {
            throw LinearAlgebraError.invalidDimensions(
                "a symmetric matrix of order \(order) needs order² elements, not \(a.count).")
        }
        guard count >= 0, count <= order else {
            throw LinearAlgebraError.invalidDimensions("cannot take \(count) eigenpairs of a matrix of order \(order).")
        }
        if count == 0 { return ([], Matrix(rows: 0, columns: order)) }
        try a.withUnsafeBufferPointer { try requireFinite($0, columns: order) }
        var n = try fortranInteger(order, "order")
        var lda = n, ldz = n
        var il = try fortranInteger(order - count + 1, "first eigenvalue index")
        var iu = n
        var vl = 0.0, vu = 0.0, abstol = 0.0
        var jobz = character("V"), range = character("I"), uplo = character("L")
        var found: Int32 = 0
        var info: Int32 = 0
        var values = [Double](repeating: 0, count: order)
        var z = [Double](repeating: 0, count: order * count)
        var isuppz = [Int32](repeating: 0, count: 2 * count)
        var lwork: Int32 = -1, liwork: Int32 = -1
        var workQuery = 0.0
        var iworkQuery: Int32 = 0

        func call(_ work: UnsafeMutablePointer<Double>, _ iwork: UnsafeMutablePointer<Int32>) {
            a.withUnsafeMutableBufferPointer { aBuffer in
                values.withUnsafeMutableBufferPointer { w in
                    z.withUnsafeMutableBufferPointer { zBuffer in
                        isuppz.withUnsafeMutableBufferPointer { support in
                            dsyevr_(&jobz, &range, &uplo, &n, aBuffer.baseAddress, &lda, &vl, &vu, &il, &iu,
                                    &abstol, &found, w.baseAddress, zBuffer.baseAddress, &ldz,
                                    support.baseAddress, work, &lwork, iwork, &liwork, &info, 1, 1, 1)
                        }
                    }
                }
            }
        }

        call(&workQuery, &iworkQuery)
        try check(info, "dsyevr")
        lwork = try workspaceLength(workQuery, minimum: fortranInteger(26 * order, "dsyevr workspace"), "dsyevr")
        liwork = try max(iworkQuery, fortranInteger(10 * order, "dsyevr integer workspace"))
        var work = [Double](repeating: 0, count: Int(lwork))
        var iwork = [Int32](repeating: 0, count: Int(liwork))
        work.withUnsafeMutableBufferPointer { workBuffer in
            iwork.withUnsafeMutableBufferPointer { iworkBuffer in
                call(workBuffer.baseAddress!, iworkBuffer.baseAddress!)
            }
        }
        try check(info, "dsyevr")
        guard Int(found) == count else { throw LinearAlgebraError.lapackFailure(routine: "dsyevr", info: Int(found)) }
        // Fortran's column j of Z (column-major order × count) is row j of the row-major buffer;
        // the eigenvalues come ascending, so reverse rows and values.
        var rows = [Double](repeating: 0, count: order * count)
        for j in 0..<count {
            let source = (count - 1 - j) * order
            for i in 0..<order { rows[j * order + i] = z[source + i] }
        }
        let descending = Array(values[0..<count].reversed())
        return (descending, try Matrix(rows: count, columns: order, elements: rows))
    }
}
