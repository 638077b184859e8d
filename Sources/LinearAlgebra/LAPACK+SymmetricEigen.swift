import COpenBLAS

/// Symmetric eigenproblems through `dsyevd` (divide and conquer), and for eigenvalues alone of
/// large matrices `dsyevd_2stage`.
///
/// A symmetric matrix equals its transpose, so the row-major buffer is passed to Fortran as is;
/// only the triangle flips: the wrappers reference the row-major **upper** triangle
/// (`a[i·n + j]` with `j ≥ i`), which Fortran sees as its lower triangle (`uplo = "L"`).
/// The other triangle is never read and may hold anything.
extension LAPACK {
    /// Eigenvalues of the symmetric `order × order` row-major matrix `a`, ascending
    /// (`jobz = "N"`: `dsyevd` below ``twoStageMinimumOrder``, `dsyevd_2stage` from it on).
    ///
    /// Only the upper triangle of `a` is read; `a` is used as workspace and its contents on
    /// return are unspecified.
    /// - Throws: ``LinearAlgebraError/invalidDimensions(_:)`` when `a.count ≠ order²`,
    ///   ``LinearAlgebraError/nonFinite(row:column:)`` for NaN/Inf in the upper triangle,
    ///   ``LinearAlgebraError/lapackFailure(routine:info:)`` when `dsyevd` fails.
    public static func symmetricEigenvalues(_ a: inout [Double], order: Int) throws -> [Double] {
        try dsyevd(&a, order: order, vectors: false)
    }

    /// Eigenvalues (ascending) and orthonormal eigenvectors of the symmetric `order × order`
    /// row-major matrix `a` (`dsyevd`, `jobz = "V"`).
    ///
    /// Column `k` of `vectors` is the unit eigenvector of `values[k]`. Only the upper triangle of
    /// `a` is read; its contents on return are unspecified.
    /// - Throws: as ``symmetricEigenvalues(_:order:)``.
    public static func symmetricEigen(_ a: inout [Double], order: Int) throws
        -> (values: [Double], vectors: Matrix) {
        let values = try dsyevd(&a, order: order, vectors: true)
        // Fortran left eigenvector k in its column k, which row-major reads as row k: transpose.
        let rowsAreVectors = try Matrix(rows: order, columns: order, elements: a)
        return (values, rowsAreVectors.transposed())
    }

    /// Eigenvalues (ascending) of a symmetric matrix; see ``symmetricEigenvalues(_:order:)``.
    public static func symmetricEigenvalues(of matrix: Matrix) throws -> [Double] {
        try requireSquare(matrix)
        var a = matrix.elements
        return try symmetricEigenvalues(&a, order: matrix.rows)
    }

    /// Eigenvalues (ascending) and eigenvectors (as columns) of a symmetric matrix;
    /// see ``symmetricEigen(_:order:)``.
    public static func symmetricEigen(of matrix: Matrix) throws -> (values: [Double], vectors: Matrix) {
        try requireSquare(matrix)
        var a = matrix.elements
        return try symmetricEigen(&a, order: matrix.rows)
    }

    /// Throws ``LinearAlgebraError/invalidDimensions(_:)`` unless `matrix` is square.
    static func requireSquare(_ matrix: Matrix) throws {
        guard matrix.rows == matrix.columns else {
            throw LinearAlgebraError.invalidDimensions(
                "a symmetric matrix must be square, not \(matrix.rows)×\(matrix.columns).")
        }
    }

    /// The order from which eigenvalues alone go through `dsyevd_2stage`. Its reduction to
    /// tridiagonal form goes through a band matrix with BLAS 3, where `dsyevd`'s `dsytrd` does half
    /// its flops as matrix–vector products that stream the whole matrix from memory once per column;
    /// on one BLAS thread (random Gram matrices, and `scripts/bench whole-model`) it took the same
    /// time at orders 2048 and 2560, 0.69× at 3072, 0.57× at 4096 and 0.51× at 6144. Below this
    /// order `dsytrd`'s matrix–vector products run from cache and are as fast.
    public static let twoStageMinimumOrder = 3072

    /// The one call site of `dsyevd_` and `dsyevd_2stage_` (also used by
    /// ``largestSymmetricEigenpairs(_:order:count:method:)``); with `vectors`, `a` holds
    /// eigenvector j in Fortran's column j (row j of the row-major buffer). `twoStage` overrides
    /// the choice by order (tests; `vectors` must then be false).
    static func dsyevd(_ a: inout [Double], order: Int, vectors: Bool, twoStage forced: Bool? = nil) throws -> [Double] {
        precondition(!(vectors && forced == true), "dsyevd_2stage computes eigenvalues only")
        let (count, overflow) = order.multipliedReportingOverflow(by: order)
        guard order >= 0, !overflow, a.count == count else {
            throw LinearAlgebraError.invalidDimensions(
                "a symmetric matrix of order \(order) needs order² elements, not \(a.count).")
        }
        if order == 0 { return [] }
        var n = try fortranInteger(order, "order")
        var lda = n
        try a.withUnsafeBufferPointer { try requireFiniteUpperTriangle($0, order: order) }
        let twoStage = forced ?? (!vectors && order >= twoStageMinimumOrder)
        let routine = twoStage ? dsyevd_2stage_ : dsyevd_
        let name = twoStage ? "dsyevd_2stage" : "dsyevd"
        var jobz = character(vectors ? "V" : "N")
        var uplo = character("L")
        var values = [Double](repeating: 0, count: order)
        var info: Int32 = 0
        var workQuery = 0.0
        var iworkQuery: Int32 = 0
        var lworkQuery: Int32 = -1
        var liworkQuery: Int32 = -1
        a.withUnsafeMutableBufferPointer { aBuffer in
            values.withUnsafeMutableBufferPointer { w in
                routine(&jobz, &uplo, &n, aBuffer.baseAddress, &lda, w.baseAddress,
                        &workQuery, &lworkQuery, &iworkQuery, &liworkQuery, &info, 1, 1)
            }
        }
        try check(info, name)
        let minimumWork = vectors ? 1 + 6 * order + 2 * order * order : 2 * order + 1
        var lwork = try workspaceLength(workQuery, minimum: fortranInteger(minimumWork, "\(name) workspace"), name)
        var liwork = try max(iworkQuery, fortranInteger(vectors ? 3 + 5 * order : 1, "\(name) integer workspace"))
        var work = [Double](repeating: 0, count: Int(lwork))
        var iwork = [Int32](repeating: 0, count: Int(liwork))
        a.withUnsafeMutableBufferPointer { aBuffer in
            values.withUnsafeMutableBufferPointer { w in
                routine(&jobz, &uplo, &n, aBuffer.baseAddress, &lda, w.baseAddress,
                        &work, &lwork, &iwork, &liwork, &info, 1, 1)
            }
        }
        try check(info, name)
        return values
    }

    /// Throws at the first non-finite element of the row-major upper triangle.
    private static func requireFiniteUpperTriangle(_ a: UnsafeBufferPointer<Double>, order: Int) throws {
        for i in 0..<order {
            var allFinite = true
            for j in i..<order { allFinite = allFinite && a[i * order + j].isFinite }
            if allFinite { continue }
            for j in i..<order where !a[i * order + j].isFinite {
                throw LinearAlgebraError.nonFinite(row: i, column: j)
            }
        }
    }
}
