import XCTest
import TerminalUI

final class GaugeTests: XCTestCase {
    func testEighthsAndCentredLabel() {
        var b = CellBuffer(width: 10, height: 1)
        Gauge(ratio: 0.55).render(into: &b, area: b.area)  // 44 eighths = 5 full + ▌, label over columns 3–5
        assertBufferLines(b, ["███55%"])
        var c = CellBuffer(width: 12, height: 1)
        Gauge(ratio: 0.3).render(into: &c, area: c.area)  // 28.8 → 29 eighths = 3 full + ▋ (5/8); label at 4–6
        assertBufferLines(c, ["███▋30%"])
    }

    func testPartialBlocksWithoutLabel() {
        var b = CellBuffer(width: 4, height: 3)
        Gauge(ratio: 0.53, label: "").render(into: &b, area: Rect(x: 0, y: 0, width: 4, height: 1))  // 17 eighths
        Gauge(ratio: 1.7, label: "").render(into: &b, area: Rect(x: 0, y: 1, width: 4, height: 1))
        Gauge(ratio: .nan, label: "").render(into: &b, area: Rect(x: 0, y: 2, width: 4, height: 1))
        assertBufferLines(b, ["██▏", "████", ""])
    }

    func testLabelStyleAndMultiRow() {
        var b = CellBuffer(width: 6, height: 3)
        let bar = Style(foreground: .green)
        Gauge(ratio: 0.5, label: "ab", barStyle: bar, labelStyle: Style(bold: true)).render(into: &b, area: b.area)
        assertBufferLines(b, ["███", "██ab", "███"])
        XCTAssertEqual(b.cell(x: 0, y: 0)?.style, bar)
        XCTAssertEqual(b.cell(x: 2, y: 1)?.style.bold, true)
    }
}
