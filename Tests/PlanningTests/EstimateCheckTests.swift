import Planning
import XCTest

/// ``EstimateCheck``: the figures issue 21 (class 6) measured before scales kept their precision
/// are flagged; the figures measured since are not.
final class EstimateCheckTests: XCTestCase {
    func testTheIssueFiguresBeforeAndAfter() {
        XCTAssertTrue(EstimateCheck.isFarAbove(measured: 0.173, estimate: 0.0057))   // 8-bit dense, F16 scales, 1e-7
        XCTAssertTrue(EstimateCheck.isFarAbove(measured: 1.71, estimate: 0.378))     // CALDERA, F16 scales, 1e-8
        XCTAssertFalse(EstimateCheck.isFarAbove(measured: 0.005387, estimate: 0.005345))  // BF16 scales, 1e-7
        XCTAssertFalse(EstimateCheck.isFarAbove(measured: 0.3483, estimate: 0.378))
        XCTAssertFalse(EstimateCheck.isFarAbove(measured: 0.009, estimate: 0.001), "two tiny errors never alarm")
        XCTAssertTrue(EstimateCheck.isFarAbove(measured: .nan, estimate: 0.01))
        XCTAssertFalse(EstimateCheck.isFarAbove(measured: 0.5, estimate: nil))
        let warning = EstimateCheck.warning(layer: "model.layers.0.q_proj.weight", measured: 0.173, estimate: 0.0057)
        XCTAssertTrue(warning?.hasPrefix("model.layers.0.q_proj.weight: measured error 0.173 is far above the plan's estimate 0.0057 (30× the estimate)") == true,
                      warning ?? "nil")
    }
}
