import LinearAlgebra
import XCTest

final class MatrixTests: XCTestCase {
    func testMultiplicationByHand() throws {
        let a = try Matrix(rows: 2, columns: 3, elements: [1, 2, 3, 4, 5, 6])
        let b = try Matrix(rows: 3, columns: 2, elements: [7, 8, 9, 10, 11, 12])
        XCTAssertEqual(try a.multiplied(by: b).elements, [58, 64, 139, 154])
        XCTAssertEqual(try b.multiplied(by: a).elements, [39, 54, 69, 49, 68, 87, 59, 82, 105])
        XCTAssertThrowsError(try a.multiplied(by: a))
        XCTAssertEqual(try Matrix(rows: 2, columns: 0).multiplied(by: Matrix(rows: 0, columns: 3)),
                       Matrix(rows: 2, columns: 3))
    }

    func testGramOfRowsIsTheProductWithTheTranspose() throws {
        let a = try Matrix(rows: 2, columns: 3, elements: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(try a.gramOfRows().elements, [14, 32, 32, 77])
        XCTAssertEqual(try Matrix(rows: 2, columns: 0).gramOfRows(), Matrix(rows: 2, columns: 2))
        // The Hessians of LDLQ are formed this way: with OpenBLAS (dsyrk's triangle is dgemm's), to the bit.
        var generator = SeededGenerator(seed: 3)
        let b = Matrix.gaussian(rows: 150, columns: 97, using: &generator)
        let product = try b.multiplied(byTransposeOf: b), gram = try b.gramOfRows()
        XCTAssertLessThanOrEqual((gram - product).frobeniusNorm, 1e-14 * product.frobeniusNorm)
        XCTAssertEqual(gram, gram.transposed())
    }

    func testTranspose() throws {
        let a = try Matrix(rows: 2, columns: 3, elements: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(a.transposed(), try Matrix(rows: 3, columns: 2, elements: [1, 4, 2, 5, 3, 6]))
        var generator = SeededGenerator(seed: 4)
        let big = Matrix.gaussian(rows: 70, columns: 45, using: &generator) // crosses the 32-blocks
        XCTAssertEqual(big.transposed().transposed(), big)
        XCTAssertEqual(big.transposed()[44, 69], big[69, 44])
    }

    func testFrobeniusNorm() throws {
        XCTAssertEqual(try Matrix(rows: 2, columns: 2, elements: [3, 4, 0, 12]).frobeniusNorm, 13)
        XCTAssertEqual(try Matrix(rows: 1, columns: 2, elements: [3e300, 4e300]).frobeniusNorm, 5e300, accuracy: 1e286)
        let tiny = 0x1p-1070 // subnormal: its square underflows to zero without scaling
        XCTAssertEqual(try Matrix(rows: 1, columns: 2, elements: [3 * tiny, 4 * tiny]).frobeniusNorm, 5 * tiny)
        XCTAssertEqual(Matrix(rows: 0, columns: 4).frobeniusNorm, 0)
        XCTAssertTrue(try Matrix(rows: 1, columns: 2, elements: [1, .nan]).frobeniusNorm.isNaN)
    }

    func testInitialisersValidate() {
        XCTAssertThrowsError(try Matrix(rows: 2, columns: 2, elements: [1, 2, 3]))
        XCTAssertThrowsError(try Matrix(rows: -1, columns: -1, elements: [1]))
        XCTAssertEqual(Matrix(rows: 2, columns: 1, repeating: 7).elements, [7, 7])
        XCTAssertEqual(Matrix.identity(order: 2).elements, [1, 0, 0, 1])
    }

    /// Conversion from every format, from an unaligned address, matches the encoded values.
    func testConversionFromSource() throws {
        let values: [Double] = [1.5, -2.25, 0, 1024, -0.0078125, 3]
        let exact = try Matrix(rows: 2, columns: 3, elements: values) // exact in every format
        for format in ScalarFormat.allCases {
            let bytes = TestMatrices.bytes(of: exact, format: format, padding: 1)
            let converted = try TestMatrices.withSource(bytes, padding: 1, rows: 2, columns: 3, format: format) {
                try Matrix($0)
            }
            XCTAssertEqual(converted, exact, "\(format)")
            TestMatrices.withSource(bytes, padding: 1, rows: 2, columns: 3, format: format) { source in
                XCTAssertEqual(source.element(row: 1, column: 0), 1024, "\(format)")
            }
        }
    }
}
