import XCTest
import LinearAlgebra
final class LinearAlgebraPlaceholderTests: XCTestCase { func testBuilds() { XCTAssertTrue(true) } }
