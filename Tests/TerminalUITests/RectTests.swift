import XCTest
import TerminalUI

final class RectTests: XCTestCase {
    func testRowsFixedFractionRemainder() {
        let r = Rect(x: 1, y: 2, width: 5, height: 10)
        let parts = r.rows([.fixed(2), .remainder, .fraction(0.5)])
        XCTAssertEqual(parts.map(\.height), [2, 3, 5])
        XCTAssertEqual(parts.map(\.y), [2, 4, 7])
        XCTAssertTrue(parts.allSatisfy { $0.x == 1 && $0.width == 5 })
    }

    func testColumnsWithSpacingAndShortage() {
        let r = Rect(x: 0, y: 0, width: 10, height: 1)
        let parts = r.columns([.fixed(3), .remainder, .remainder], spacing: 1)
        XCTAssertEqual(parts.map(\.width), [3, 3, 2])
        XCTAssertEqual(parts.map(\.x), [0, 4, 8])
        let tight = Rect(x: 0, y: 0, width: 4, height: 1).columns([.fixed(3), .fixed(3)])
        XCTAssertEqual(tight.map(\.width), [3, 1])
        XCTAssertEqual(Rect.zero.rows([.fixed(5), .fraction(.nan), .remainder]).map(\.height), [0, 0, 0])
    }

    func testInsetNeverNegative() {
        let r = Rect(x: 0, y: 0, width: 3, height: 3)
        XCTAssertEqual(r.inset(by: 1), Rect(x: 1, y: 1, width: 1, height: 1))
        XCTAssertTrue(r.inset(by: 2).isEmpty)
        XCTAssertEqual(Rect(x: 0, y: 0, width: -4, height: 2).width, 0)
    }

    func testExtremeValuesAreClampedNotTrapped() {
        let huge = Rect(x: Int.min, y: Int.max, width: Int.max, height: Int.max)
        XCTAssertEqual(huge.x, -Rect.limit)
        XCTAssertEqual(huge.maxY, 2 * Rect.limit)
        XCTAssertTrue(Rect(width: 5, height: 5).inset(top: .max, left: .max, bottom: .max, right: .max).isEmpty)
        let cols = Rect(width: 10, height: 1).columns([.fixed(1), .fixed(1), .remainder], spacing: .max)
        XCTAssertEqual(cols.map(\.width), [0, 0, 0])
        XCTAssertEqual(Alignment.right.offset(textWidth: 3, in: .min), 0)
        XCTAssertEqual(Alignment.center.offset(textWidth: 3, in: 8), 2)
        XCTAssertEqual(Table.scrollOffset(selected: .max, offset: .min, visibleRows: .max, rowCount: 3), 0)
    }

    func testIntersection() {
        let a = Rect(x: 0, y: 0, width: 4, height: 4)
        XCTAssertEqual(a.intersection(Rect(x: 2, y: -1, width: 5, height: 2)), Rect(x: 2, y: 0, width: 2, height: 1))
        XCTAssertTrue(a.intersection(Rect(x: 9, y: 9, width: 1, height: 1)).isEmpty)
    }
}
