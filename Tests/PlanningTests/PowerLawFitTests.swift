import Foundation
import LinearAlgebra
@testable import Planning
import XCTest

/// The pruned x_min search of ``PowerLawFit`` against the exhaustive one WeightWatcher runs.
final class PowerLawFitTests: XCTestCase {
    func testPrunedSearchEqualsExhaustiveSearch() {
        var generator = SeededGenerator(seed: 18)
        var spectra: [[Double]] = []
        for size in [20, 21, 64, 300, 1000, 4000] {
            // Power laws with a plateau (the 70B bench's shape), Pareto samples, uniform bulks
            // with a few spikes, and exact duplicates.
            for exponent in [0.3, 0.6, 0.9] {
                spectra.append((1...size).map { pow(Double($0), -exponent) + 0.01 }.map { $0 * $0 })
            }
            spectra.append((0..<size).map { _ in pow(Double.random(in: 1e-9..<1, using: &generator), -1 / 1.7) })
            spectra.append((0..<size).map { index in index < 5 ? 50 + Double(index) : Double.random(in: 0.5..<2, using: &generator) })
            spectra.append((0..<size).map { Double($0 % 7 + 1) })
        }
        for (number, values) in spectra.enumerated() {
            let ascending = values.sorted()
            let pruned = PowerLawFit.fit(ascendingEigenvalues: ascending)
            let exhaustive = PowerLawFit.exhaustiveFit(ascendingEigenvalues: ascending)
            XCTAssertNotNil(pruned)
            XCTAssertEqual(pruned, exhaustive, "spectrum \(number) (\(values.count) values)")
        }
    }

    func testFailsBelowTwoEigenvaluesAboveTheThreshold() {
        XCTAssertNil(PowerLawFit.fit(ascendingEigenvalues: []))
        XCTAssertNil(PowerLawFit.fit(ascendingEigenvalues: [0, 1e-6, 3]))
        XCTAssertNotNil(PowerLawFit.fit(ascendingEigenvalues: [2, 3]))
    }
}
