import COpenBLAS

/// The few largest eigenpairs of a symmetric matrix, by whichever LAPACK driver is cheaper for
/// the share of the spectrum asked for (``LAPACK/PartialEigenMethod``).
///
/// Storage follows ``LAPACK/symmetricEigen(_:order:)``: the row-major **upper** triangle is
/// Fortran's lower triangle (`uplo = "L"`), the other triangle is never read.
extension LAPACK {
    /// How ``largestSymmetricEigenpairs(_:order:count:method:)`` computes its eigenpairs. Both
    /// reduce the matrix to tridiagonal form first (`dsytrd`, 4·order³/3 flops, the same for both);
    /// they differ in the tridiagonal solver and the back-transformation.
    public enum PartialEigenMethod: String, Sendable, CaseIterable {
        /// `dsyevr` with the index range `order − count + 1 … order`. For a subset `dsyevr` does
        /// not use MRRR: it falls back to bisection (`dstebz`) and inverse iteration (`dstein`),
        /// and inverse iteration re-orthogonalises every vector against the others of its cluster
        /// (eigenvalues closer than 10⁻³·‖A‖: most of a Gram matrix's bulk) with level-1 BLAS,
        /// O(order·count²) memory-bound work that dominates once `count` is large. Extra memory:
        /// the `order × count` eigenvectors.
        case indexRange
        /// `dsyevd` (divide and conquer) for every eigenpair, of which the leading `count` are
        /// kept. Its work is level-3 BLAS and hardly depends on the spectrum, but it always pays
        /// for all `order` vectors, and its workspace is `1 + 6·order + 2·order²` doubles.
        case divideAndConquer

        /// The share of the spectrum, `count/order`, above which ``divideAndConquer`` is chosen.
        ///
        /// Measured on this project's 2-core machine (OpenBLAS 0.3.21, both threads unless said,
        /// best of 2–3 runs at load 1–2), seconds for the eigenpairs of the Gram matrix of an
        /// s×2.69s matrix, Gaussian (a Marchenko–Pastur bulk: one large cluster, like trained
        /// weights' bulk) / rank s/4 + noise (the `factorize` bench's matrix: spread leading values):
        ///
        /// | order s | `dsyevd` (all) | index range s/4 | s/3 | 3s/8 | s/2 |
        /// | --- | --- | --- | --- | --- | --- |
        /// | 1024 | 0.14 / 0.10 | 0.13 / 0.12 | 0.16 / 0.15 | 0.17 / 0.17 | 0.22 / 0.22 |
        /// | 2048 | 0.68 / 0.67 | 0.58 / 0.57 | 0.68 / 0.73 | 0.75 / 0.80 | 0.95 / 1.08 |
        /// | 2048, 1 thread | — / 1.08 | — / 0.79 | — / 0.93 | — / 1.00 | — / 1.36 |
        /// | 4096 | 5.8 / 5.6 | 5.3 / 4.4 | 7.1 / 5.2 | 8.3 / 5.1 | 13.0 / 8.0 |
        ///
        /// Below s/4 the index range wins everywhere (s/8: 0.07 s vs 0.11 s at 1024, 0.40 vs 0.68
        /// at 2048). Break-even lies near s/4–s/3 on the Gaussian spectrum and s/3–2s/5 on the
        /// other (inverse iteration gets slower with clusters, divide and conquer does not);
        /// 5/16 keeps the loss on either side of the switch within ~1.15× at 4096, and at s/2
        /// `dsyevd` is 1.4–2.2× faster. `dsyevr` over the whole range (MRRR) was 1.2–2× slower
        /// than `dsyevd` at every size in an earlier run under load ~10 (1024: 0.13–0.16 s vs 0.11,
        /// 2048: 0.98–1.10 s vs 0.68–0.76, 4096: 31.6 s vs 16.8) and is not offered.
        public static let divideAndConquerShare = 5.0 / 16.0

        /// The method for the `count` largest eigenpairs of a symmetric matrix of order `order`:
        /// ``divideAndConquer`` when `count` exceeds ``divideAndConquerShare`` of `order` and its
        /// workspace fits the address space (``AddressSpace/requireHeadroom(bytes:for:)``, so a
        /// `ulimit -v` falls back to the leaner ``indexRange`` rather than failing), else
        /// ``indexRange``. Matrices of order below 64 always take ``indexRange``: there the
        /// difference is microseconds.
        public static func preferred(order: Int, count: Int) -> PartialEigenMethod {
            guard order >= 64, Double(count) > Double(order) * divideAndConquerShare else { return .indexRange }
            let bytes = 8 * Double(divideAndConquerWorkspace(order: order)) + 4 * Double(3 + 5 * order)
            let fits = (try? AddressSpace.requireHeadroom(bytes: bytes, for: "dsyevd workspace")) != nil
            return fits ? .divideAndConquer : .indexRange
        }

        /// `dsyevd`'s documented minimum real workspace with vectors, `1 + 6·order + 2·order²`.
        static func divideAndConquerWorkspace(order: Int) -> Int { 1 + 6 * order + 2 * order * order }
    }

    /// The `count` largest eigenvalues of the symmetric `order × order` row-major matrix `a`, in
    /// descending order, and their orthonormal eigenvectors as the **rows** of a
    /// `count × order` matrix (row `i` belongs to `values[i]`).
    ///
    /// `method` defaults to ``PartialEigenMethod/preferred(order:count:)``; both methods give
    /// the same pairs to rounding (eigenvectors up to sign, and up to rotation within a repeated
    /// eigenvalue). Only the upper triangle of `a` is read; `a` is used as workspace and its
    /// contents on return are unspecified.
    /// - Throws: ``LinearAlgebraError/invalidDimensions(_:)`` when `a.count ≠ order²` or `count`
    ///   is outside `0...order`, ``LinearAlgebraError/nonFinite(row:column:)`` for NaN/Inf,
    ///   ``LinearAlgebraError/lapackFailure(routine:info:)`` when LAPACK fails.
    public static func largestSymmetricEigenpairs(_ a: inout [Double], order: Int, count: Int,
                                                  method: PartialEigenMethod? = nil) throws
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
        switch method ?? .preferred(order: order, count: count) {
        case .indexRange:
            return try largestByIndexRange(&a, order: order, count: count)
        case .divideAndConquer:
            let values = try dsyevd(&a, order: order, vectors: true)
            // dsyevd left eigenvector j (ascending) in Fortran's column j, which is row j of the
            // row-major buffer: the leading pairs are the last rows, taken in reverse.
            return try leadingRows(of: a, values: values, order: order, count: count)
        }
    }

    /// ``PartialEigenMethod/indexRange``: `dsyevr` with `range = "I"`, `IL = order − count + 1`,
    /// `IU = order`, on a matrix already checked for size and finiteness.
    private static func largestByIndexRange(_ a: inout [Double], order: Int, count: Int) throws
        -> (values: [Double], vectorRows: Matrix) {
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
        // Fortran's column j of Z (column-major order × count) is row j of the row-major buffer.
        return try leadingRows(of: z, values: Array(values[0..<count]), order: order, count: count)
    }

    /// The last `count` of the ascending `values` and of the `order`-long rows of `vectors`
    /// (row j belonging to `values[j]`), in descending order.
    private static func leadingRows(of vectors: [Double], values: [Double], order: Int, count: Int) throws
        -> (values: [Double], vectorRows: Matrix) {
        let rowCount = values.count
        var rows = [Double](repeating: 0, count: order * count)
        for j in 0..<count {
            let source = (rowCount - 1 - j) * order
            for i in 0..<order { rows[j * order + i] = vectors[source + i] }
        }
        let descending = Array(values[(rowCount - count)...].reversed())
        return (descending, try Matrix(rows: count, columns: order, elements: rows))
    }
}
