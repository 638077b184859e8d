import COpenBLAS

/// General singular value decomposition through `dgesdd` (divide and conquer).
///
/// A row-major `m × n` buffer is, to Fortran, the column-major `n × m` matrix `Aᵀ`. The wrappers
/// decompose that transpose, `Aᵀ = U′·Σ·V′ᵀ`, so `A = V′·Σ·U′ᵀ`: Fortran's `VT` buffer
/// (column-major `k × m`) is exactly the row-major `m × k` matrix `U` of `A`, and Fortran's `U`
/// buffer (column-major `n × k`) is exactly the row-major `k × n` matrix `Vᵀ` of `A`. No copy or
/// transpose is needed either way.
extension LAPACK {
    /// The thin SVD `A = U·diag(s)·Vᵀ` of `matrix` (`dgesdd`, `jobz = "S"` with vectors, `"N"`
    /// without).
    ///
    /// With `k = min(m, n)`: `u` is `m × k` with orthonormal columns, `s` holds the `k` singular
    /// values in descending order, `vt` is `k × n` with orthonormal rows. Without `vectors`, `u`
    /// and `vt` are `nil`.
    /// - Throws: ``LinearAlgebraError/nonFinite(row:column:)`` for NaN/Inf,
    ///   ``LinearAlgebraError/lapackFailure(routine:info:)`` when `dgesdd` does not converge,
    ///   ``LinearAlgebraError/invalidDimensions(_:)`` beyond 32-bit Fortran sizes.
    public static func singularValueDecomposition(_ matrix: Matrix, vectors: Bool) throws
        -> (u: Matrix?, s: [Double], vt: Matrix?) {
        var a = matrix.elements
        let m = matrix.rows, n = matrix.columns, k = min(m, n)
        if k == 0 {
            guard vectors else { return (nil, [], nil) }
            return (Matrix(rows: m, columns: 0), [], Matrix(rows: 0, columns: n))
        }
        guard vectors else { return (nil, try singularValues(&a, rows: m, columns: n), nil) }
        // Fortran's U (n × k) becomes our Vᵀ; Fortran's VT (k × m) becomes our U.
        var fortranU = [Double](repeating: 0, count: n * k)
        var fortranVT = [Double](repeating: 0, count: k * m)
        let s = try dgesdd(&a, rows: m, columns: n, vectors: true,
                           fortranU: &fortranU, fortranVT: &fortranVT)
        return (try Matrix(rows: m, columns: k, elements: fortranVT), s,
                try Matrix(rows: k, columns: n, elements: fortranU))
    }

    /// The singular values of the row-major `rows × columns` matrix in `a`, descending
    /// (`dgesdd`, `jobz = "N"`).
    ///
    /// `a` is used as workspace; its contents on return are unspecified.
    /// - Throws: as ``singularValueDecomposition(_:vectors:)``, and
    ///   ``LinearAlgebraError/invalidDimensions(_:)`` when `a.count ≠ rows · columns`.
    public static func singularValues(_ a: inout [Double], rows: Int, columns: Int) throws -> [Double] {
        var unusedU = [0.0], unusedVT = [0.0]
        return try dgesdd(&a, rows: rows, columns: columns, vectors: false,
                          fortranU: &unusedU, fortranVT: &unusedVT)
    }

    /// The one call site of `dgesdd_`. Without `vectors`, `fortranU`/`fortranVT` are
    /// one-element placeholders Fortran never writes.
    private static func dgesdd(_ a: inout [Double], rows: Int, columns: Int, vectors: Bool,
                               fortranU: inout [Double], fortranVT: inout [Double]) throws -> [Double] {
        let (count, overflow) = rows.multipliedReportingOverflow(by: columns)
        guard rows >= 0, columns >= 0, !overflow, a.count == count else {
            throw LinearAlgebraError.invalidDimensions(
                "a \(rows)×\(columns) matrix needs \(rows)·\(columns) elements, not \(a.count).")
        }
        let k = min(rows, columns)
        if k == 0 { return [] }
        try a.withUnsafeBufferPointer { try requireFinite($0, columns: columns) }
        // Fortran sees Aᵀ: M = columns, N = rows.
        var fm = try fortranInteger(columns, "columns")
        var fn = try fortranInteger(rows, "rows")
        var lda = fm
        var ldu = vectors ? fm : 1
        var ldvt = vectors ? try fortranInteger(k, "min(rows, columns)") : 1
        var jobz = character(vectors ? "S" : "N")
        var s = [Double](repeating: 0, count: k)
        var iwork = [Int32](repeating: 0, count: try Int(fortranInteger(8 * k, "dgesdd integer workspace")))
        var info: Int32 = 0
        var workQuery = 0.0
        var lwork: Int32 = -1

        func call(_ work: UnsafeMutablePointer<Double>) {
            a.withUnsafeMutableBufferPointer { aBuffer in
                s.withUnsafeMutableBufferPointer { sBuffer in
                    fortranU.withUnsafeMutableBufferPointer { uBuffer in
                        fortranVT.withUnsafeMutableBufferPointer { vtBuffer in
                            iwork.withUnsafeMutableBufferPointer { iworkBuffer in
                                dgesdd_(&jobz, &fm, &fn, aBuffer.baseAddress, &lda, sBuffer.baseAddress,
                                        uBuffer.baseAddress, &ldu,
                                        vtBuffer.baseAddress, &ldvt,
                                        work, &lwork, iworkBuffer.baseAddress, &info, 1)
                            }
                        }
                    }
                }
            }
        }

        call(&workQuery)
        try check(info, "dgesdd")
        lwork = try workspaceLength(workQuery, minimum: 1, "dgesdd")
        var work = [Double](repeating: 0, count: Int(lwork))
        work.withUnsafeMutableBufferPointer { workBuffer in
            if let pointer = workBuffer.baseAddress { call(pointer) }
        }
        try check(info, "dgesdd")
        return s
    }
}
