import XCTest
import LinearAlgebra
import Planning
@testable import Compression

/// Incoherence processing: the randomized Hadamard transforms are orthogonal and exactly inverted,
/// the Hessian turns with the weight, and CALDERA through them decodes to the reported error.
final class IncoherenceTests: XCTestCase {
    /// The dense matrix of `transform` (column j = T·e_j).
    private func dense(_ transform: RandomizedHadamard) -> Matrix {
        var result = Matrix(rows: transform.size, columns: transform.size)
        for j in 0..<transform.size {
            var unit = [Double](repeating: 0, count: transform.size)
            unit[j] = 1
            transform.apply(&unit)
            for i in 0..<transform.size { result[i, j] = unit[i] }
        }
        return result
    }

    func testTransformsOfPowerOfTwoAndOddPartsAreOrthogonalAndExactlyInverted() throws {
        for size in [1, 2, 3, 8, 12, 24, 40, 9, 64, 576 / 8] {
            var generator = SplitMix64(seed: UInt64(size))
            let transform = RandomizedHadamard(signs: RandomizedHadamard.signs(count: size, generator: &generator))
            XCTAssertEqual(transform.powerOfTwo * transform.oddPart, size)
            XCTAssertEqual(transform.oddPart % 2, 1)
            let matrix = dense(transform)
            let gram = try matrix.multiplied(byTransposeOf: matrix)
            XCTAssertLessThan(gram.relativeDistance(to: .identity(order: size)), 1e-13, "T·Tᵀ = I at \(size)")
            // Incoherent: no entry larger than √2/√n (Hadamard ±1, Hartley |cas| ≤ √2).
            XCTAssertLessThanOrEqual(matrix.elements.map(abs).max()!, (2.0 / Double(size)).squareRoot() + 1e-12)
            var x = CompressionFixtures.gaussian(rows: 1, columns: size, seed: 5).elements
            let original = x
            transform.apply(&x)
            transform.invert(&x)
            for i in 0..<size { XCTAssertEqual(x[i], original[i], accuracy: 1e-13) }
        }
    }

    /// The runtime's single-precision batch form is the same transform: on a batch of vectors it
    /// agrees with the double form vector by vector to Float rounding, and inverts itself.
    func testTheFloatBatchTransformIsTheDoubleOne() {
        for size in [8, 24, 40, 576, 1536] {
            var generator = SplitMix64(seed: UInt64(size) + 1)
            let transform = RandomizedHadamard(signs: RandomizedHadamard.signs(count: size, generator: &generator))
            let batch = 3
            let x = CompressionFixtures.gaussian(rows: batch, columns: size, seed: 9).elements
            var expected = x, single = x.map(Float.init)
            for vector in 0..<batch { transform.apply(&expected, offset: vector * size) }
            single.withUnsafeMutableBufferPointer { transform.apply($0.baseAddress!, count: batch) }
            let norm = expected.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let difference = zip(single, expected).reduce(0) { $0 + pow(Double($1.0) - $1.1, 2) }.squareRoot()
            XCTAssertLessThan(difference / norm, 1e-6, "size \(size)")
            single.withUnsafeMutableBufferPointer { transform.invert($0.baseAddress!, count: batch) }
            for i in 0..<(batch * size) { XCTAssertEqual(Double(single[i]), x[i], accuracy: 1e-5) }
        }
    }

    func testTheSignStreamIsSplitMix64() {
        // Reference values of SplitMix64 from seed 0 (Vigna's splitmix64.c).
        var generator = SplitMix64(seed: 0)
        XCTAssertEqual(generator.next(), 0xE220_A839_7B1D_CDAF)
        XCTAssertEqual(generator.next(), 0x6E78_9E6A_A1B9_65F4)
        XCTAssertLessThan(Incoherence.layerSeed(module: "model.layers.0.mlp.up_proj"), 1 << 53)
        XCTAssertNotEqual(Incoherence.layerSeed(module: "model.layers.0.mlp.up_proj"), Incoherence.layerSeed(module: "model.layers.1.mlp.up_proj"))
    }

    func testWeightAndHessianTurnTogether() throws {
        let weight = CompressionFixtures.gaussian(rows: 24, columns: 40, seed: 3)
        let incoherence = Incoherence(seed: 11, rows: 24, columns: 40)
        let rotated = incoherence.rotated(weight)
        XCTAssertLessThan(incoherence.unrotated(rotated).relativeDistance(to: weight), 1e-14)
        XCTAssertEqual(rotated.frobeniusNorm, weight.frobeniusNorm, accuracy: 1e-12 * weight.frobeniusNorm)
        let inputs = try HessianOracle.activations(channels: 40, tokens: 200, seed: 4)
        let whitening = try HessianOracle.whitening(of: inputs)
        // ‖W·S‖ = ‖(U·W·Vᵀ)·S'‖ and, for any Δ, ‖Δ·S‖ = ‖(U·Δ·Vᵀ)·S'‖: output errors are the same.
        let turned = try incoherence.rotated(whitening)
        let delta = CompressionFixtures.gaussian(rows: 24, columns: 40, seed: 8)
        let before = try whitening.whiten(delta).frobeniusNorm
        let after = try turned.whiten(incoherence.rotated(delta)).frobeniusNorm
        XCTAssertEqual(after, before, accuracy: 1e-9 * before)
        let diagonal = Whitening.diagonal(scales: (0..<40).map { 1 + Double($0) / 10 }, shift: 0)
        let fromDiagonal = try incoherence.rotated(diagonal)
        XCTAssertEqual(try fromDiagonal.whiten(incoherence.rotated(delta)).frobeniusNorm,
                       try diagonal.whiten(delta).frobeniusNorm, accuracy: 1e-9 * before)
    }

    func testCalderaThroughTheTransformsHelpsAWeightWithOutliers() throws {
        // A weight with a few large entries (outlier channels): plain 2-bit groups are dominated by
        // them; after the transforms they are spread out.
        var weight = CompressionFixtures.gaussian(rows: 48, columns: 96, seed: 21)
        for (i, j) in [(3, 5), (17, 40), (30, 77), (44, 12)] { weight[i, j] = 40 }
        let choice = LayerChoice.lowRank(rank: 4, factorBits: 4, groupSize: 32, backboneBits: 2)
        let plain = try MatrixCompressor.compress(weight: weight, name: "m.weight", choice: choice,
                                                  options: CompressionOptions(calderaIterations: 2))
        let turned = try MatrixCompressor.compress(weight: weight, name: "m.weight", choice: choice,
                                                   options: CompressionOptions(calderaIterations: 2, incoherenceSeed: 9))
        XCTAssertEqual(turned.byteCount, plain.byteCount, "the seed costs no tensor bytes")
        XCTAssertLessThan(turned.measuredRelativeError, plain.measuredRelativeError)
        print("incoherence on outliers: plain \(plain.measuredRelativeError), turned \(turned.measuredRelativeError)")
    }

    func testDataAwareCalderaThroughTheTransformsMeasuresTheOriginalOutputError() throws {
        let weight = CompressionFixtures.gaussian(rows: 24, columns: 40, seed: 31)
        let inputs = try HessianOracle.activations(channels: 40, tokens: 200, seed: 32)
        let whitening = try HessianOracle.whitening(of: inputs)
        let choice = LayerChoice.lowRank(rank: 4, factorBits: 4, groupSize: 8, backboneBits: 2)
        let options = CompressionOptions(calderaIterations: 2, incoherenceSeed: Incoherence.layerSeed(module: "m"))
        let result = try DataAwareCompressor.compress(weight: weight, name: "m.weight", choice: choice, whitening: whitening, options: options)
        // Decode the written tensors as a reader does and measure against the unrotated weight.
        let decoded = try LayerDecoder(source: OutputTensorSource(result.compressed.tensors, label: "test"), module: "m",
                                       floatType: .BF16, incoherenceSeed: options.incoherenceSeed)
            .weight(StoredLayout(choice: choice, rows: 24, columns: 40, materializeDense: false))
        let reconstruction = try decoded.reconstruction()
        XCTAssertEqual(reconstruction.relativeDistance(to: weight), result.compressed.measuredRelativeError,
                       accuracy: 1e-6 * result.compressed.measuredRelativeError)
        let outputError = try DataAwareCompressor.outputError(weight, reconstruction, whitening)
        XCTAssertEqual(outputError, result.measuredOutputError, accuracy: 1e-5 * result.measuredOutputError,
                       "the output error measured in the rotated frame is the original one")
    }
}
