import XCTest
import TerminalUI

final class LegendTests: XCTestCase {
    let items = [
        LegendItem(swatch: "━", text: "alpha", style: Style(foreground: .red)),      // 7 wide
        LegendItem(swatch: "│", text: "b 12", style: Style(foreground: .green), styleText: true),  // 6 wide
        LegendItem(text: "gamma delta"),                                              // 11 wide
    ]

    func testEntryWidths() {
        XCTAssertEqual(items.map(\.width), [7, 6, 11])
        XCTAssertEqual(LegendItem(swatch: "━", text: "").width, 1)
    }

    func testFlowsWithoutSplittingEntries() {
        let legend = Legend(items: items)
        // 7 + 2 + 6 = 15 fits in 15; the third starts a new row.
        XCTAssertEqual(legend.rows(width: 15), [[0, 1], [2]])
        XCTAssertEqual(legend.rows(width: 14), [[0], [1], [2]])
        XCTAssertEqual(legend.rows(width: 28), [[0, 1, 2]])
        XCTAssertEqual(legend.height(width: 0), 0)
    }

    func testDrawsSwatchesAndTextStyles() {
        var b = CellBuffer(width: 15, height: 3)
        Legend(items: items, textStyle: Style(bold: true)).render(into: &b, area: b.area)
        XCTAssertEqual(b.lines(), ["━ alpha  │ b 12", "gamma delta", ""])
        XCTAssertEqual(b.cell(x: 0, y: 0)?.style, Style(foreground: .red))
        XCTAssertEqual(b.cell(x: 2, y: 0)?.style, Style(bold: true))          // own text in the legend's style
        XCTAssertEqual(b.cell(x: 11, y: 0)?.style, Style(foreground: .green))  // styleText
    }

    func testTooWideEntryIsTruncatedOnItsOwnRow() {
        var b = CellBuffer(width: 6, height: 2)
        Legend(items: [LegendItem(text: "abcdefghij"), LegendItem(text: "x")]).render(into: &b, area: b.area)
        XCTAssertEqual(b.lines(), ["abcdef", "x"])
    }

    func testWrappingASentenceUsesSingleSpaces() {
        var b = CellBuffer(width: 12, height: 3)
        Legend(wrapping: "the tensor data is truncated").render(into: &b, area: b.area)
        XCTAssertEqual(b.lines(), ["the tensor", "data is", "truncated"])
    }
}
