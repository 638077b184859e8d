import Foundation
import XCTest
import LinearAlgebra
import Planning
@testable import Compression

/// What the E8P tests of block LDLQ share (``E8PLDLQTests``, and ``E8PBackboneTests`` for the
/// backbone with its residual stage): LDLQ's objective, the blocks' fed-back targets re-derived
/// from the block LDL identity (not from the quantizer's lazy updates) and the check built on them,
/// and the two input fixtures, correlated activations and mean squares only.
enum E8PLDLQFixture {
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

    /// A Hessian problem on correlated activations of `columns` channels (3 tokens a channel,
    /// ``HessianOracle/activations(channels:tokens:seed:)``): the whitening (turned as CALDERA sees
    /// it when `incoherence` is given), its quantizer and U (`H_d⁻¹ = Uᵀ·U`).
    static func correlated(columns: Int, seed: UInt64, incoherence: Incoherence? = nil) throws
        -> (whitening: Whitening, quantizer: HessianQuantizer, upper: Matrix) {
        let plain = try HessianOracle.whitening(of: HessianOracle.activations(channels: columns, tokens: 3 * columns, seed: seed))
        let whitening = try incoherence.map { try $0.rotated(plain) } ?? plain
        let quantizer = try HessianQuantizer(whitening)
        return (whitening, quantizer, try XCTUnwrap(quantizer.inverseFactor))
    }

    /// A Gaussian 10×48 weight and mean squares only (10^(j/16) on channel j, no correlations):
    /// H is diagonal, so LDLQ has no error to feed forward and is plain rounding.
    static func meanSquaresOnly(seed: UInt64) throws -> (weight: Matrix, whitening: Whitening) {
        let whitening = try Whitening(LayerInputStatistics(module: CompressionFixtures.module, secondMoment: nil,
                                                           meanSquare: (0..<48).map { pow(10, Double($0) / 16) }, tokens: 1))
        return (CompressionFixtures.gaussian(rows: 10, columns: 48, seed: seed), whitening)
    }

    /// Walks `approximation`'s blocks with ``feedBack(error:upper:_:)`` and asserts that at most
    /// `allowed` of them are not what rounding their fed-back target gives (`isRounding(row,
    /// block, residual)` says whether one is) and that `Σ_b ‖Z_b‖²` is LDLQ's objective.
    static func assertBlocksRoundTheirFedBackTargets(_ weight: Matrix, _ approximation: Matrix, whitening: Whitening, upper: Matrix,
                                                     allowed: Int, _ message: String,
                                                     file: StaticString = #filePath, line: UInt = #line,
                                                     isRounding: (_ row: Int, _ block: Int, _ residual: [Double]) -> Bool) throws {
        var mismatches = 0
        let energy = feedBack(error: weight - approximation, upper: upper) { row, b, residual in
            if !isRounding(row, b, residual) { mismatches += 1 }
        }
        XCTAssertLessThanOrEqual(mismatches, allowed, message, file: file, line: line)
        XCTAssertEqual(energy, try objective(weight, approximation, whitening), accuracy: 1e-9 * energy, file: file, line: line)
    }
}
