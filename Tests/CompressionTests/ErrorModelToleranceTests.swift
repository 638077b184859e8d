import XCTest
import LinearAlgebra
import Planning
@testable import Compression

/// Measured errors against ``LayerEstimate``'s model, with the tolerances documented on
/// ``MatrixCompressor`` (the full grid is ``ErrorModelGridTests``); every band is asserted on both sides:
/// - dense and LoRD with quantized factors: measured/estimate within 0.98…1.03 on Gaussian
///   matrices, 0.93…1.08 on low-rank-plus-noise ones (rows mix a few shared patterns, so groups
///   are not independent draws), 0.97…1.10 on small matrices (70×100) with groups of 16–32;
/// - CALDERA: the first iterate within the same bands; the estimate is an upper estimate of the
///   kept iterate: after two iterations at rank 16 of 256, 0.90…0.97 × the estimate with 16-bit
///   factors (the second iteration always helps) and 0.93…(the band's top) with quantized factors;
///   at rank 64 with 16-bit factors 0.78…0.90.
final class ErrorModelToleranceTests: XCTestCase {
    private typealias Fixtures = CompressionFixtures

    private func matrices() throws -> [(label: String, weight: Matrix, band: ClosedRange<Double>)] {
        [("gaussian", Fixtures.gaussian(rows: 256, columns: 384, seed: 31), 0.98...1.03),
         ("lowRankPlusNoise", try Fixtures.lowRankPlusNoise(rows: 384, columns: 256, rank: 32, noise: 0.05, seed: 32), 0.93...1.08)]
    }

    private func ratio(_ weight: Matrix, _ choice: LayerChoice, iterations: Int = 1) throws -> Double {
        let result = try Fixtures.compress(weight, choice, iterations: iterations)
        return result.measuredRelativeError / (try XCTUnwrap(result.estimatedRelativeError))
    }

    private func assert(_ ratio: Double, in band: ClosedRange<Double>, _ message: String,
                        file: StaticString = #filePath, line: UInt = #line) {
        print(String(format: "%.3f", ratio), message)
        XCTAssertGreaterThanOrEqual(ratio, band.lowerBound, message, file: file, line: line)
        XCTAssertLessThanOrEqual(ratio, band.upperBound, message, file: file, line: line)
    }

    func testDenseAndFactorQuantizationMatchTheEstimate() throws {
        for (label, weight, band) in try matrices() {
            for bits in [8, 4, 3, 2] {
                for choice in [LayerChoice.dense(bits: bits, groupSize: 128), .lowRank(rank: 48, factorBits: bits, groupSize: 64)] {
                    assert(try ratio(weight, choice), in: band, "\(label) \(choice)")
                }
            }
        }
    }

    func testSmallMatricesAndSmallGroupsMatchTheEstimate() throws {
        let weights = [Fixtures.gaussian(rows: 100, columns: 70, seed: 33),
                       try Fixtures.lowRankPlusNoise(rows: 70, columns: 100, rank: 20, noise: 0.05, seed: 34)]
        for weight in weights {
            for groupSize in [16, 32] {
                for bits in [8, 3, 2] {
                    for choice in [LayerChoice.dense(bits: bits, groupSize: groupSize),
                                   .lowRank(rank: 24, factorBits: bits, groupSize: groupSize)] {
                        assert(try ratio(weight, choice), in: 0.97...1.10, "\(weight.rows)×\(weight.columns) \(choice)")
                    }
                }
            }
        }
    }

    func testCalderaFirstIterateMatchesAndLaterOnesStayBelowTheEstimate() throws {
        for (label, weight, band) in try matrices() {
            for backbone in [4, 3, 2] {
                for factorBits in [16, 4] {
                    let choice = LayerChoice.lowRank(rank: 16, factorBits: factorBits, groupSize: 128, backboneBits: backbone)
                    let result = try Fixtures.compress(weight, choice, iterations: 2)
                    let estimate = try XCTUnwrap(result.estimatedRelativeError)
                    assert(result.iterateErrors[0] / estimate, in: band, "\(label) \(choice), first iterate")
                    let kept = factorBits == 16 ? 0.90...0.97 : 0.93...band.upperBound
                    assert(result.measuredRelativeError / estimate, in: kept, "\(label) \(choice), best of two")
                }
            }
        }
    }

    /// With 16-bit factors the refit absorbs the part of the backbone's noise inside the rank-k
    /// tangent space (a fraction k·(m + n − k)/(m·n) = 0.375 of it at rank 64 of 256×384), so
    /// later iterates fall well below the estimate at high rank: 0.78…0.90 after two iterations.
    func testCalderaIterationsHelpMoreAtHigherRankWithUnquantizedFactors() throws {
        let weight = Fixtures.gaussian(rows: 256, columns: 384, seed: 31)
        for backbone in [4, 2] {
            let choice = LayerChoice.lowRank(rank: 64, factorBits: 16, groupSize: 128, backboneBits: backbone)
            let result = try Fixtures.compress(weight, choice, iterations: 2)
            assert(result.measuredRelativeError / (try XCTUnwrap(result.estimatedRelativeError)), in: 0.78...0.90,
                   "gaussian \(choice), best of two")
        }
    }
}
