import XCTest
import TerminalUI

final class ColorTests: XCTestCase {
    func testNames() {
        XCTAssertEqual(Color(name: "Red"), .red)
        XCTAssertEqual(Color(name: "default"), .default)
        XCTAssertEqual(Color(name: "0"), .indexed(0))
        XCTAssertEqual(Color(name: "255"), .indexed(255))
        XCTAssertNil(Color(name: "256"))
        XCTAssertNil(Color(name: "-1"))
        XCTAssertNil(Color(name: ""))
        XCTAssertNil(Color(name: "+5"))
    }

    func testMappingTo8Colours() {
        XCTAssertEqual(Color.indexed(196).basicIndex, 1)  // cube red
        XCTAssertEqual(Color.indexed(21).basicIndex, 4)   // cube blue
        XCTAssertEqual(Color.indexed(9).basicIndex, 1)    // bright red
        XCTAssertEqual(Color.indexed(16).basicIndex, 0)   // cube black
        XCTAssertEqual(Color.indexed(255).basicIndex, 7)  // light grey
        XCTAssertEqual(Color.default.basicIndex, -1)
        XCTAssertEqual(Color.cyan.paletteIndex, 6)
    }

    func testDisplayWidth() {
        XCTAssertEqual(DisplayWidth.of("a" as Character), 1)
        XCTAssertEqual(DisplayWidth.of("中" as Character), 2)
        XCTAssertEqual(DisplayWidth.of("\u{2800}" as Character), 1)
        XCTAssertEqual(DisplayWidth.of("é" as Character), 1)
        XCTAssertEqual(DisplayWidth.of("\u{1B}" as Character), 0)
        XCTAssertEqual(DisplayWidth.of("a中b"), 4)
    }
}
