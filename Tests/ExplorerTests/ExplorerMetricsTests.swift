import Explorer
import Planning
import TerminalUI
import XCTest

/// The heavy-tailed metrics in the running explorer: the ESD view (6), the metric columns (t),
/// the heatmap's alpha (A) and the alpha sort, at 80×24. The fixture's matrices all have
/// σᵢ = 2^(−i/2), i = 0…11; the expected alpha is WeightWatcher's for those 12 eigenvalues,
/// checked against the package itself in the Planning and end-to-end tests.
final class ExplorerMetricsTests: XCTestCase {
    private static let metrics = SpectralMetrics(singularValues: (0..<12).map { pow(2, -Double($0) / 2) }, rows: 40, columns: 12)

    func testESDViewShowsTheSelectedMatrix() throws {
        let (app, backend) = try ExplorerFixture.readyApp(width: 80, height: 24)
        defer { app.finish() }
        app.handle(.character("6"))
        XCTAssertEqual(app.state.viewMode, .esd)
        let text = backend.lines().joined(separator: "\n")
        XCTAssertTrue(text.contains("ESD 0 mlp.up_proj"), text)
        let alpha = String(format: "%.3f", ExplorerMetricsTests.metrics.alpha)
        XCTAssertTrue(text.contains("alpha \(alpha)"), "alpha \(alpha) in:\n\(text)")
        app.handle(.character("j"))
        XCTAssertTrue(backend.lines().joined(separator: "\n").contains("ESD 0 attn.q_proj"))
    }

    func testMetricColumnsHeatmapAlphaAndSort() throws {
        let (app, backend) = try ExplorerFixture.readyApp(width: 80, height: 24)
        defer { app.finish() }
        app.handle(.character("t"))
        XCTAssertTrue(app.state.showsMetricColumns)
        let pane = ExplorerScreens.tablePane(backend, width: 44)
        let alpha = String(format: "%.2f", ExplorerMetricsTests.metrics.alpha)
        XCTAssertTrue(pane[3].contains("alpha"), pane.joined(separator: "\n"))
        XCTAssertTrue(pane[5].contains(alpha), "0 mlp.up_proj shows alpha \(alpha):\n" + pane.joined(separator: "\n"))
        app.handle(.character("t"))
        XCTAssertFalse(ExplorerScreens.tablePane(backend, width: 44)[3].contains("alpha"))

        app.handle(.character("A"))
        XCTAssertEqual(app.state.viewMode, .heatmap)
        let screen = backend.lines().joined(separator: "\n")
        XCTAssertTrue(screen.contains("Alpha per block"), screen)
        let cell = String(format: "%.1f", ExplorerMetricsTests.metrics.alpha)
        XCTAssertEqual(screen.components(separatedBy: cell).count - 1 >= 4, true, "four cells of alpha \(cell):\n\(screen)")

        for _ in 0..<5 { app.handle(.character("s")) }
        XCTAssertEqual(app.state.sort, .alpha)
        XCTAssertTrue(backend.lines().joined().contains("alpha ↓"))
    }
}
