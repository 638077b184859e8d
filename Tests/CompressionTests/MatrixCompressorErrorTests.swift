import XCTest
import LinearAlgebra
import Planning
@testable import Compression

final class MatrixCompressorErrorTests: XCTestCase {
    func testASourceInItsStoredFormatCompressesLikeItsDoubleCopy() throws {
        let weight = CompressionFixtures.gaussian(rows: 12, columns: 10, seed: 52)
        var bytes: [UInt8] = []
        for value in weight.elements {
            let bits = HalfPrecision.bf16Bits(from: Float(value))
            bytes += [UInt8(truncatingIfNeeded: bits), UInt8(truncatingIfNeeded: bits >> 8)]
        }
        let rounded = try Matrix(rows: 12, columns: 10, elements: weight.elements.map { Double(HalfPrecision.float(fromBF16: HalfPrecision.bf16Bits(from: Float($0)))) })
        let choice = LayerChoice.lowRank(rank: 3, factorBits: 4, groupSize: 8)
        let fromSource = try bytes.withUnsafeBytes { raw in
            try MatrixCompressor.compress(source: MatrixSource(base: raw.baseAddress!, rows: 12, columns: 10, format: .bf16),
                                          name: "p.weight", choice: choice, options: CompressionOptions())
        }
        let fromMatrix = try MatrixCompressor.compress(weight: rounded, name: "p.weight", choice: choice, options: CompressionOptions())
        XCTAssertEqual(fromSource.tensors, fromMatrix.tensors)
        XCTAssertEqual(fromSource.measuredRelativeError, fromMatrix.measuredRelativeError)
    }


    private let weight = CompressionFixtures.gaussian(rows: 8, columns: 6, seed: 51)

    func testBadRequestsFailWithOneSentenceNamingTheTensor() {
        let options = CompressionOptions()
        XCTAssertThrowsError(try MatrixCompressor.compress(weight: weight, name: "model.bias", choice: .lowRank(rank: 2), options: options)) {
            XCTAssertEqual("\($0)", "Tensor model.bias cannot be factorized: its name does not end in .weight.")
        }
        XCTAssertThrowsError(try MatrixCompressor.compress(weight: weight, name: "p.weight", choice: .lowRank(rank: 7), options: options)) {
            XCTAssertTrue("\($0)".hasPrefix("Tensor p.weight cannot be compressed as planned: "), "\($0)")
        }
        XCTAssertThrowsError(try MatrixCompressor.compress(weight: weight, name: "p.weight", choice: .lowRank(rank: 2),
                                                           options: CompressionOptions(factorType: .I32))) {
            XCTAssertEqual($0 as? CompressionError, .unsupportedOutputType("I32"))
        }
    }
}
