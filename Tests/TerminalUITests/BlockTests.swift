import XCTest
import TerminalUI

final class BlockTests: XCTestCase {
    func testBorderTitleAndInner() {
        var b = CellBuffer(width: 8, height: 3)
        let block = Block(title: "Layers and more")
        block.render(into: &b, area: b.area)
        b.write("hi", at: Position(x: block.inner(b.area).x, y: block.inner(b.area).y))
        assertBufferLines(b, [
            "┌─Laye─┐",
            "│hi    │",
            "└──────┘",
        ])
        XCTAssertEqual(block.inner(b.area), Rect(x: 1, y: 1, width: 6, height: 1))
        XCTAssertEqual(block.inner(Rect(width: 1, height: 5)), Rect(width: 1, height: 5))
    }
}
