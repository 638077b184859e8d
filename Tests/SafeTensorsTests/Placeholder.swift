import XCTest
import SafeTensors
final class SafeTensorsPlaceholderTests: XCTestCase { func testBuilds() { XCTAssertTrue(true) } }
