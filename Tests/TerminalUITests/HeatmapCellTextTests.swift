import XCTest
import TerminalUI

final class HeatmapCellTextTests: XCTestCase {
    func testTextsAfterTheGlyphWhenCellsAreWide() {
        var map = Heatmap(values: [[0, 1, .nan]], range: 0...1, ramp: [10, 20], cellWidth: 5)
        map.cellTexts = [["0", "100", ""]]
        var b = CellBuffer(width: 15, height: 1)
        map.render(into: &b, area: b.area)
        // 0 → first quarter "░", 1 → "█"; text right-aligned before the blank 5th column.
        XCTAssertEqual(b.lines(), ["░  0 █100 ·"])
        XCTAssertEqual(b.cell(x: 3, y: 0)?.style.foreground, .indexed(10))
        XCTAssertEqual(b.cell(x: 6, y: 0)?.style.foreground, .indexed(20))
    }

    func testTextThatDoesNotFitLeavesTheGlyph() {
        var map = Heatmap(values: [[0.5]], range: 0...1, cellWidth: 3)
        map.cellTexts = [["50"]]
        var b = CellBuffer(width: 3, height: 1)
        map.render(into: &b, area: b.area)
        XCTAssertEqual(b.lines(), ["▓"])  // 0.5 → third quarter
    }
}
