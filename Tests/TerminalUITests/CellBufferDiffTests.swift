import XCTest
import TerminalUI

final class CellBufferDiffTests: XCTestCase {
    func testIdenticalBuffersHaveNoChanges() {
        var a = CellBuffer(width: 3, height: 2)
        a.write("abc", at: Position(x: 0, y: 1))
        XCTAssertTrue(a.diff(from: a).isEmpty)
    }

    func testOnlyChangedCellsAreListed() {
        var a = CellBuffer(width: 4, height: 2)
        a.write("abcd", at: Position(x: 0, y: 0))
        var b = a
        b.set(x: 2, y: 1, "z")
        b.set(x: 1, y: 0, "b", style: Style(bold: true))  // same char, new style
        let d = b.diff(from: a)
        XCTAssertEqual(d.count, 2)
        XCTAssertEqual(d[0].x, 1); XCTAssertEqual(d[0].y, 0); XCTAssertTrue(d[0].cell.style.bold)
        XCTAssertEqual(d[1].x, 2); XCTAssertEqual(d[1].y, 1); XCTAssertEqual(d[1].cell.character, "z")
    }

    func testSizeChangeListsEverything() {
        let a = CellBuffer(width: 2, height: 2)
        let b = CellBuffer(width: 3, height: 2)
        XCTAssertEqual(b.diff(from: a).count, 6)
    }

    func testWideCharacterIsOneChangeWithoutContinuation() {
        let a = CellBuffer(width: 4, height: 1)
        var b = a
        b.write("中", at: Position(x: 1, y: 0))
        let d = b.diff(from: a)
        XCTAssertEqual(d.count, 1)
        XCTAssertEqual(d.first?.x, 1)
        XCTAssertEqual(d.first?.cell.character, "中")
        // Replacing the wide char with two narrow ones lists both columns.
        var c = b
        c.write("xy", at: Position(x: 1, y: 0))
        XCTAssertEqual(c.diff(from: b).map(\.x), [1, 2])
    }
}
