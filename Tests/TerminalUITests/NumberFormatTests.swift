import XCTest
@testable import TerminalUI

final class NumberFormatTests: XCTestCase {
    func testCompactLabels() {
        XCTAssertEqual(NumberFormat.compact(0), "0")
        XCTAssertEqual(NumberFormat.compact(1000), "1000")
        XCTAssertEqual(NumberFormat.compact(-42), "-42")
        XCTAssertEqual(NumberFormat.compact(0.17970), "0.18")
        XCTAssertEqual(NumberFormat.compact(3.14159), "3.14")
        XCTAssertEqual(NumberFormat.compact(12_345_678), "1.2e7")
        XCTAssertEqual(NumberFormat.compact(0.00001), "1e-5")
        XCTAssertEqual(NumberFormat.compact(.nan), "nan")
        XCTAssertEqual(NumberFormat.compact(-.infinity), "-inf")
        XCTAssertEqual(NumberFormat.compact(.greatestFiniteMagnitude), "1.8e308")
        XCTAssertEqual(NumberFormat.compact(.leastNonzeroMagnitude), "4.9e-324")
        XCTAssertEqual(NumberFormat.compact(-0.000_25), "-2.5e-4")
    }
}
