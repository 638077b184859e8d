import XCTest
import TerminalUI

final class BarChartTests: XCTestCase {
    func testBarsLabelsValues() {
        var b = CellBuffer(width: 12, height: 3)
        BarChart(items: [BarChartItem(label: "a", value: 4), BarChartItem(label: "bb", value: 2)])
            .render(into: &b, area: b.area)
        assertBufferLines(b, [
            "a  ███████ 4",
            "bb ███▌    2",
            "",
        ])
    }

    func testMaxValueItemStyleAndOverflow() {
        var b = CellBuffer(width: 10, height: 1)
        let red = Style(foreground: .red)
        BarChart(items: [BarChartItem(label: "x", value: 1, style: red, valueText: "1"),
                         BarChartItem(label: "hidden", value: 9)], maxValue: 4)
            .render(into: &b, area: b.area)
        // label column = min(6, 10/3) = 3; bar space 10 - 4 - 2 = 4 cells → 1/4 → 8 eighths = 1 full.
        assertBufferLines(b, ["x   █    1"])
        XCTAssertEqual(b.cell(x: 4, y: 0)?.style, red)
    }
}
