import Foundation
import Planning
import XCTest

/// The combination rule `Δ = g(ΣΔᵢ)`, a monotone map through the joint probes' (added, measured)
/// points, on synthetic points whose every value follows from the rule.
final class LossCombinationTests: XCTestCase {
    func testAdditionWithoutPoints() {
        XCTAssertEqual(LossCombination.additive.combine([0.5, 1, 2]), 3.5, accuracy: 1e-12)
        XCTAssertEqual(LossCombination.additive.combine([0.5, -1]), 0.5, accuracy: 1e-12, "a negative increase adds nothing")
        XCTAssertEqual(LossCombination.additive.ratio(atSum: 3), 1)
    }

    /// Joint probes at two depths: added 2 measured 3 (compounding), added 6 measured 5 (overlapping).
    func testTheMapRunsThroughEveryJointProbeAndKeepsTheDeepestRatioBeyond() {
        let rule = LossCombination(points: [(6, 5), (2, 3)])
        XCTAssertEqual(rule.combine([1, 1]), 3, accuracy: 1e-12, "at the shallow probe")
        XCTAssertEqual(rule.combine([4, 2]), 5, accuracy: 1e-12, "at the deep probe")
        XCTAssertEqual(rule.increase(ofCost: 1), 1.5, accuracy: 1e-12, "from the origin to (2, 3)")
        XCTAssertEqual(rule.increase(ofCost: 4), 4, accuracy: 1e-12, "halfway from (2, 3) to (6, 5)")
        XCTAssertEqual(rule.increase(ofCost: 12), 10, accuracy: 1e-12, "past the deepest: its ratio 5/6")
        XCTAssertEqual(rule.ratio(atSum: 4), 1, accuracy: 1e-12)
        XCTAssertEqual(rule.ratio(atSum: 0), 1.5, accuracy: 1e-12)
        XCTAssertEqual(rule.cost(ofIncrease: -0.2), 0)
        // Monotone everywhere, so minimising the summed costs minimises the prediction.
        let grid = stride(from: 0.0, through: 20, by: 0.05).map(rule.increase(ofCost:))
        XCTAssertTrue(zip(grid, grid.dropFirst()).allSatisfy { $0 <= $1 })
    }

    func testADeeperProbeMeasuringLessIsRaisedToTheShallowerOneAndBadPointsAreDropped() {
        // (4, 2.5) below (2, 3): raised to 3, so the map is flat between them.
        let rule = LossCombination(points: [(2, 3), (4, 2.5), (.nan, 1), (0, 1), (3, -1)])
        XCTAssertEqual(rule.points.map(\.added), [2, 4])
        XCTAssertEqual(rule.points.map(\.combined), [3, 3])
        XCTAssertEqual(rule.increase(ofCost: 3), 3, accuracy: 1e-12)
        XCTAssertEqual(rule.increase(ofCost: 8), 6, accuracy: 1e-12)
        XCTAssertEqual(LossCombination(points: [(.infinity, 1)]), .additive)
    }

    /// Joint probes with standard errors 0.2 (at added 2) and 0.6 (at added 6): read off like the map.
    func testTheJointProbesStandardErrorsAreReadOffLikeTheMap() {
        let rule = LossCombination(calibration: [(6, 5, 0.6), (2, 3, 0.2)])
        XCTAssertEqual(rule.standardError(atSum: 1), 0.1, accuracy: 1e-12, "from the origin")
        XCTAssertEqual(rule.standardError(atSum: 4), 0.4, accuracy: 1e-12)
        XCTAssertEqual(rule.standardError(atSum: 12), 1.2, accuracy: 1e-12, "the deepest point's ratio")
        XCTAssertEqual(rule.increase(ofCost: 4), 4, accuracy: 1e-12, "the map is unchanged by the errors")
        XCTAssertEqual(LossCombination.additive.standardError(atSum: 3), 0)
        XCTAssertEqual(LossCombination(points: [(2, 3)]).standardError(atSum: 2), 0)
    }
}
