import XCTest
import Planning
final class PlanningPlaceholderTests: XCTestCase { func testBuilds() { XCTAssertTrue(true) } }
