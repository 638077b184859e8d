import XCTest
import TerminalUI

/// The label options added for stacked charts: y suffix, hidden x labels, x title.
final class LineChartLabelTests: XCTestCase {
    func testSuffixAndTitle() {
        var chart = LineChart(series: [ChartSeries(name: "s", points: [(0, 0), (10, 100)])], xRange: 0...10, yRange: 0...100)
        chart.yLabelSuffix = "%"
        chart.xTitle = "rank"
        var b = CellBuffer(width: 16, height: 4)
        chart.render(into: &b, area: b.area)
        let lines = b.lines()
        XCTAssertTrue(lines[0].hasPrefix("100%│"), lines[0])
        XCTAssertTrue(lines[1].hasPrefix("  0%│"), lines[1])
        // x labels: "0" at the plot's left (column 5), "10" flush right, "rank" centred in the
        // 16 − 5 − 1 − 2 − 2 = 6 free columns between them: starts at 5 + 1 + 1 + (6 − 4) / 2 = 8.
        XCTAssertEqual(lines[3], "     0  rank  10")
    }

    func testTitleLeftOutWhenItDoesNotFit() {
        var chart = LineChart(series: [], xRange: 0...10, yRange: 0...1)
        chart.xTitle = "a long title"
        var b = CellBuffer(width: 10, height: 4)
        chart.render(into: &b, area: b.area)
        XCTAssertEqual(b.lines()[3], "  0     10")
    }

    func testHiddenXLabelsGiveThePlotTheRow() {
        var chart = LineChart(series: [], xRange: 0...1, yRange: 0...1)
        let area = Rect(width: 10, height: 5)
        XCTAssertEqual(chart.plotArea(in: area).height, 3)
        chart.showsXLabels = false
        XCTAssertEqual(chart.plotArea(in: area).height, 4)
        var b = CellBuffer(width: 10, height: 5)
        chart.render(into: &b, area: b.area)
        XCTAssertEqual(b.lines()[4], " └────────")
    }
}
