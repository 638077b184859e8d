import XCTest
import TerminalUI

final class InMemoryBackendTests: XCTestCase {
    func testOnlyChangedCellsAreFlushed() {
        let backend = InMemoryBackend(width: 4, height: 2)
        var frame = CellBuffer(width: backend.size.width, height: backend.size.height)
        frame.write("ab", at: Position(x: 0, y: 0))
        backend.draw(frame)
        XCTAssertEqual(backend.lastDrawCellCount, 8)  // first draw is full
        backend.draw(frame)
        XCTAssertEqual(backend.lastDrawCellCount, 0)
        frame.set(x: 3, y: 1, "z")
        backend.draw(frame)
        XCTAssertEqual(backend.lastDrawCellCount, 1)
        XCTAssertEqual(backend.lines(), ["ab", "   z"])
        XCTAssertEqual(backend.drawCount, 3)
        XCTAssertEqual(backend.totalCellsWritten, 9)
    }

    func testScriptedKeysAndResize() {
        let backend = InMemoryBackend(width: 3, height: 1, keys: [.down, .character("q")])
        backend.enqueue(.ctrlC)
        backend.enqueue(text: "jk")
        XCTAssertEqual(backend.readKey(timeout: 100), .down)
        XCTAssertEqual(backend.readKey(timeout: 0), .character("q"))
        XCTAssertEqual(backend.readKey(timeout: -1), .ctrl("c"))
        XCTAssertEqual(backend.readKey(timeout: 0), .character("j"))
        XCTAssertEqual(backend.readKey(timeout: 0), .character("k"))
        XCTAssertNil(backend.readKey(timeout: 0))

        backend.draw(CellBuffer(width: 3, height: 1))
        backend.resize(width: 5, height: 2)
        XCTAssertEqual(backend.readKey(timeout: 0), .resize)
        XCTAssertEqual(backend.size, TerminalSize(width: 5, height: 2))
        backend.draw(CellBuffer(width: 5, height: 2))
        XCTAssertEqual(backend.lastDrawCellCount, 10)
    }

    func testMismatchedFrameIsClippedAndRestoreCounts() {
        let backend = InMemoryBackend(width: 2, height: 1)
        var frame = CellBuffer(width: 4, height: 3)
        frame.write("abcd", at: Position(x: 0, y: 0))
        backend.draw(frame)
        XCTAssertEqual(backend.lines(), ["ab"])
        backend.restore()
        backend.restore()
        XCTAssertEqual(backend.restoreCount, 2)
    }

    func testKeyMappingFromCodePoints() {
        XCTAssertEqual(KeyEvent.fromCodePoint(3), .ctrlC)
        XCTAssertEqual(KeyEvent.fromCodePoint(13), .enter)
        XCTAssertEqual(KeyEvent.fromCodePoint(10), .enter)
        XCTAssertEqual(KeyEvent.fromCodePoint(127), .backspace)
        XCTAssertEqual(KeyEvent.fromCodePoint(9), .tab)
        XCTAssertEqual(KeyEvent.fromCodePoint(27), .escape)
        XCTAssertEqual(KeyEvent.fromCodePoint(0x4E2D), .character("中"))
        XCTAssertEqual(KeyEvent.fromCodePoint(0xD800), .unknown(0xD800))
        XCTAssertEqual(KeyEvent.fromCodePoint(0), .unknown(0))
    }
}
