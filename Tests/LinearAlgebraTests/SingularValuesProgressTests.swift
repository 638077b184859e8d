import LinearAlgebra
import XCTest

final class SingularValuesProgressTests: XCTestCase {
    /// Progress is reported once per panel plus once at the end, increases, and finishes at 1.
    func testProgressIsMonotoneAndFinishes() throws {
        var generator = SeededGenerator(seed: 12)
        for (m, n) in [(20, 300), (300, 20)] {
            let bytes = TestMatrices.bytes(of: Matrix.gaussian(rows: m, columns: n, using: &generator), format: .bf16)
            var reports: [Double] = []
            _ = try TestMatrices.withSource(bytes, rows: m, columns: n, format: .bf16) { source in
                try SingularValues.compute(source, panelWidth: 32, progress: { reports.append($0) })
            }
            XCTAssertEqual(reports.count, (300 + 31) / 32 + 1, "\(m)×\(n)")
            XCTAssertEqual(reports, reports.sorted(), "\(m)×\(n)")
            XCTAssertEqual(reports.last, 1)
            XCTAssertGreaterThan(reports.first ?? 0, 0)
            XCTAssertLessThan(reports.dropLast().last ?? 1, 1)
        }
    }

    func testAutomaticPanelWidthWidensOnlyForThinMatrices() {
        XCTAssertEqual(SingularValues.automaticPanelWidth(smallerSide: 4096), SingularValues.defaultPanelWidth)
        XCTAssertEqual(SingularValues.automaticPanelWidth(smallerSide: 1), 65_536)
        XCTAssertEqual(SingularValues.automaticPanelWidth(smallerSide: 0), 65_536)
    }
}
