import XCTest
import TerminalUI

final class LineChartTests: XCTestCase {
    func testLogAxisPutsValueOnExpectedRow() {
        let chart = LineChart(series: [ChartSeries(name: "s", points: [(1, 1), (2, 10), (3, 100), (4, 1000)])], logY: true)
        var b = CellBuffer(width: 15, height: 6)
        chart.render(into: &b, area: b.area)
        let plot = chart.plotArea(in: b.area)
        XCTAssertEqual(plot, Rect(x: 5, y: 0, width: 10, height: 4))
        // 16 pixel rows; 10 is a third of the way up a 1…1000 log axis: pixel row 10 → cell row 2.
        XCTAssertEqual(chart.row(forY: 10, plotHeight: 4), 2)
        XCTAssertEqual(chart.row(forY: 1000, plotHeight: 4), 0)
        XCTAssertEqual(chart.row(forY: 1, plotHeight: 4), 3)
        let lines = b.lines()
        XCTAssertTrue(lines[0].hasPrefix("1000│"), lines[0])
        XCTAssertTrue(lines[1].hasPrefix(" 100│"), lines[1])
        XCTAssertTrue(lines[2].hasPrefix("  10│"), lines[2])
        XCTAssertTrue(lines[3].hasPrefix("   1│"), lines[3])
        XCTAssertEqual(lines[4], "    └──────────")
        XCTAssertEqual(lines[5], "     1        4")
        // The point (2, 10): x pixel round(1/3 · 19) = 6 → cell column 3; y pixel 10 → row 2, dot row 2.
        let cell = b.cell(x: plot.x + 3, y: 2)!
        let bits = cell.character.unicodeScalars.first!.value - 0x2800
        XCTAssertTrue(bits < 0x100 && bits & 0x04 != 0, "expected dot 3 set, got \(cell.character)")
    }

    func testLinearSnapshotWithMarker() {
        let chart = LineChart(series: [ChartSeries(name: "s", points: [(0, 0), (1, 1)], style: Style(foreground: .green))],
                              markers: [ChartMarker(x: 0.5, label: "k", style: Style(foreground: .yellow))],
                              xRange: 0...1, yRange: 0...1)
        var b = CellBuffer(width: 8, height: 4)
        chart.render(into: &b, area: b.area)
        assertBufferLines(b, [
            // y = 1 − x over 12×8 pixels; the marker line at x = 0.5 (column 5) shows where
            // the data leaves its cell empty, and its label covers one braille cell.
            "1│   ⣀k⠊",
            "0│⡠⠔⠉│",
            " └──────",
            "  0    1",
        ])
        XCTAssertEqual(b.cell(x: 2, y: 1)?.style.foreground, .green)
        XCTAssertEqual(b.cell(x: 6, y: 0)?.style.foreground, .yellow)
    }

    func testNonDrawablePointsBreakTheLine() {
        // Log axis: 0 and NaN are skipped, not trapped on.
        let chart = LineChart(series: [ChartSeries(name: "s", values: [0, .nan, 5, -1, .infinity])], logY: true)
        var b = CellBuffer(width: 12, height: 5)
        chart.render(into: &b, area: b.area)
        XCTAssertEqual(chart.resolvedYRange, 0.5...50)
        XCTAssertTrue(b.cells.contains { ($0.character.unicodeScalars.first?.value ?? 0) > 0x2800 })
    }

    func testEmptyChartDrawsAxesOnly() {
        let chart = LineChart(series: [])
        var b = CellBuffer(width: 6, height: 3)
        chart.render(into: &b, area: b.area)
        assertBufferLines(b, ["1│", " └────", "  0  1"])  // one plot row: the "0" label would collide
    }
}
