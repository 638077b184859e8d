import XCTest
import StrictJSON
final class StrictJSONPlaceholderTests: XCTestCase { func testBuilds() { XCTAssertTrue(true) } }
