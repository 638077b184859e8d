import XCTest
import LinearAlgebra
import Planning
@testable import Compression

/// Issue 21, class 11: CALDERA on weights near F32's smallest normal (1e-38) and with hundreds of
/// iterations on an ordinary Gaussian matrix finishes with a finite error instead of trapping or
/// failing on an F16 scale.
final class CalderaHostileTests: XCTestCase {
    private typealias Fixtures = CompressionFixtures

    func testTinyWeightsDoNotTrapTheQuantizer() throws {
        let gaussian = Fixtures.gaussian(rows: 48, columns: 64, seed: 51)
        for magnitude in [1e-38, 1e-30, 1e-20] {
            let weight = try Matrix(rows: 48, columns: 64, elements: gaussian.elements.map { $0 * magnitude })
            for factorBits in [16, 4] {
                let choice = LayerChoice.lowRank(rank: 4, factorBits: factorBits, groupSize: 32, backboneBits: 2)
                do {
                    let result = try Fixtures.compress(weight, choice, iterations: 3)
                    XCTAssertTrue(result.measuredRelativeError.isFinite, "\(magnitude), \(factorBits) bits")
                } catch let error as CompressionError {
                    // Refusing with a sentence is acceptable; trapping is not.
                    XCTAssertFalse(String(describing: error).isEmpty)
                }
            }
        }
    }

    func testManyIterationsOnAGaussianMatrix() throws {
        let weight = Fixtures.gaussian(rows: 64, columns: 96, seed: 52)
        let choice = LayerChoice.lowRank(rank: 8, factorBits: 4, groupSize: 32, backboneBits: 2)
        let result = try Fixtures.compress(weight, choice, iterations: 300)
        XCTAssertGreaterThan(result.iterateErrors.count, 1)
        XCTAssertLessThanOrEqual(result.iterateErrors.count, 300)
        XCTAssertEqual(result.measuredRelativeError, result.iterateErrors.min()!, accuracy: 1e-15)
        XCTAssertTrue(result.iterateErrors.allSatisfy(\.isFinite))
    }
}
