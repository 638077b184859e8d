import XCTest
import LinearAlgebra
import Planning
@testable import Compression

/// The GPTQ/LDLQ backbone quantizer against numpy's own GPTQ, and against round-to-nearest.
final class HessianQuantizerTests: XCTestCase {
    private typealias Fixtures = CompressionFixtures

    /// numpy's column-by-column GPTQ (GPTQ's literal H⁻¹ recipe, no lazy blocks) reaches the same
    /// codes, F16 scales and zero points. Shapes cover groups dividing the 128-column block (16),
    /// groups that force a block to end early (48: blocks 0–96, 96–192, …) and groups wider than a
    /// block that do not divide the width (160 of 300). Bound: the two sides differ by ~1e-15 in
    /// H⁻¹'s factor, which can flip a code only at a rounding tie, so at most 0.5% of codes may
    /// differ, each by one step; none do in these cases, and the output errors agree to 1e-9.
    func testMatchesNumpysGPTQWithTheSameGroupRule() throws {
        let shapes: [(name: String, rows: Int, columns: Int, bits: Int, group: Int, dampening: Double)] = [
            ("g16b3", 48, 64, 3, 16, 0.01), ("g48b4", 24, 200, 4, 48, 0.01),
            ("g160b2", 20, 300, 2, 160, 0.01), ("undamped", 48, 64, 3, 16, 0),
        ]
        var cases: [HessianOracle.QuantizerCase] = []
        var swiftErrors: [String: Double] = [:]
        for (index, shape) in shapes.enumerated() {
            let x = try HessianOracle.activations(channels: shape.columns, tokens: 3 * shape.columns, seed: 60 + UInt64(index))
            let whitening = try HessianOracle.whitening(of: x)
            let weight = try Fixtures.lowRankPlusNoise(rows: shape.rows, columns: shape.columns, rank: 6, noise: 0.2, seed: 70 + UInt64(index))
            let quantized = try HessianQuantizer(whitening, dampening: shape.dampening).quantize(weight, bits: shape.bits, groupSize: shape.group)
            swiftErrors[shape.name] = try DataAwareCompressor.outputError(weight, quantized.dequantized(), whitening)
            cases.append(.init(name: shape.name, weight: weight, secondMoment: try HessianOracle.secondMoment(of: x),
                               shift: whitening.shift, dampening: shape.dampening, quantized: quantized))
        }
        let numpy = try HessianOracle.quantize(cases)
        for shape in shapes {
            let result = try XCTUnwrap(numpy[shape.name])
            XCTAssertLessThanOrEqual(Double(result.codeMismatches), 0.005 * Double(shape.rows * shape.columns), shape.name)
            XCTAssertLessThanOrEqual(result.maxCodeStep, 1, shape.name)
            if result.codeMismatches == 0 {
                XCTAssertEqual(result.groupMismatches, 0, shape.name)
                XCTAssertLessThanOrEqual(result.maxDequantizedDifference, 1e-12, shape.name)
            }
            XCTAssertEqual(result.outputError, swiftErrors[shape.name]!, accuracy: 1e-9, shape.name)
            print("gptq-oracle \(shape.name): \(result.codeMismatches) codes differ, output error numpy \(result.outputError), swift \(swiftErrors[shape.name]!)")
        }
    }

    /// On correlated, anisotropic inputs LDLQ's output error is well below round-to-nearest's,
    /// while its weight error is larger (it trades weight error for output error).
    func testBeatsRoundToNearestOnTheOutputs() throws {
        let x = try HessianOracle.activations(channels: 96, tokens: 400, seed: 80)
        let whitening = try HessianOracle.whitening(of: x)
        let weight = Fixtures.gaussian(rows: 64, columns: 96, seed: 81)
        for bits in [2, 3, 4] {
            let ldlq = try HessianQuantizer(whitening).quantize(weight, bits: bits, groupSize: 32).dequantized()
            let rtn = try QuantizedMatrix(quantizing: weight, bits: bits, groupSize: 32).dequantized()
            let ldlqOutput = try DataAwareCompressor.outputError(weight, ldlq, whitening)
            let rtnOutput = try DataAwareCompressor.outputError(weight, rtn, whitening)
            XCTAssertLessThan(ldlqOutput, 0.9 * rtnOutput, "\(bits) bits")
            XCTAssertGreaterThan(ldlq.relativeDistance(to: weight), rtn.relativeDistance(to: weight), "\(bits) bits")
        }
    }

    /// With only mean squares H is diagonal: LDLQ is round-to-nearest, bit for bit.
    func testDiagonalWhiteningIsRoundToNearest() throws {
        let weight = Fixtures.gaussian(rows: 12, columns: 40, seed: 82)
        let whitening = try Whitening(LayerInputStatistics(module: Fixtures.module, secondMoment: nil,
                                                           meanSquare: (0..<40).map { pow(10, Double($0) / 10) }, tokens: 1))
        let quantizer = try HessianQuantizer(whitening)
        XCTAssertNil(quantizer.inverseFactor)
        let ldlq = try quantizer.quantize(weight, bits: 3, groupSize: 16)
        let rtn = try QuantizedMatrix(quantizing: weight, bits: 3, groupSize: 16)
        XCTAssertEqual(ldlq.packedCodes, rtn.packedCodes)
        XCTAssertEqual(ldlq.scales, rtn.scales)
        XCTAssertEqual(ldlq.zeros, rtn.zeros)
    }

    /// The inverse factor is upper triangular with Uᵀ·U = (H + δ·I)⁻¹.
    func testInverseFactorInvertsTheDampenedHessian() throws {
        let x = try HessianOracle.activations(channels: 20, tokens: 60, seed: 83)
        let whitening = try HessianOracle.whitening(of: x)
        let upper = try XCTUnwrap(try HessianQuantizer(whitening, dampening: 0.05).inverseFactor)
        var hessian = try HessianOracle.secondMoment(of: x)
        let delta = 0.05 * (0..<20).reduce(0.0) { $0 + hessian[$1, $1] } / 20
        for i in 0..<20 { hessian[i, i] += delta }
        let product = try upper.transposeMultiplied(by: upper).multiplied(by: hessian)
        XCTAssertLessThan(product.relativeDistance(to: Matrix.identity(order: 20)), 1e-12)
        for i in 0..<20 { for j in 0..<i { XCTAssertEqual(upper[i, j], 0) } }
    }

    /// Blocks are at most 128 columns and never end inside a group that started within them.
    func testBlocksNeverSplitAGroupStartedInside() {
        for (columns, group) in [(300, 16), (300, 48), (300, 160), (1000, 96), (64, 200)] {
            var start = 0
            while start < columns {
                let end = HessianQuantizer.blockEnd(start: start, columns: columns, groupSize: group)
                XCTAssertGreaterThan(end, start)
                XCTAssertLessThanOrEqual(end - start, HessianQuantizer.blockWidth)
                for groupStart in stride(from: 0, to: columns, by: group) where groupStart > start && groupStart < end {
                    XCTAssertLessThanOrEqual(min(groupStart + group, columns), end, "\(columns)/\(group) block \(start)..<\(end)")
                }
                start = end
            }
        }
    }
}
