import XCTest
import TerminalUI

final class TableTests: XCTestCase {
    private let columns = [TableColumn("Name", width: .fixed(4)), TableColumn("Rank", width: .fixed(4), alignment: .right)]
    private let rows = [["a", "1"], ["b", "22"], ["c", "333"], ["d", "4444"]]

    func testScrollsToKeepSelectionVisible() {
        let t = Table(columns: columns, rows: rows, selected: 2, offset: 0)
        var b = CellBuffer(width: 9, height: 3)
        t.render(into: &b, area: b.area)
        assertBufferLines(b, [
            "Name Rank",
            "b      22",
            "c     333",
        ])
        XCTAssertEqual(t.visibleOffset(height: 3), 1)
        XCTAssertEqual(b.cell(x: 0, y: 0)?.style.bold, true)
        XCTAssertTrue((0..<9).allSatisfy { b.cell(x: $0, y: 2)?.style.reverse == true })
        XCTAssertEqual(b.cell(x: 0, y: 1)?.style.reverse, false)
    }

    func testScrollOffsetRules() {
        XCTAssertEqual(Table.scrollOffset(selected: 0, offset: 3, visibleRows: 2, rowCount: 10), 0)
        XCTAssertEqual(Table.scrollOffset(selected: 5, offset: 3, visibleRows: 2, rowCount: 10), 4)
        XCTAssertEqual(Table.scrollOffset(selected: 4, offset: 3, visibleRows: 2, rowCount: 10), 3)
        XCTAssertEqual(Table.scrollOffset(selected: nil, offset: 99, visibleRows: 3, rowCount: 10), 7)
        XCTAssertEqual(Table.scrollOffset(selected: 99, offset: 0, visibleRows: 3, rowCount: 4), 1)
        XCTAssertEqual(Table.scrollOffset(selected: 1, offset: 0, visibleRows: 0, rowCount: 4), 0)
    }

    func testTruncatesAndHandlesRaggedRows() {
        let t = Table(columns: columns, rows: [["abcdefgh"], ["x", "y", "extra"]])
        var b = CellBuffer(width: 7, height: 3)
        t.render(into: &b, area: b.area)
        assertBufferLines(b, ["Name Ra", "abcd", "x     y"])
    }
}
