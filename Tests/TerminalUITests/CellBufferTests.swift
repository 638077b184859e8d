import XCTest
import TerminalUI

final class CellBufferTests: XCTestCase {
    func testWriteClipsLeftRightAndMaxWidth() {
        var b = CellBuffer(width: 5, height: 3)
        XCTAssertEqual(b.write("hello", at: Position(x: -2, y: 0)), 5)
        XCTAssertEqual(b.write("hello", at: Position(x: 3, y: 1)), 2)
        XCTAssertEqual(b.write("hello", at: Position(x: 0, y: 2), maxWidth: 3), 3)
        XCTAssertEqual(b.write("x", at: Position(x: 0, y: 3)), 0)
        XCTAssertEqual(b.write("x", at: Position(x: 0, y: -1)), 0)
        XCTAssertEqual(b.write("x", at: Position(x: 9, y: 0)), 0)
        assertBufferLines(b, ["llo", "   he", "hel"])
    }

    func testSetOutsideIsIgnored() {
        var b = CellBuffer(width: 2, height: 2)
        XCTAssertEqual(b.set(x: -1, y: 0, "a"), 0)
        XCTAssertEqual(b.set(x: 0, y: 2, "a"), 0)
        XCTAssertEqual(b.set(x: Int.max, y: Int.min, "a"), 0)
        assertBufferLines(b, ["", ""])
        XCTAssertNil(b.cell(x: 2, y: 0))
    }

    func testWideCharactersTakeTwoColumns() {
        var b = CellBuffer(width: 5, height: 1)
        XCTAssertEqual(b.write("中a", at: Position(x: 0, y: 0)), 3)
        XCTAssertEqual(b.cell(x: 0, y: 0)?.character, "中")
        XCTAssertEqual(b.cell(x: 1, y: 0)?.isContinuation, true)
        XCTAssertEqual(b.cell(x: 2, y: 0)?.character, "a")
        assertBufferLines(b, ["中a"])
    }

    func testWideCharacterDoesNotSplitAtLimitOrEdge() {
        var b = CellBuffer(width: 3, height: 2)
        XCTAssertEqual(b.write("中文", at: Position(x: 0, y: 0)), 2)
        assertBufferLines(b, ["中", ""])
        XCTAssertEqual(b.set(x: 2, y: 1, "文"), 1)  // no room for the right half
        XCTAssertEqual(b.cell(x: 2, y: 1)?.character, " ")
        var c = CellBuffer(width: 4, height: 1)
        XCTAssertEqual(c.write("a中", at: Position(x: 0, y: 0), maxWidth: 2), 1)
        assertBufferLines(c, ["a"])
    }

    func testWideCharacterCutByLeftEdge() {
        var b = CellBuffer(width: 4, height: 1)
        XCTAssertEqual(b.write("中ab", at: Position(x: -1, y: 0)), 4)
        assertBufferLines(b, [" ab"])
        XCTAssertFalse(b.cells.contains { $0.isContinuation })
    }

    func testOverwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var b = CellBuffer(width: 4, height: 2)
        b.write("中中", at: Position(x: 0, y: 0))
        b.set(x: 1, y: 0, "x")          // right half of the first
        b.write("中", at: Position(x: 0, y: 1))
        b.set(x: 0, y: 1, "y")          // left half
        assertBufferLines(b, [" x中", "y"])
        XCTAssertFalse(b.cell(x: 1, y: 1)!.isContinuation)
        b.set(x: 1, y: 0, "文")          // wide over a narrow and the lead of a wide
        assertBufferLines(b, [" 文", "y"])
        XCTAssertEqual(b.cell(x: 3, y: 0)?.isContinuation, false)
    }

    func testFillAndSetStyleClip() {
        var b = CellBuffer(width: 4, height: 3)
        let red = Style(foreground: .red)
        b.fill(Rect(x: -1, y: 1, width: 3, height: 5), with: "#", style: red)
        assertBufferLines(b, ["", "##", "##"])
        XCTAssertEqual(b.cell(x: 1, y: 2)?.style, red)
        b.setStyle(Style(reverse: true), in: Rect(x: 1, y: 0, width: 10, height: 1))
        XCTAssertEqual(b.cell(x: 3, y: 0)?.style.reverse, true)
        XCTAssertEqual(b.cell(x: 0, y: 0)?.style.reverse, false)
    }

    func testLinesTrimTrailingSpacesOnly() {
        var b = CellBuffer(width: 6, height: 1)
        b.write(" a b  ", at: Position(x: 0, y: 0))
        XCTAssertEqual(b.lines(), [" a b"])
    }

    func testControlCharactersAreNotDrawn() {
        var b = CellBuffer(width: 4, height: 1)
        XCTAssertEqual(b.write("a\tb\u{1B}", at: Position(x: 0, y: 0)), 2)
        assertBufferLines(b, ["ab"])
    }

    func testExtremeCoordinates() {
        var b = CellBuffer(width: 3, height: 1)
        XCTAssertEqual(b.write("abc", at: Position(x: .min, y: 0)), 3)
        XCTAssertEqual(b.write("abc", at: Position(x: .max, y: 0)), 0)
        XCTAssertEqual(b.write("abc", at: Position(x: 0, y: .min)), 0)
        XCTAssertEqual(b.write("abc", at: Position(x: 1, y: 0), maxWidth: .min), 0)
        b.fill(Rect(x: .min, y: .min, width: .max, height: .max), with: "z")  // clamped: ends at 0
        assertBufferLines(b, [""])
        b.fill(Rect(x: -5, y: -5, width: .max, height: .max), with: "z")
        assertBufferLines(b, ["zzz"])
        XCTAssertEqual(CellBuffer(width: .max, height: 0).width, CellBuffer.maxDimension)
    }

    func testNegativeSizeBecomesEmpty() {
        let b = CellBuffer(width: -3, height: 2)
        XCTAssertEqual(b.width, 0)
        XCTAssertEqual(b.lines(), ["", ""])
    }
}
