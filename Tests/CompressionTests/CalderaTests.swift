import XCTest
import LinearAlgebra
import Planning
@testable import Compression

final class CalderaTests: XCTestCase {
    private typealias Fixtures = CompressionFixtures

    func testMoreIterationsAreNeverWorseThanTheFirstIterate() throws {
        let weights = [Fixtures.gaussian(rows: 96, columns: 160, seed: 41),
                       try Fixtures.lowRankPlusNoise(rows: 160, columns: 96, rank: 16, noise: 0.05, seed: 42)]
        for weight in weights {
            for factorBits in [16, 4] {
                let choice = LayerChoice.lowRank(rank: 8, factorBits: factorBits, groupSize: 32, backboneBits: 2)
                let first = try Fixtures.compress(weight, choice, iterations: 1)
                let many = try Fixtures.compress(weight, choice, iterations: 6)
                XCTAssertEqual(many.iterateErrors.count, 6)
                XCTAssertEqual(many.iterateErrors[0], first.measuredRelativeError, accuracy: 1e-15)
                XCTAssertLessThanOrEqual(many.measuredRelativeError, first.measuredRelativeError)
                XCTAssertEqual(many.measuredRelativeError, many.iterateErrors.min()!, accuracy: 1e-15)
            }
        }
    }

    func testBackboneIsWrittenBesideTheFactors() throws {
        let weight = Fixtures.gaussian(rows: 40, columns: 64, seed: 43)
        let result = try Fixtures.compress(weight, .lowRank(rank: 4, factorBits: 16, groupSize: 32, backboneBits: 3), iterations: 2)
        let module = Fixtures.module
        XCTAssertEqual(result.tensors.map(\.name), [
            "\(module).0.weight", "\(module).1.weight",
            "\(module).backbone.qweight", "\(module).backbone.scales", "\(module).backbone.zeros",
        ])
        XCTAssertEqual(result.quantizedTensors, [QuantizedTensorDescription(prefix: "\(module).backbone", rows: 40, columns: 64,
                                                                             bits: 3, groupSize: 32, transposed: false)])
    }

    /// The backbone re-quantizes the factors' noise rather than adding to it: with 2-bit factors
    /// over a 4-bit backbone the first iterate measures √(c_Q·(tail + c_f·(E − tail))/E), far
    /// below the sum √((c_Q·tail + c_f·(E − tail))/E) the two noises would make if they added.
    func testFirstIterateReQuantizesTheFactorsNoise() throws {
        let weight = try Fixtures.lowRankPlusNoise(rows: 256, columns: 256, rank: 16, noise: 0.05, seed: 44)
        let (k, group) = (16, 64)
        let result = try Fixtures.compress(weight, .lowRank(rank: k, factorBits: 2, groupSize: group, backboneBits: 4), iterations: 1)
        let sigma = try CompressionPipeline.singularValues(of: weight)
        let energy = sigma.reduce(0) { $0 + $1 * $1 }
        let tail = sigma.dropFirst(k).reduce(0) { $0 + $1 * $1 }
        // 256 = 4 groups of 64 in every factor column, factor row and backbone row.
        let cFactor = GroupQuantization.noiseFraction(bits: 2, groupLength: group)
        let cF = 2 * cFactor + cFactor * cFactor
        let cQ = GroupQuantization.noiseFraction(bits: 4, groupLength: group)
        let requantized = (cQ * (tail + cF * (energy - tail)) / energy).squareRoot()
        let added = ((cQ * tail + cF * (energy - tail)) / energy).squareRoot()
        XCTAssertEqual(result.estimatedRelativeError!, requantized, accuracy: 1e-12)
        XCTAssertEqual(result.measuredRelativeError / requantized, 1, accuracy: 0.08)
        XCTAssertLessThan(result.measuredRelativeError, added / 4)
    }
}
