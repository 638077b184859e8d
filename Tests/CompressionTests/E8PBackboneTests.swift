import Foundation
import XCTest
import LinearAlgebra
import Planning
import PythonOracle
import SafeTensors
@testable import Compression

/// E8P backbones at 3 and 4 bits (``E8PBackbone``: E8P plus a sign or E8P residual stage): each
/// stage's code is the nearest codeword to what it quantizes (brute force), the noise on Gaussian
/// rows is the plan's constant (``Planning/BackboneCodebook/e8pNoiseFraction(bits:)``) and below the
/// scalar grids of the same width, block LDLQ with the whole residual quantizer lowers the
/// Hessian-weighted error, and the tensors have the plan's bytes.
final class E8PBackboneTests: XCTestCase {
    private static let book: [[Double]] = (0...UInt16.max).map(E8PCodebook.codeword)

    private func distance(_ x: [Double], _ y: [Double]) -> Double {
        zip(x, y).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
    }

    /// The least distance from `x` to any E8P codeword times `scale`.
    private func bruteForceE8P(_ x: [Double], scale: Double) -> Double {
        Self.book.reduce(Double.infinity) { best, word in min(best, distance(x, word.map { $0 * scale })) }
    }

    func testTheSignStageIsTheNearestSignWordByBruteForce() {
        var generator = SeededGenerator(seed: 31)
        for trial in 0..<40 {
            let x = (0..<8).map { _ in Double.random(in: -2...2, using: &generator) }
            let scale = [0.1, 0.7, 3.0][trial % 3]
            let byte = SignMatrix.nearest(x[...])
            let found = distance(x, (0..<8).map { scale * SignMatrix.sign(byte, $0) })
            let best = (0..<256).map { word in distance(x, (0..<8).map { scale * SignMatrix.sign(UInt8(word), $0) }) }.min()!
            XCTAssertEqual(found, best, accuracy: 1e-12, "trial \(trial): \(x)")
        }
    }

    /// Greedy residual quantization: stage 1 is the nearest E8P codeword to the row's run at its
    /// scale, stage 2 the nearest codeword of its kind to stage 1's residual at the residual's scale.
    func testEachGreedyStageIsTheNearestCodewordToWhatItQuantizes() {
        let weight = CompressionFixtures.gaussian(rows: 3, columns: 16, seed: 32)
        for bits in [3, 4] {
            let backbone = E8PBackbone(quantizing: weight, bits: bits)
            XCTAssertEqual(backbone.bits, bits)
            let first = backbone.lattice.dequantized()
            let second = try! XCTUnwrap(backbone.residual).dequantized()
            for row in 0..<3 {
                let s1 = Double(HalfPrecision.float(fromF16: backbone.lattice.scales[row]))
                for run in 0..<2 {
                    let columns = (run * 8)..<(run * 8 + 8)
                    let x = columns.map { weight[row, $0] }
                    let stage1 = columns.map { first[row, $0] }
                    XCTAssertEqual(distance(x, stage1), bruteForceE8P(x, scale: s1), accuracy: 1e-12, "stage 1, row \(row) run \(run)")
                    let residual = zip(x, stage1).map { $0 - $1 }
                    let stage2 = columns.map { second[row, $0] }
                    let best: Double
                    switch backbone.residual! {
                    case .signs(let signs):
                        let s2 = Double(HalfPrecision.float(fromF16: signs.scales[row]))
                        best = (0..<256).map { word in distance(residual, (0..<8).map { s2 * SignMatrix.sign(UInt8(word), $0) }) }.min()!
                    case .lattice(let lattice):
                        best = bruteForceE8P(residual, scale: Double(HalfPrecision.float(fromF16: lattice.scales[row])))
                    }
                    XCTAssertEqual(distance(residual, stage2), best, accuracy: 1e-12, "\(bits) bits, stage 2, row \(row) run \(run)")
                }
            }
        }
    }

    /// The plan's c_Q for E8P at each width is what the quantizer leaves on RMS-scaled Gaussian rows,
    /// and below round-to-nearest groups of 128 of the same width.
    func testNoiseOnGaussianRowsIsThePlansConstantAndBelowScalarGroups() throws {
        let gaussian = CompressionFixtures.gaussian(rows: 128, columns: 512, seed: 33)
        for bits in [2, 3, 4] {
            let error = pow(E8PBackbone(quantizing: gaussian, bits: bits).dequantized().relativeDistance(to: gaussian), 2)
            let scalar = pow(try QuantizedMatrix(quantizing: gaussian, bits: bits, groupSize: 128).dequantized().relativeDistance(to: gaussian), 2)
            print(String(format: "E8P %d bits on Gaussian rows: relative squared error %.5f (plan %.4f); scalar groups of 128: %.5f",
                         bits, error, BackboneCodebook.e8pNoiseFraction(bits: bits), scalar))
            XCTAssertEqual(error, BackboneCodebook.e8pNoiseFraction(bits: bits), accuracy: 0.03 * error, "\(bits) bits")
            XCTAssertLessThan(error, 0.95 * scalar, "\(bits) bits")
        }
    }

    func testTheTensorsHaveThePlansBytesAndNames() {
        let weight = CompressionFixtures.gaussian(rows: 5, columns: 24, seed: 34)
        for bits in [2, 3, 4] {
            let tensors = E8PBackbone(quantizing: weight, bits: bits).tensors(prefix: "p.backbone")
            XCTAssertEqual(tensors.map(\.name), ["p.backbone.e8p", "p.backbone.e8p_scales"]
                           + (bits > 2 ? ["p.backbone.e8p_residual", "p.backbone.e8p_residual_scales"] : []))
            XCTAssertEqual(tensors.map { $0.bytes.count }.reduce(0, +),
                           BackboneCodebook.e8p.backboneBytes(rows: 5, columns: 24, bits: bits, groupSize: 128), "\(bits) bits")
            XCTAssertEqual(tensors.map(\.shape), E8PBackbone.specs(prefix: "p.backbone", rows: 5, columns: 24, bits: bits).map(\.shape))
        }
    }

    /// Block LDLQ quantizing each block with the whole residual quantizer lowers the
    /// Hessian-weighted error against greedy residual rounding, on incoherence-processed weights with
    /// correlated inputs; each block's reconstruction is the greedy residual rounding of its fed-back
    /// target (recomputed from the block LDL identity), and `Σ_b ‖Z_b‖² = tr(E·H_d·Eᵀ)`.
    func testLDLQWithTheResidualQuantizerLowersTheWeightedError() throws {
        let (m, n, d) = (24, 96, 8)
        let incoherence = Incoherence(seed: 35, rows: m, columns: n)
        let (whitening, quantizer, upper) = try E8PLDLQFixture.correlated(columns: n, seed: 35, incoherence: incoherence)
        let weight = incoherence.rotated(CompressionFixtures.gaussian(rows: m, columns: n, seed: 36))
        for bits in [3, 4] {
            let backbone = try quantizer.quantizeE8P(weight, bits: bits)
            let greedy = E8PBackbone(quantizing: weight, bits: bits)
            let approximation = backbone.dequantized()
            let ratio = try E8PLDLQFixture.objective(weight, approximation, whitening) / E8PLDLQFixture.objective(weight, greedy.dequantized(), whitening)
            print(String(format: "E8P %d-bit LDLQ %d×%d: weighted error %.3f × greedy residual rounding's", bits, m, n, ratio))
            XCTAssertLessThan(ratio, 0.85, "\(bits) bits")
            // Re-derive each block's fed-back target and round it with the backbone's scales.
            var rounder = E8PBackbone.Rounder(scalesOf: backbone)
            var rounded = [Double](repeating: 0, count: d)
            try E8PLDLQFixture.assertBlocksRoundTheirFedBackTargets(weight, approximation, whitening: whitening, upper: upper, allowed: m * n / d / 100,
                                                                    "\(bits) bits: blocks not the rounding of their fed-back target") { row, b, residual in
                rounder.round(row: row, run: b / d, (0..<d).map { approximation[row, b + $0] + residual[$0] }, into: &rounded)
                return !(0..<d).contains { rounded[$0] != approximation[row, b + $0] }
            }
        }
    }

    /// Without a Hessian, or with mean squares only, LDLQ is greedy residual rounding.
    func testWithoutCorrelationsLDLQIsGreedyResidualRounding() throws {
        let (weight, whitening) = try E8PLDLQFixture.meanSquaresOnly(seed: 37)
        for bits in [2, 3, 4] {
            let greedy = E8PBackbone(quantizing: weight, bits: bits).tensors(prefix: "p")
            XCTAssertEqual(try HessianQuantizer(whitening).quantizeE8P(weight, bits: bits).tensors(prefix: "p"), greedy, "\(bits) bits")
            XCTAssertEqual(try HessianQuantizer.roundToNearest.quantizeE8P(weight, bits: bits).tensors(prefix: "p"), greedy, "\(bits) bits")
        }
    }
}
