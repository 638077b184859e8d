import LinearAlgebra
import XCTest

/// Non-finite input, cancellation and impossible dimensions are errors, never traps.
final class ErrorHandlingTests: XCTestCase {
    func poisoned(_ format: ScalarFormat, rows: Int, columns: Int, at position: (Int, Int),
                  bits: UInt64) -> [UInt8] {
        var generator = SeededGenerator(seed: 8)
        let matrix = Matrix.gaussian(rows: rows, columns: columns, using: &generator)
        var bytes = TestMatrices.bytes(of: matrix, format: format)
        let offset = (position.0 * columns + position.1) * format.byteWidth
        withUnsafeBytes(of: bits.littleEndian) { raw in
            for k in 0..<format.byteWidth { bytes[offset + k] = raw[k] }
        }
        return bytes
    }

    func testNonFiniteInputIsRefusedWithItsPosition() throws {
        let poisons: [(ScalarFormat, UInt64)] = [
            (.f64, Double.nan.bitPattern), (.f64, Double.infinity.bitPattern),
            (.f32, UInt64(Float.nan.bitPattern)), (.f32, UInt64((-Float.infinity).bitPattern)),
            (.f16, 0x7E00), (.f16, 0xFC00), (.bf16, 0x7FC0), (.bf16, 0x7F80),
        ]
        for (format, bits) in poisons {
            for (m, n) in [(20, 90), (90, 20)] { // both Gram orientations
                let bytes = poisoned(format, rows: m, columns: n, at: (13, 17), bits: bits)
                try TestMatrices.withSource(bytes, rows: m, columns: n, format: format) { source in
                    for attempt in [
                        { try SingularValues.compute(source) },
                        { try SingularValues.compute(source, panelWidth: 5) },
                        { try SingularValues.computeExactly(source) },
                        { try Matrix(source).elements },
                    ] {
                        XCTAssertThrowsError(try attempt(), "\(format) \(m)×\(n)") { error in
                            XCTAssertEqual(error as? LinearAlgebraError, .nonFinite(row: 13, column: 17), "\(format) \(m)×\(n)")
                        }
                    }
                }
            }
        }
    }

    func testCancellationBetweenPanels() throws {
        var generator = SeededGenerator(seed: 9)
        for (m, n) in [(30, 400), (400, 30)] {
            let bytes = TestMatrices.bytes(of: Matrix.gaussian(rows: m, columns: n, using: &generator), format: .f32)
            try TestMatrices.withSource(bytes, rows: m, columns: n, format: .f32) { source in
                var polls = 0
                XCTAssertThrowsError(try SingularValues.compute(source, panelWidth: 16, isCancelled: {
                    polls += 1
                    return polls > 3
                })) { error in
                    XCTAssertEqual(error as? LinearAlgebraError, .cancelled)
                }
                XCTAssertEqual(polls, 4, "polled once per panel until cancelled")
                XCTAssertThrowsError(try SingularValues.computeExactly(source, isCancelled: { true })) { error in
                    XCTAssertEqual(error as? LinearAlgebraError, .cancelled)
                }
                // Not cancelled: polled at least once per panel, and completes.
                var count = 0
                _ = try SingularValues.compute(source, panelWidth: 16, isCancelled: { count += 1; return false })
                XCTAssertGreaterThanOrEqual(count, 400 / 16)
            }
        }
    }

    func testImpossibleDimensionsThrow() {
        let base = UnsafeRawPointer(bitPattern: 0x1000)!
        for (m, n) in [(-1, 4), (4, -1), (Int.max, 2), (1 << 40, 1 << 40)] {
            let source = MatrixSource(base: base, rows: m, columns: n, format: .f32)
            XCTAssertThrowsError(try SingularValues.compute(source), "\(m)×\(n)") { error in
                guard case LinearAlgebraError.invalidDimensions = error else { return XCTFail("\(error)") }
            }
            XCTAssertThrowsError(try SingularValues.computeExactly(source), "\(m)×\(n)")
            XCTAssertThrowsError(try Matrix(source), "\(m)×\(n)")
        }
    }

    func testDescriptionsAreOneSentence() {
        let errors: [LinearAlgebraError] = [
            .lapackFailure(routine: "dpotrf", info: 2), .lapackFailure(routine: "dgesdd", info: -4),
            .nonFinite(row: 1, column: 2), .cancelled, .invalidDimensions("3×4 is wrong."),
        ]
        for error in errors {
            let text = error.description
            XCTAssertTrue(text.hasSuffix("."), text)
            XCTAssertFalse(text.dropLast().contains(". "), text)
        }
        XCTAssertTrue(LinearAlgebraError.lapackFailure(routine: "dpotrf", info: 2).description.contains("dpotrf"))
        XCTAssertTrue(LinearAlgebraError.lapackFailure(routine: "dpotrf", info: 2).description.contains("2"))
    }
}
