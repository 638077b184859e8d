import Foundation
import LinearAlgebra
import Planning
import XCTest

/// Data-aware truncation against plain SVD on synthetic anisotropic activations: channel scales
/// spanning four orders of magnitude, mixed so the channels correlate.
final class ActivationStatisticsEvidenceTests: XCTestCase {
    private let rows = 10, channels = 14, tokens = 300

    /// X = diag(scales)·(I + 0.8·M)·G: unequal, correlated channels (n × tokens).
    private func anisotropicActivations() throws -> Matrix {
        var generator = SeededGenerator(seed: 41)
        var mixing = Matrix.gaussian(rows: channels, columns: channels, using: &generator)
        for i in 0..<channels { for j in 0..<channels { mixing[i, j] = (i == j ? 1 : 0) + 0.8 * mixing[i, j] } }
        for i in 0..<channels {
            let scale = pow(10, -2 + 4 * Double(i) / Double(channels - 1))
            for j in 0..<channels { mixing[i, j] *= scale }
        }
        return try mixing.multiplied(by: Matrix.gaussian(rows: channels, columns: tokens, using: &generator))
    }

    /// ‖(W − Ŵ)·X‖_F / ‖W·X‖_F.
    private func outputError(_ weight: Matrix, _ approximation: Matrix, _ activations: Matrix) throws -> Double {
        try (weight - approximation).multiplied(by: activations).frobeniusNorm / weight.multiplied(by: activations).frobeniusNorm
    }

    /// Plain rank-k truncation U_k·Σ_k·V_kᵀ of W.
    private func plainTruncation(_ weight: Matrix, rank: Int) throws -> Matrix {
        let svd = try LAPACK.singularValueDecomposition(weight, vectors: true)
        let u = try XCTUnwrap(svd.u), vt = try XCTUnwrap(svd.vt)
        var result = Matrix(rows: weight.rows, columns: weight.columns)
        for i in 0..<weight.rows {
            for j in 0..<weight.columns {
                result[i, j] = (0..<rank).reduce(0.0) { $0 + u[i, $1] * svd.s[$1] * vt[$1, j] }
            }
        }
        return result
    }

    func testDataAwareTruncationBeatsPlainSVDAtEveryRankAndMatchesItsSpectrum() throws {
        var generator = SeededGenerator(seed: 5)
        let weight = Matrix.gaussian(rows: rows, columns: channels, using: &generator)
        let activations = try anisotropicActivations()
        let sum = try activations.multiplied(byTransposeOf: activations)
        let secondMoment = try Matrix(rows: channels, columns: channels, elements: sum.elements.map { $0 / Double(tokens) })
        let whitening = try Whitening(LayerInputStatistics(module: "layer", secondMoment: secondMoment, meanSquare: nil, tokens: tokens))
        XCTAssertEqual(whitening.shift, 0, "a full-rank second moment needs no regularisation")
        let spectrum = Spectrum(tensorName: "layer.weight", rows: rows, columns: channels,
                                singularValues: try whitening.whitenedSingularValues(of: weight))
        for rank in 1..<rows {
            let factors = try whitening.truncatedFactors(of: weight, rank: rank)
            XCTAssertEqual(factors.a.columns, rank)
            XCTAssertEqual(factors.b.rows, rank)
            let dataAware = try outputError(weight, factors.a.multiplied(by: factors.b), activations)
            let plain = try outputError(weight, plainTruncation(weight, rank: rank), activations)
            XCTAssertLessThan(dataAware, plain, "rank \(rank)")
            XCTAssertEqual(dataAware, spectrum.truncationError(rank: rank), accuracy: 1e-8 * dataAware, "rank \(rank)")
        }
        let full = try whitening.truncatedFactors(of: weight, rank: rows)
        XCTAssertLessThan(try full.a.multiplied(by: full.b).relativeDistance(to: weight), 1e-10, "W = A·B at full rank")
    }

    func testDiagonalScalingWeighsLoudChannels() throws {
        // W = I with channel 0 100× louder (RMS) than channel 1: plain SVD has a tie at rank 1,
        // the data-aware truncation keeps channel 0 and drops channel 1.
        let weight = try Matrix(rows: 2, columns: 2, elements: [1, 0, 0, 1])
        let whitening = try Whitening(LayerInputStatistics(module: "layer", secondMoment: nil, meanSquare: [1e4, 1], tokens: 1))
        let factors = try whitening.truncatedFactors(of: weight, rank: 1)
        let approximation = try factors.a.multiplied(by: factors.b)
        XCTAssertEqual(approximation[0, 0], 1, accuracy: 1e-12)
        XCTAssertEqual(approximation[1, 1], 0, accuracy: 1e-12)
        let spectrum = Spectrum(tensorName: "w", rows: 2, columns: 2, singularValues: try whitening.whitenedSingularValues(of: weight))
        // Output error at rank 1: √(1 / (1e4 + 1)), by hand.
        XCTAssertEqual(spectrum.truncationError(rank: 1), (1 / 10001.0).squareRoot(), accuracy: 1e-12)
    }
}
