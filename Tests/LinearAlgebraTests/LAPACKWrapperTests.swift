@testable import LinearAlgebra
import XCTest

/// The row-major ⇄ column-major handling of every wrapper, checked by hand-computed results and
/// by reconstruction identities.
final class LAPACKWrapperTests: XCTestCase {
    func assertClose(_ a: Matrix, _ b: Matrix, _ tolerance: Double, _ message: String = "",
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.rows, b.rows, message, file: file, line: line)
        XCTAssertEqual(a.columns, b.columns, message, file: file, line: line)
        guard a.rows == b.rows, a.columns == b.columns else { return }
        let difference = zip(a.elements, b.elements).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThanOrEqual(difference, tolerance, message, file: file, line: line)
    }

    func diagonal(_ values: [Double]) -> Matrix {
        var result = Matrix(rows: values.count, columns: values.count)
        for (i, value) in values.enumerated() { result[i, i] = value }
        return result
    }

    // MARK: dgesdd

    /// A = [[3, 0], [4, 5]]: σ = 3√5, √5 (by hand: AᵀA = [[25, 20], [20, 25]], eigenvalues 45, 5).
    func testSVDOfHandComputedMatrix() throws {
        let a = try Matrix(rows: 2, columns: 2, elements: [3, 0, 4, 5])
        let (u, s, vt) = try LAPACK.singularValueDecomposition(a, vectors: true)
        XCTAssertEqual(s[0], 3 * 5.0.squareRoot(), accuracy: 1e-14)
        XCTAssertEqual(s[1], 5.0.squareRoot(), accuracy: 1e-14)
        // For a non-symmetric A, swapping U and V (the row/column-major mistake) breaks this.
        assertClose(try XCTUnwrap(u).multiplied(by: diagonal(s)).multiplied(by: XCTUnwrap(vt)), a, 1e-14)
        // Right singular vector of 3√5 is ±[1, 1]/√2 (eigenvector of AᵀA for 45).
        let v1 = try XCTUnwrap(vt)
        XCTAssertEqual(abs(v1[0, 0]), 0.5.squareRoot(), accuracy: 1e-14)
        XCTAssertEqual(v1[0, 0], v1[0, 1], accuracy: 1e-14)
        // Left singular vector of 3√5 is A·v/σ = ±[1, 3]/√10.
        let u1 = try XCTUnwrap(u)
        XCTAssertEqual(u1[1, 0] / u1[0, 0], 3, accuracy: 1e-13)
    }

    /// A single row: u = [±1], vt = ±row/‖row‖, σ = ‖row‖.
    func testSVDOfSingleRowKeepsOrientation() throws {
        let a = try Matrix(rows: 1, columns: 3, elements: [1, 2, 3])
        let (u, s, vt) = try LAPACK.singularValueDecomposition(a, vectors: true)
        XCTAssertEqual(s, [Double(14).squareRoot()], accuracy: 1e-14)
        XCTAssertEqual(u?.rows, 1); XCTAssertEqual(u?.columns, 1)
        XCTAssertEqual(vt?.rows, 1); XCTAssertEqual(vt?.columns, 3)
        let sign = try XCTUnwrap(u)[0, 0]
        for j in 0..<3 {
            XCTAssertEqual(try XCTUnwrap(vt)[0, j] * sign, Double(j + 1) / 14.0.squareRoot(), accuracy: 1e-14)
        }
    }

    func testSVDReconstructsWideAndTallMatrices() throws {
        var generator = SeededGenerator(seed: 3)
        for (m, n) in [(5, 9), (9, 5), (7, 7), (1, 6), (6, 1)] {
            let a = Matrix.gaussian(rows: m, columns: n, using: &generator)
            let (u, s, vt) = try LAPACK.singularValueDecomposition(a, vectors: true)
            let k = min(m, n)
            let uu = try XCTUnwrap(u), vv = try XCTUnwrap(vt)
            XCTAssertEqual([uu.rows, uu.columns, vv.rows, vv.columns, s.count], [m, k, k, n, k])
            assertClose(try uu.multiplied(by: diagonal(s)).multiplied(by: vv), a, 1e-13, "\(m)×\(n)")
            assertClose(try uu.transposed().multiplied(by: uu), .identity(order: k), 1e-14, "UᵀU \(m)×\(n)")
            assertClose(try vv.multiplied(by: vv.transposed()), .identity(order: k), 1e-14, "VVᵀ \(m)×\(n)")
            XCTAssertEqual(s, s.sorted(by: >))
            let (noU, valuesOnly, noVT) = try LAPACK.singularValueDecomposition(a, vectors: false)
            XCTAssertNil(noU); XCTAssertNil(noVT)
            XCTAssertEqual(valuesOnly, s, accuracy: 1e-13)
        }
    }

    func testSVDOfEmptyMatrix() throws {
        let (u, s, vt) = try LAPACK.singularValueDecomposition(Matrix(rows: 3, columns: 0), vectors: true)
        XCTAssertEqual(s, [])
        XCTAssertEqual(u?.rows, 3); XCTAssertEqual(u?.columns, 0)
        XCTAssertEqual(vt?.rows, 0); XCTAssertEqual(vt?.columns, 0)
    }

    // MARK: dsyevd

    func testSymmetricEigenOfHandComputedMatrix() throws {
        var a: [Double] = [2, 1, 1, 2]
        let (values, vectors) = try LAPACK.symmetricEigen(&a, order: 2)
        XCTAssertEqual(values, [1, 3], accuracy: 1e-14)
        // values[0] = 1 ↔ ±[1, −1]/√2 in column 0; values[1] = 3 ↔ ±[1, 1]/√2 in column 1.
        XCTAssertEqual(vectors[0, 0], -vectors[1, 0], accuracy: 1e-14)
        XCTAssertEqual(vectors[0, 1], vectors[1, 1], accuracy: 1e-14)
        XCTAssertEqual(abs(vectors[0, 1]), 0.5.squareRoot(), accuracy: 1e-14)
    }

    /// A·V = V·Λ with eigenvectors in columns, for a matrix whose eigenvectors are not symmetric
    /// under transposition (so a forgotten transpose fails).
    func testSymmetricEigenVectorsAreColumns() throws {
        var generator = SeededGenerator(seed: 11)
        let b = Matrix.gaussian(rows: 6, columns: 6, using: &generator)
        let a = try b.multiplied(by: b.transposed())
        let (values, vectors) = try LAPACK.symmetricEigen(of: a)
        assertClose(try a.multiplied(by: vectors), try vectors.multiplied(by: diagonal(values)), 1e-12)
        assertClose(try vectors.transposed().multiplied(by: vectors), .identity(order: 6), 1e-13)
        XCTAssertEqual(values, values.sorted())
        var copy = a.elements
        XCTAssertEqual(try LAPACK.symmetricEigenvalues(&copy, order: 6), values, accuracy: 1e-12)
    }

    /// Only the row-major upper triangle is read: junk (even NaN) below the diagonal is ignored.
    func testSymmetricEigenReadsOnlyTheUpperTriangle() throws {
        var clean: [Double] = [4, 1, 2, 1, 3, 0, 2, 0, 5]
        var junk: [Double] = [4, 1, 2, .nan, 3, 0, 1e300, -7, 5]
        XCTAssertEqual(try LAPACK.symmetricEigenvalues(&junk, order: 3),
                       try LAPACK.symmetricEigenvalues(&clean, order: 3))
    }

    /// `dsyevd_2stage` (eigenvalues of orders ≥ `twoStageMinimumOrder`) forced on small matrices:
    /// hand-computed eigenvalues, only the upper triangle read, and the same eigenvalues as
    /// one-stage `dsyevd` on an ill-conditioned matrix with known eigenvalues 1 … 1e-12.
    func testTwoStageEigenvaluesAgreeWithOneStage() throws {
        var small: [Double] = [2, 1, .nan, 2]
        XCTAssertEqual(try LAPACK.dsyevd(&small, order: 2, vectors: false, twoStage: true), [1, 3], accuracy: 1e-15)
        var one: [Double] = [-4]
        XCTAssertEqual(try LAPACK.dsyevd(&one, order: 1, vectors: false, twoStage: true), [-4])
        var generator = SeededGenerator(seed: 2027)
        let order = 300
        let q = try LAPACK.orthonormalBasis(of: Matrix(rows: order, columns: order,
                                                       elements: (0..<order * order).map { _ in generator.nextGaussian() }))
        let known = (0..<order).map { pow(10, -12 * Double($0) / Double(order - 1)) }.sorted()
        let a = try q.multiplied(by: diagonal(known)).multiplied(by: q.transposed())
        var upper = a.elements, reference = a.elements
        for i in 0..<order { for j in 0..<i { upper[i * order + j] = .nan } }
        let twoStage = try LAPACK.dsyevd(&upper, order: order, vectors: false, twoStage: true)
        let oneStage = try LAPACK.dsyevd(&reference, order: order, vectors: false, twoStage: false)
        XCTAssertEqual(twoStage, known, accuracy: 1e-14)
        XCTAssertEqual(twoStage, oneStage, accuracy: 1e-14)
        XCTAssertGreaterThan(LAPACK.twoStageMinimumOrder, order, "the 300-order matrix must take the one-stage path by default")
    }

    func testSymmetricEigenRejectsBadInput() {
        var short: [Double] = [1, 2, 3]
        XCTAssertThrowsError(try LAPACK.symmetricEigenvalues(&short, order: 2)) { error in
            guard case LinearAlgebraError.invalidDimensions = error else { return XCTFail("\(error)") }
        }
        var withNaN: [Double] = [1, .nan, .nan, 1]
        XCTAssertThrowsError(try LAPACK.symmetricEigenvalues(&withNaN, order: 2)) { error in
            XCTAssertEqual(error as? LinearAlgebraError, .nonFinite(row: 0, column: 1))
        }
        var empty: [Double] = []
        XCTAssertEqual(try LAPACK.symmetricEigenvalues(&empty, order: 0), [])
    }

    // MARK: dgeqrf + dorgqr

    func testOrthonormalBasisOfHandComputedMatrix() throws {
        // Columns [1, 1, 0] and [0, 1, 1]: q1 = ±[1, 1, 0]/√2.
        let a = try Matrix(rows: 3, columns: 2, elements: [1, 0, 1, 1, 0, 1])
        let q = try LAPACK.orthonormalBasis(of: a)
        XCTAssertEqual(q.rows, 3); XCTAssertEqual(q.columns, 2)
        XCTAssertEqual(abs(q[0, 0]), 0.5.squareRoot(), accuracy: 1e-14)
        XCTAssertEqual(q[0, 0], q[1, 0], accuracy: 1e-14)
        XCTAssertEqual(q[2, 0], 0, accuracy: 1e-14)
        // q2 ⟂ q1 and in span: ±[−1, 1, 2]/√6.
        XCTAssertEqual(q[2, 1], 2 * q[1, 1], accuracy: 1e-14)
        XCTAssertEqual(q[0, 1], -q[1, 1], accuracy: 1e-14)
    }

    func testOrthonormalBasisIsOrthonormalAndSpansTheColumns() throws {
        var generator = SeededGenerator(seed: 21)
        for (m, n) in [(10, 4), (6, 6), (50, 1), (3, 0)] {
            let a = Matrix.gaussian(rows: m, columns: n, using: &generator)
            let q = try LAPACK.orthonormalBasis(of: a)
            XCTAssertEqual(q.rows, m); XCTAssertEqual(q.columns, n)
            assertClose(try q.transposed().multiplied(by: q), .identity(order: n), 1e-14, "QᵀQ \(m)×\(n)")
            // Q·Qᵀ projects onto the span: it must leave A unchanged.
            assertClose(try q.multiplied(by: q.transposed().multiplied(by: a)), a, 1e-12, "span \(m)×\(n)")
        }
        XCTAssertThrowsError(try LAPACK.orthonormalBasis(of: Matrix(rows: 2, columns: 3)))
    }

    // MARK: dpotrf

    func testCholeskyOfHandComputedMatrix() throws {
        // [[4, 2], [2, 3]] = L·Lᵀ with L = [[2, 0], [1, √2]].
        let l = try LAPACK.cholesky(Matrix(rows: 2, columns: 2, elements: [4, 2, 2, 3]))
        XCTAssertEqual(l.elements, [2, 0, 1, 2.0.squareRoot()], accuracy: 1e-15)
    }

    func testCholeskyReconstructsAndReadsOnlyTheLowerTriangle() throws {
        var generator = SeededGenerator(seed: 31)
        let b = Matrix.gaussian(rows: 7, columns: 7, using: &generator)
        var a = try b.multiplied(by: b.transposed())
        for i in 0..<7 { a[i, i] += 1 }
        let l = try LAPACK.cholesky(a)
        assertClose(try l.multiplied(by: l.transposed()), a, 1e-12)
        for i in 0..<7 { for j in (i + 1)..<7 { XCTAssertEqual(l[i, j], 0) } }
        var junk = a
        for i in 0..<7 { for j in (i + 1)..<7 { junk[i, j] = -1e9 } }
        XCTAssertEqual(try LAPACK.cholesky(junk), l)
    }

    func testCholeskyOfIndefiniteMatrixThrowsLAPACKFailure() throws {
        // [[1, 2], [2, 1]] has eigenvalues 3 and −1: the order-2 minor fails.
        XCTAssertThrowsError(try LAPACK.cholesky(Matrix(rows: 2, columns: 2, elements: [1, 2, 2, 1]))) { error in
            XCTAssertEqual(error as? LinearAlgebraError, .lapackFailure(routine: "dpotrf", info: 2))
        }
        XCTAssertThrowsError(try LAPACK.cholesky(Matrix(rows: 1, columns: 1, elements: [-1]))) { error in
            XCTAssertEqual(error as? LinearAlgebraError, .lapackFailure(routine: "dpotrf", info: 1))
        }
        XCTAssertThrowsError(try LAPACK.cholesky(Matrix(rows: 2, columns: 3)))
    }
}

/// Element-wise closeness of two arrays of the same length.
func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double,
                    file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, "lengths differ: \(a) vs \(b)", file: file, line: line)
    for (x, y) in zip(a, b) {
        XCTAssertEqual(x, y, accuracy: accuracy, "\(a) vs \(b)", file: file, line: line)
    }
}
