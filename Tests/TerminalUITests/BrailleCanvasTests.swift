import XCTest
import TerminalUI

final class BrailleCanvasTests: XCTestCase {
    /// Unicode: dot n is bit n−1 of the offset from U+2800; rows of the cell, top to bottom,
    /// hold dots (1,4), (2,5), (3,6), (7,8).
    func testDotMappingMatchesUnicode() {
        let dotNumbers = [[1, 4], [2, 5], [3, 6], [7, 8]]
        for row in 0..<4 {
            for column in 0..<2 {
                let n = dotNumbers[row][column]
                XCTAssertEqual(BrailleCanvas.dotBit(column: column, row: row), UInt8(1 << (n - 1)), "dot \(n)")
                var c = BrailleCanvas(width: 1, height: 1)
                c.setDot(x: column, y: row)
                var b = CellBuffer(width: 1, height: 1)
                c.render(into: &b, area: b.area)
                XCTAssertEqual(b.cell(x: 0, y: 0)?.character.unicodeScalars.first?.value,
                               0x2800 + (1 << UInt32(n - 1)), "dot \(n)")
            }
        }
        XCTAssertEqual(BrailleCanvas.dotBit(column: 2, row: 0), 0)
        XCTAssertEqual(BrailleCanvas.character(bits: 0xFF), "⣿")
    }

    func testDiagonalLine() {
        var c = BrailleCanvas(width: 2, height: 1)
        c.drawLine(fromX: 0, y0: 0, toX: 3, y1: 3)
        var b = CellBuffer(width: 2, height: 1)
        c.render(into: &b, area: b.area)
        // cell 0: dots at (0,0)=dot1, (1,1)=dot5 → 0x11; cell 1: (0,2)=dot3, (1,3)=dot8 → 0x84
        assertBufferLines(b, ["\u{2811}\u{2884}"])
    }

    func testOutOfRangeDotsAndHugeLinesAreClipped() {
        var c = BrailleCanvas(width: 2, height: 2)
        c.setDot(x: -1, y: 0)
        c.setDot(x: 4, y: 0)
        c.setDot(x: 0, y: 8)
        XCTAssertEqual((0..<2).flatMap { y in (0..<2).map { c.cellBits(x: $0, y: y) } }, [0, 0, 0, 0])
        c.drawLine(fromX: -1e12, y0: 3, toX: 1e12, y1: 3)  // horizontal through row 3
        XCTAssertTrue(c.isDotSet(x: 0, y: 3))
        XCTAssertTrue(c.isDotSet(x: 3, y: 3))
        XCTAssertFalse(c.isDotSet(x: 0, y: 4))
        c.drawLine(fromX: .nan, y0: 0, toX: 1, y1: 1)
        XCTAssertFalse(c.isDotSet(x: 1, y: 1))
    }

    func testRenderLeavesEmptyCellsAlone() {
        var b = CellBuffer(width: 3, height: 1)
        b.write("abc", at: Position(x: 0, y: 0))
        var c = BrailleCanvas(width: 3, height: 1)
        c.setDot(x: 2, y: 0)
        c.render(into: &b, area: b.area)
        assertBufferLines(b, ["a\u{2801}c"])
    }
}
