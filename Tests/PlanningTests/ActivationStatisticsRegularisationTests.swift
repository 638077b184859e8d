import LinearAlgebra
import Planning
import XCTest

/// The shift that makes a singular second moment factorable.
final class ActivationStatisticsRegularisationTests: XCTestCase {
    /// A rank-2 second moment of 5 channels (two tokens): dpotrf fails, so the shift is
    /// λ = 1e-6·trace/n·2ʲ for the first j that works, and L·Lᵀ = C + λ·I.
    func testSingularSecondMomentIsShiftedByDoublingFromTheTraceScale() throws {
        var generator = SeededGenerator(seed: 3)
        let activations = Matrix.gaussian(rows: 5, columns: 2, using: &generator)
        let moment = try activations.multiplied(byTransposeOf: activations)
        XCTAssertThrowsError(try LAPACK.cholesky(moment), "the fixture must be singular")
        let factored = try RegularisedCholesky(moment)
        let trace = (0..<5).reduce(0.0) { $0 + moment[$1, $1] }
        let base = 1e-6 * trace / 5
        let doublings = log2(factored.shift / base)
        XCTAssertGreaterThan(factored.shift, 0)
        XCTAssertEqual(doublings, doublings.rounded(), accuracy: 1e-9, "λ is the base scale times a power of two")
        XCTAssertGreaterThanOrEqual(doublings.rounded(), 0)
        if doublings.rounded() > 0 {
            var smaller = moment
            for i in 0..<5 { smaller[i, i] += factored.shift / 2 }
            XCTAssertThrowsError(try LAPACK.cholesky(smaller), "half the shift must not have been enough")
        }
        var shifted = moment
        for i in 0..<5 { shifted[i, i] += factored.shift }
        let product = try factored.factor.multiplied(byTransposeOf: factored.factor)
        XCTAssertLessThan(product.relativeDistance(to: shifted), 1e-12)
    }

    func testPositiveDefiniteMomentIsNotShifted() throws {
        let moment = try Matrix(rows: 2, columns: 2, elements: [4, 2, 2, 3])
        let factored = try RegularisedCholesky(moment)
        XCTAssertEqual(factored.shift, 0)
        // L = [[2, 0], [1, √2]] by hand.
        XCTAssertEqual(factored.factor.elements, [2, 0, 1, 2.0.squareRoot()])
    }

    func testAllZeroMomentIsRefused() {
        XCTAssertThrowsError(try RegularisedCholesky(Matrix(rows: 3, columns: 3)))
    }

    func testSilentChannelShiftsTheDiagonalScaling() throws {
        let whitening = try Whitening(LayerInputStatistics(module: "m", secondMoment: nil, meanSquare: [4, 0, 2], tokens: 7))
        let lambda = 1e-6 * 6 / 3
        XCTAssertEqual(whitening.shift, lambda)
        guard case .diagonal(let scales, _) = whitening else { return XCTFail("expected diagonal scaling") }
        XCTAssertEqual(scales, [(4 + lambda).squareRoot(), lambda.squareRoot(), (2 + lambda).squareRoot()])
    }
}
