import Foundation
import Planning
import XCTest

final class SpectrumSummaryTests: XCTestCase {
    func testFiguresFromKnownSingularValues() {
        // σ = 4, 2, 1, 0: energies 16, 4, 1, 0 (total 21).
        let summary = SpectrumSummary(singularValues: [4, 2, 1, 0], rows: 4, columns: 6)
        XCTAssertEqual(summary.frobeniusNorm, 21.0.squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(summary.spectralNorm, 4)
        XCTAssertEqual(summary.stableRank, 21.0 / 16.0, accuracy: 1e-15)
        // p = 4/7, 2/7, 1/7: entropy by hand.
        let p = [4.0 / 7, 2.0 / 7, 1.0 / 7]
        let entropy = -p.map { $0 * log($0) }.reduce(0, +)
        XCTAssertEqual(summary.effectiveRank, exp(entropy), accuracy: 1e-12)
        // 16/21 = 0.762 < 0.9; 20/21 = 0.952 ≥ 0.9 and < 0.99; 21/21 reaches 99 and 99.9.
        XCTAssertEqual(summary.energyRank90, 2)
        XCTAssertEqual(summary.energyRank99, 3)
        XCTAssertEqual(summary.energyRank999, 3)
        // 4·6/(4+6) = 2.4 → ranks below 3 save parameters: 2·10 = 20 < 24, 3·10 = 30 > 24.
        XCTAssertEqual(summary.breakEvenRank, 3)
        XCTAssertEqual(summary.fullRank, 4)
    }

    func testBreakEvenRankBoundary() {
        for (rows, columns) in [(4, 4), (4096, 11008), (1, 1), (1, 100_000), (5120, 5120), (3, 7)] {
            let threshold = SpectrumSummary.breakEvenRank(rows: rows, columns: columns)
            XCTAssertLessThan((threshold - 1) * (rows + columns), rows * columns, "rank below the threshold saves (\(rows)×\(columns))")
            XCTAssertGreaterThanOrEqual(threshold * (rows + columns), rows * columns, "the threshold itself does not save (\(rows)×\(columns))")
        }
    }

    func testZeroMatrix() {
        let summary = SpectrumSummary(singularValues: [0, 0, 0], rows: 3, columns: 3)
        XCTAssertEqual(summary.frobeniusNorm, 0)
        XCTAssertEqual(summary.stableRank, 0)
        XCTAssertEqual(summary.effectiveRank, 0)
        XCTAssertEqual(summary.energyRank99, 0)
        XCTAssertEqual(Spectrum(tensorName: "z", rows: 3, columns: 3, singularValues: [0, 0, 0]).truncationError(rank: 1), 0)
    }

    func testTruncationErrorKeepsSmallTailsPrecise() {
        // A tail far below the head: subtracting cumulative sums would lose it entirely.
        let spectrum = Spectrum(tensorName: "w", rows: 3, columns: 3, singularValues: [1e8, 1, 1e-3])
        let expected = ((1.0 + 1e-6) / (1e16 + 1 + 1e-6)).squareRoot()
        XCTAssertEqual(spectrum.truncationError(rank: 1), expected, accuracy: expected * 1e-14)
        XCTAssertEqual(spectrum.truncationError(rank: 0), 1)
        XCTAssertEqual(spectrum.truncationError(rank: 3), 0)
        XCTAssertEqual(spectrum.truncationError(rank: 99), 0)
        XCTAssertEqual(spectrum.rank(keepingEnergy: 0.5), 1)
    }
}
