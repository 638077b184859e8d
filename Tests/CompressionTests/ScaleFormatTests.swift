import LinearAlgebra
import XCTest
@testable import Compression

/// ``ScaleFormat``: F16 while its (sub)normals resolve every scale at least as finely as BF16,
/// BF16 beyond, a refusal outside BF16's normal range; the quantized matrix records the choice.
final class ScaleFormatTests: XCTestCase {
    func testTheChoiceFollowsTheScalesRange() throws {
        XCTAssertEqual(try ScaleFormat.choose(smallest: 0x1p-16, largest: 0x1p15), .f16)
        XCTAssertEqual(try ScaleFormat.choose(smallest: 0x1p-17, largest: 1), .bf16)
        XCTAssertEqual(try ScaleFormat.choose(smallest: 1, largest: 0x1p16), .bf16)
        XCTAssertEqual(try ScaleFormat.choose(smallest: nil, largest: nil), .f16, "all-zero groups")
        XCTAssertEqual(try ScaleFormat.choose(smallest: 0x1p-126, largest: 0x1p127), .bf16)
        XCTAssertThrowsError(try ScaleFormat.choose(smallest: 0x1p-127, largest: 1))
        XCTAssertThrowsError(try ScaleFormat.choose(smallest: 1, largest: 0x1p128))
    }

    func testRoundingUpNeverGoesBelowTheValue() {
        for format in [ScaleFormat.f16, .bf16] {
            for value in [1e-7, 3.3e-5, 0.1, 1.0 / 3, 1234.5678] where format == .bf16 || value >= 0x1p-14 {  // F16 subnormals are coarser: why BF16 takes over
                let stored = format.value(format.bits(roundingUp: value))
                XCTAssertGreaterThanOrEqual(stored, value, "\(format) \(value)")
                XCTAssertLessThan(stored, value * (format == .f16 ? 1.002 : 1.008), "\(format) \(value)")
            }
        }
    }

    func testTinyWeightsQuantizeWithBF16ScalesToTheUsualError() throws {
        let gaussian = CompressionFixtures.gaussian(rows: 32, columns: 64, seed: 7)
        var errors: [Double] = []
        for magnitude in [1.0, 1e-7, 1e-8, 1e-30] {
            let weight = try Matrix(rows: 32, columns: 64, elements: gaussian.elements.map { $0 * magnitude })
            let quantized = try QuantizedMatrix(quantizing: weight, bits: 8, groupSize: 32)
            XCTAssertEqual(quantized.scaleFormat, magnitude == 1 ? .f16 : .bf16, "\(magnitude)")
            let decoded = quantized.dequantized()
            let error = zip(weight.elements, decoded.elements).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
                / weight.elements.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
            errors.append(error)
        }
        for error in errors.dropFirst() { XCTAssertEqual(error, errors[0], accuracy: 0.15 * errors[0], "\(errors)") }
        let tooSmall = try Matrix(rows: 32, columns: 64, elements: gaussian.elements.map { $0 * 1e-40 })
        XCTAssertThrowsError(try QuantizedMatrix(quantizing: tooSmall, bits: 8, groupSize: 32)) { error in
            XCTAssertTrue("\(error)".contains("BF16"), "\(error)")
        }
    }
}
