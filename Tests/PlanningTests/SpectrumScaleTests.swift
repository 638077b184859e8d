import Foundation
import Planning
import XCTest

/// Issue 21, class 7: figures of singular values near 1e200 are scaled before squaring (the norm,
/// stable rank and energy ranks match those of the same spectrum at 1), and a spectrum whose
/// squared errors overflow says so instead of planning with infinities.
final class SpectrumScaleTests: XCTestCase {
    func testHugeSingularValuesGiveTheFiguresOfTheScaledSpectrum() {
        let unit = (0..<40).map { 3 * pow(0.85, Double($0)) }
        let reference = SpectrumSummary(singularValues: unit, rows: 40, columns: 60)
        for scale in [1e200, 1e-200, 1e300] {
            let summary = SpectrumSummary(singularValues: unit.map { $0 * scale }, rows: 40, columns: 60)
            XCTAssertEqual(summary.frobeniusNorm / scale, reference.frobeniusNorm, accuracy: 1e-12 * reference.frobeniusNorm, "\(scale)")
            XCTAssertEqual(summary.stableRank, reference.stableRank, accuracy: 1e-12, "\(scale)")
            XCTAssertEqual([summary.energyRank90, summary.energyRank99, summary.energyRank999],
                           [reference.energyRank90, reference.energyRank99, reference.energyRank999], "\(scale)")
            XCTAssertGreaterThan(summary.energyRank90, 1)
        }
        XCTAssertNil(Spectrum(tensorName: "w", rows: 40, columns: 60, singularValues: unit.map { $0 * 1e100 }).unusableEnergyReason)
        let huge = Spectrum(tensorName: "w", rows: 40, columns: 60, singularValues: unit.map { $0 * 1e200 })
        XCTAssertEqual(huge.rank(keepingEnergy: 0.9), reference.energyRank90)
        XCTAssertNotNil(huge.unusableEnergyReason)
        XCTAssertNotNil(Spectrum(tensorName: "w", rows: 2, columns: 2, singularValues: [.nan, 1]).unusableEnergyReason)
    }
}
