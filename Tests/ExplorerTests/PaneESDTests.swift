import Foundation
@testable import Explorer
import Planning
import TerminalUI
import XCTest

/// The log-log ESD pane: its histogram and power-law line by hand, a snapshot of the whole pane,
/// marker columns where x_min and the MP bulk edge fall, and tiny areas.
final class PaneESDTests: XCTestCase {
    /// Eigenvalues at the quantiles of a Pareto law with tail exponent 2.5 (density ∝ λ^(−2.5)):
    /// λᵢ = (1 − (i + ½)/n)^(−1/1.5), n = 200, of a 400×200 matrix.
    static let pareto: Spectrum = {
        let n = 200
        let eigenvalues = (0..<n).map { pow(1 - (Double($0) + 0.5) / Double(n), -1 / 1.5) }
        return Spectrum(tensorName: "pareto", rows: 400, columns: n, singularValues: eigenvalues.map { $0.squareRoot() }.sorted(by: >))
    }()

    func testHistogramByHand() {
        // log₁₀ λ = 0, 1, 2, 3 in 3 bins of width 1: one value in [1, 10), one in [10, 100), two in [100, 1000].
        let points = ESDPane.histogram([1, 10, 100, 1000, 0], bins: 3)
        XCTAssertEqual(points.map(\.x), [0.5, 1.5, 2.5])
        let expected = [1 / (4 * 9.0), 1 / (4 * 90.0), 2 / (4 * 900.0)]
        for (point, want) in zip(points, expected) { XCTAssertEqual(point.y, want, accuracy: 1e-12 * want) }
        XCTAssertTrue(ESDPane.histogram([0, 0]).isEmpty)
        XCTAssertEqual(ESDPane.histogram([3, 3]).count, 1)
    }

    func testPowerLawLineByHand() {
        let fit = PowerLawFit(alpha: 3, xmin: 2, xmax: 20, ksDistance: 0.05, sigma: 0.1)
        let line = ESDPane.powerLawLine(fit, tailShare: 0.5, largest: 20, steps: 1)
        XCTAssertEqual(line.count, 2)
        XCTAssertEqual(line[0].x, log10(2.0), accuracy: 1e-15)
        // 0.5 · (3 − 1)/2 · (λ/2)^(−3): 0.5 at λ = 2, 0.5·10⁻³ at λ = 20.
        XCTAssertEqual(line[0].y, 0.5, accuracy: 1e-12)
        XCTAssertEqual(line[1].y, 0.5e-3, accuracy: 1e-12)
    }

    func testSnapshotAndMarkers() throws {
        let metrics = PaneESDTests.pareto.metrics
        let fit = try XCTUnwrap(metrics.powerLaw)
        XCTAssertEqual(fit.alpha, 2.5, accuracy: 0.3, "quantiles of a Pareto law with exponent 2.5")
        let mp = try XCTUnwrap(metrics.marchenkoPastur)
        var buffer = CellBuffer(width: 72, height: 22)
        let pane = ESDPane(title: "ESD pareto", status: .ready(PaneESDTests.pareto), metrics: metrics)
        pane.render(into: &buffer, area: Rect(x: 0, y: 0, width: 72, height: 22))
        let text = buffer.lines().joined(separator: "\n")
        XCTAssertTrue(text.contains("ESD of λ = σ² (log bins)") && text.contains("power law α \(String(format: "%.2f", fit.alpha))"), text)
        XCTAssertTrue(text.contains("alpha \(String(format: "%.3f", fit.alpha))") && text.contains("num_spikes \(mp.spikeCount)"), text)
        XCTAssertTrue(text.contains("log₁₀ λ"), text)
        // The x_min marker is drawn in its style in the column its log₁₀ falls in.
        let styles = PaneStyles.standard
        let xminColumns = (0..<72).filter { x in (0..<22).contains { buffer.cell(x: x, y: $0)?.style == styles.energyRank99 && buffer.cell(x: x, y: $0)?.character == "│" } }
        XCTAssertFalse(xminColumns.isEmpty, PaneTestSupport.screen(buffer))
        try PaneESDTests.assertSnapshot(buffer, named: "ESDPane-72x22")
    }

    func testTinyAreasAndStates() {
        for (width, height) in [(0, 0), (1, 1), (2, 2), (12, 3), (30, 6)] {
            var buffer = CellBuffer(width: width, height: height)
            for status in [SpectrumStatus.ready(PaneESDTests.pareto), .pending, .failed("bad"), nil] as [SpectrumStatus?] {
                ESDPane(title: "ESD", status: status, metrics: PaneESDTests.pareto.metrics)
                    .render(into: &buffer, area: Rect(x: 0, y: 0, width: width, height: height))
            }
        }
        var buffer = CellBuffer(width: 40, height: 8)
        ESDPane(title: "ESD", status: .ready(PaneESDTests.pareto), metrics: PaneESDTests.pareto.metrics)
            .render(into: &buffer, area: Rect(x: 0, y: 0, width: 40, height: 8))
        XCTAssertTrue(buffer.lines().joined().contains("alpha"), "too short for a chart, the figures show:\(PaneTestSupport.screen(buffer))")
    }

    /// Compares `buffer`'s lines with `Snapshots/NAME.txt` beside this file; with
    /// RANKSCOPE_RECORD_SNAPSHOTS=1 it writes the file instead (and fails, so a recording is never
    /// mistaken for a pass).
    static func assertSnapshot(_ buffer: CellBuffer, named name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let folder = URL(fileURLWithPath: "\(file)").deletingLastPathComponent().appendingPathComponent("Snapshots")
        let path = folder.appendingPathComponent(name + ".txt")
        let actual = buffer.lines().joined(separator: "\n") + "\n"
        if ProcessInfo.processInfo.environment["RANKSCOPE_RECORD_SNAPSHOTS"] == "1" {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try actual.write(to: path, atomically: true, encoding: .utf8)
            XCTFail("recorded \(path.path); run again without RANKSCOPE_RECORD_SNAPSHOTS", file: file, line: line)
            return
        }
        let expected = try String(contentsOf: path, encoding: .utf8)
        XCTAssertEqual(actual, expected, "snapshot \(name) differs:\n\(actual)", file: file, line: line)
    }
}
