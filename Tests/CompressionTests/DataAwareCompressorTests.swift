import XCTest
import LinearAlgebra
import Planning
@testable import Compression

/// Data-aware factors as written: decoded from their F32 tensors, their output error on the real
/// activations X equals the whitened spectrum's √(tail/total) and beats plain truncation.
final class DataAwareCompressorTests: XCTestCase {
    private typealias Fixtures = CompressionFixtures

    /// A row-major F32 tensor as a double matrix.
    private func decode(_ tensor: OutputTensor) throws -> Matrix {
        let values = tensor.bytes.withUnsafeBytes { raw in
            (0..<(raw.count / 4)).map { Double(raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self)) }
        }
        return try Matrix(rows: tensor.shape[0], columns: tensor.shape[1], elements: values)
    }

    /// ‖(W − Ŵ)·X‖/‖W·X‖.
    private func outputError(_ weight: Matrix, _ approximation: Matrix, _ x: Matrix) throws -> Double {
        try approximation.multiplied(by: x).relativeDistance(to: weight.multiplied(by: x))
    }

    func testFactorsAsWrittenGiveTheWhitenedOptimum() throws {
        let weight = Fixtures.gaussian(rows: 24, columns: 16, seed: 3)
        // Channels scaled over three orders of magnitude and mixed: X = diag(d)·M·G.
        var mixing = Fixtures.gaussian(rows: 16, columns: 16, seed: 4)
        for i in 0..<16 { for j in 0..<16 { mixing[i, j] = (i == j ? 1 : 0) + 0.5 * mixing[i, j] } }
        for i in 0..<16 { for j in 0..<16 { mixing[i, j] *= pow(10, Double(i) / 5 - 1.5) } }
        let x = try mixing.multiplied(by: Fixtures.gaussian(rows: 16, columns: 200, seed: 5))
        let sum = try x.multiplied(byTransposeOf: x)
        let moment = try Matrix(rows: 16, columns: 16, elements: sum.elements.map { $0 / 200 })
        let whitening = try Whitening(LayerInputStatistics(module: Fixtures.module, secondMoment: moment, meanSquare: nil, tokens: 200))
        let spectrum = Spectrum(tensorName: Fixtures.name, rows: 24, columns: 16, singularValues: try whitening.whitenedSingularValues(of: weight))
        let options = CompressionOptions(factorType: .F32)
        for rank in [2, 6, 12] {
            let result = try DataAwareCompressor.compress(weight: weight, name: Fixtures.name, choice: .lowRank(rank: rank),
                                                          whitening: whitening, options: options)
            let tensors = result.compressed.tensors
            XCTAssertEqual(tensors.map(\.name), [Fixtures.module + ".0.weight", Fixtures.module + ".1.weight"])
            let product = try decode(tensors[1]).multiplied(by: decode(tensors[0]))
            let measured = try outputError(weight, product, x)
            let optimum = spectrum.truncationError(rank: rank)
            XCTAssertEqual(measured, optimum, accuracy: 1e-5 * optimum, "rank \(rank): F32 factors reach the optimum")
            XCTAssertEqual(result.measuredOutputError, measured, accuracy: 1e-9, "rank \(rank)")
            XCTAssertEqual(try XCTUnwrap(result.compressed.estimatedRelativeError), optimum, accuracy: 1e-6 + 1e-3 * optimum)
            let plain = try Fixtures.compress(weight, .lowRank(rank: rank))
            let plainProduct = try decode(plain.tensors[1]).multiplied(by: decode(plain.tensors[0]))
            XCTAssertLessThan(measured, try outputError(weight, plainProduct, x), "rank \(rank)")
            XCTAssertGreaterThan(result.compressed.measuredRelativeError, plain.measuredRelativeError, "plain SVD is best for the weight error")
        }
    }

    func testDenseChoicesAreRefused() throws {
        let whitening = try Whitening(LayerInputStatistics(module: "m", secondMoment: nil, meanSquare: [1, 2], tokens: 1))
        let weight = Fixtures.gaussian(rows: 2, columns: 2, seed: 1)
        XCTAssertThrowsError(try DataAwareCompressor.compress(weight: weight, name: Fixtures.name, choice: .dense(bits: 8, groupSize: 2),
                                                              whitening: whitening, options: CompressionOptions()))
    }
}
