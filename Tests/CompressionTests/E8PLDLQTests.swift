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
    /// LDLQ's objective `tr(E·H_d·Eᵀ) = ‖E·S‖² + δ·‖E‖²`, `H_d = S·Sᵀ + δ·I`, δ = 10% of mean(diag S·Sᵀ).
    static func objective(_ weight: Matrix, _ approximation: Matrix, _ whitening: Whitening) throws -> Double {
        let error = weight - approximation
        let whitened = try whitening.whiten(error)
        let factor = try whitening.whiten(Matrix.identity(order: weight.columns))  // S
        let delta = HessianQuantizer.defaultDampening * factor.elements.reduce(0) { $0 + $1 * $1 } / Double(weight.columns)
        return whitened.elements.reduce(0) { $0 + $1 * $1 } + delta * error.elements.reduce(0) { $0 + $1 * $1 }
    }

    /// Walks the blocks of 8 columns as block LDLQ fed them, from the final error E = W − Ŵ and U
    /// (`H_d⁻¹ = Uᵀ·U`): `R_b = E_b − Σ_{i<b} Z_i·U_ib`, `Z_b·U_bb = R_b`. Calls `visit` with each row's
    /// `R_b` (its fed-back target minus its reconstruction) and the block's first column, and returns
    /// `Σ_b ‖Z_b‖²`, which the block LDL identity makes `tr(E·H_d·Eᵀ)`.
    static func feedBack(error: Matrix, upper: Matrix, _ visit: (_ row: Int, _ block: Int, _ residual: [Double]) -> Void) -> Double {
        let (m, n, d) = (error.rows, error.columns, E8PCodebook.dimension)
        var z = Matrix(rows: m, columns: n)
        var energy = 0.0
        for b in stride(from: 0, to: n, by: d) {
            for row in 0..<m {
                var residual = [Double](repeating: 0, count: d)
                for i in 0..<d {
                    var value = error[row, b + i]
                    for k in 0..<b { value -= z[row, k] * upper[k, b + i] }
                    residual[i] = value
                }
                for i in 0..<d {
                    var value = residual[i]
                    for p in 0..<i { value -= z[row, b + p] * upper[b + p, b + i] }
                    z[row, b + i] = value / upper[b + i, b + i]
                    energy += z[row, b + i] * z[row, b + i]
                }
                visit(row, b, residual)
            }
        }
        return energy
    }

    func testLowersTheHessianWeightedErrorOnCorrelatedInputs() throws {
        for (index, shape) in [(rows: 48, columns: 64), (rows: 20, columns: 272)].enumerated() {
            let seed = 90 + UInt64(index)
            let x = try HessianOracle.activations(channels: shape.columns, tokens: 3 * shape.columns, seed: seed)
            let whitening = try HessianOracle.whitening(of: x)
            // As CALDERA sees it: incoherence-processed weight and inputs.
            let incoherence = Incoherence(seed: seed, rows: shape.rows, columns: shape.columns)
            let weight = incoherence.rotated(CompressionFixtures.gaussian(rows: shape.rows, columns: shape.columns, seed: seed + 10))
            let turned = try incoherence.rotated(whitening)
            let ldlq = try HessianQuantizer(turned).quantizeE8P(weight).dequantized()
            let nearest = E8PMatrix(quantizing: weight).dequantized()
            let ratio = try Self.objective(weight, ldlq, turned) / Self.objective(weight, nearest, turned)
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
        let x = try HessianOracle.activations(channels: n, tokens: 3 * n, seed: 95)
        let whitening = try HessianOracle.whitening(of: x)
        let quantizer = try HessianQuantizer(whitening)
        let upper = try XCTUnwrap(quantizer.inverseFactor)
        let weight = try CompressionFixtures.lowRankPlusNoise(rows: m, columns: n, rank: 4, noise: 0.3, seed: 96)
        let lattice = try quantizer.quantizeE8P(weight)
        let approximation = lattice.dequantized()
        var mismatches = 0
        let energy = Self.feedBack(error: weight - approximation, upper: upper) { row, b, residual in
            let scale = Double(HalfPrecision.float(fromF16: lattice.scales[row]))
            let target = (0..<d).map { (approximation[row, b + $0] + residual[$0]) / scale }
            if E8PCodebook.nearest(target[...]).code != lattice.codes[row * n / d + b / d] { mismatches += 1 }
        }
        XCTAssertLessThanOrEqual(mismatches, m * n / d / 200, "codes that are not the nearest to their fed-back target")
        XCTAssertEqual(energy, try Self.objective(weight, approximation, whitening), accuracy: 1e-9 * energy)
    }

    /// Mean squares only: no correlations to feed an error into, so LDLQ is nearest-codeword rounding.
    func testDiagonalStatisticsAreNearestCodewordRounding() throws {
        let weight = CompressionFixtures.gaussian(rows: 10, columns: 48, seed: 97)
        let whitening = try Whitening(LayerInputStatistics(module: CompressionFixtures.module, secondMoment: nil,
                                                           meanSquare: (0..<48).map { pow(10, Double($0) / 16) }, tokens: 1))
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
        let ratio = try Self.objective(rotated, ldlq, turned) / Self.objective(rotated, nearest, turned)
        print(String(format: "E8P LDLQ on %@ (128 rows): weighted error %.3f × nearest-codeword rounding's", name, ratio))
        XCTAssertLessThan(ratio, 0.8)
    }
}
