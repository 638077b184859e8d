import Foundation
import XCTest
import LinearAlgebra
import Planning
import PythonOracle
import SafeTensors
@testable import Compression

/// Block LDLQ with the E8P lattice (``HessianQuantizer/quantizeE8P(_:)``): it lowers the
/// Hessian-weighted error `tr((W − Ŵ)·H_d·(W − Ŵ)ᵀ)` against nearest-codeword rounding, every block
/// is the nearest codeword to its fed-back target (recomputed here from the block LDL identity,
/// not from the quantizer's lazy updates), and without correlations it is plain rounding.
final class E8PLDLQTests: XCTestCase {
    func testLowersTheHessianWeightedErrorOnCorrelatedInputs() throws {
        for (index, shape) in [(rows: 48, columns: 64), (rows: 20, columns: 272)].enumerated() {
            let seed = 90 + UInt64(index)
            // As CALDERA sees it: incoherence-processed weight and inputs.
            let incoherence = Incoherence(seed: seed, rows: shape.rows, columns: shape.columns)
            let weight = incoherence.rotated(CompressionFixtures.gaussian(rows: shape.rows, columns: shape.columns, seed: seed + 10))
            let (turned, quantizer, _) = try E8PLDLQFixture.correlated(columns: shape.columns, seed: seed, incoherence: incoherence)
            let ldlq = try quantizer.quantizeE8P(weight).dequantized()
            let nearest = E8PMatrix(quantizing: weight).dequantized()
            let ratio = try E8PLDLQFixture.objective(weight, ldlq, turned) / E8PLDLQFixture.objective(weight, nearest, turned)
            let outputRatio = try DataAwareCompressor.outputError(weight, ldlq, turned) / DataAwareCompressor.outputError(weight, nearest, turned)
            print(String(format: "E8P LDLQ %d×%d: weighted error %.3f ×, output error %.3f × nearest-codeword rounding's",
                         shape.rows, shape.columns, ratio, outputRatio))
            XCTAssertLessThan(ratio, 0.8, "\(shape)")
            XCTAssertLessThan(outputRatio, 0.9, "\(shape)")
            // It trades weight error for output error.
            XCTAssertGreaterThan(ldlq.relativeDistance(to: weight), nearest.relativeDistance(to: weight), "\(shape)")
        }
    }

    /// From the final error E = W − Ŵ and U (`H_d⁻¹ = Uᵀ·U`): `R_b = E_b − Σ_{i<b} Z_i·U_ib`,
    /// `Z_b·U_bb = R_b`. Each row's code of block b is the nearest codeword to `(Ŵ_b + R_b)/s`, and
    /// `Σ_b ‖Z_b‖² = tr(E·H_d·Eᵀ)` (the block LDL identity). 272 columns cross a lazy block.
    func testEveryBlockIsTheNearestCodewordToItsFedBackTarget() throws {
        let (m, n, d) = (12, 272, 8)
        let problem = try E8PLDLQFixture.correlated(columns: n, seed: 95)
        let weight = try CompressionFixtures.lowRankPlusNoise(rows: m, columns: n, rank: 4, noise: 0.3, seed: 96)
        let lattice = try problem.quantizer.quantizeE8P(weight)
        let approximation = lattice.dequantized()
        try E8PLDLQFixture.assertBlocksRoundTheirFedBackTargets(weight, approximation, whitening: problem.whitening, upper: problem.upper,
                                                                allowed: m * n / d / 200, "codes that are not the nearest to their fed-back target") { row, b, residual in
            let scale = Double(HalfPrecision.float(fromF16: lattice.scales[row]))
            let target = (0..<d).map { (approximation[row, b + $0] + residual[$0]) / scale }
            return E8PCodebook.nearest(target[...]).code == lattice.codes[row * n / d + b / d]
        }
    }

    /// Mean squares only: no correlations to feed an error into, so LDLQ is nearest-codeword rounding.
    func testDiagonalStatisticsAreNearestCodewordRounding() throws {
        let (weight, whitening) = try E8PLDLQFixture.meanSquaresOnly(seed: 97)
        let lattice = try HessianQuantizer(whitening).quantizeE8P(weight)
        let nearest = E8PMatrix(quantizing: weight)
        XCTAssertEqual(lattice.codes, nearest.codes)
        XCTAssertEqual(lattice.scales, nearest.scales)
    }

    /// SmolLM2-135M's layer 0 o_proj (its first 128 rows, all 576 columns) after incoherence
    /// processing, with correlated anisotropic inputs: LDLQ lowers the weighted error there too.
    func testLowersTheHessianWeightedErrorOnARealLayer() throws {
        let model: URL
        do { model = try TestModels.folder(TestModels.smolLM2) } catch let error as TestModels.Unavailable { throw XCTSkip(error.description) }
        let checkpoint = try Checkpoint(path: model.path)
        let name = "model.layers.0.self_attn.o_proj.weight"
        let tensor = try XCTUnwrap(checkpoint.tensor(named: name))
        let (m, n) = (128, tensor.info.shape[1])
        let weight = try checkpoint.withBytes(of: tensor) { bytes in
            try Matrix(MatrixSource(base: bytes.baseAddress!, rows: m, columns: n, format: ScalarFormat(tensor.info.dtype)!))
        }
        let incoherence = Incoherence(seed: Incoherence.layerSeed(module: name), rows: m, columns: n)
        let turned = try incoherence.rotated(HessianOracle.whitening(of: HessianOracle.activations(channels: n, tokens: 2 * n, seed: 98)))
        let rotated = incoherence.rotated(weight)
        let ldlq = try HessianQuantizer(turned).quantizeE8P(rotated).dequantized()
        let nearest = E8PMatrix(quantizing: rotated).dequantized()
        let ratio = try E8PLDLQFixture.objective(rotated, ldlq, turned) / E8PLDLQFixture.objective(rotated, nearest, turned)
        print(String(format: "E8P LDLQ on %@ (128 rows): weighted error %.3f × nearest-codeword rounding's", name, ratio))
        XCTAssertLessThan(ratio, 0.8)
    }
}
