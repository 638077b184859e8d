import Foundation
import Planning
import XCTest

/// The combination rule `1 − κΔ = Πᵢ(1 − κΔᵢ)` and its fit, on synthetic "models" whose loss
/// follows the rule exactly, so the fitted κ and every prediction are known.
final class LossCombinationTests: XCTestCase {
    func testAdditiveAddsAndTheRuleIsAProductOfHeadrooms() {
        XCTAssertEqual(LossCombination.additive.combine([0.5, 1, 2]), 3.5, accuracy: 1e-12)
        // κ = 0.25: 1 − Δ/4 = (1 − 0.25)(1 − 0.5) → Δ = 4 · (1 − 0.375) = 2.5, below the sum 3.
        let saturating = LossCombination(interaction: 0.25)
        XCTAssertEqual(saturating.combine([1, 2]), 2.5, accuracy: 1e-12)
        XCTAssertEqual(saturating.ceiling, 4)
        XCTAssertEqual(saturating.combine([3.9, 3.9, 3.9]), 4 * (1 - pow(0.025, 3)), accuracy: 1e-9)
        XCTAssertEqual(saturating.combine([10, 10]), 4, accuracy: 1e-9)  // past the ceiling: at it, finite
        // κ = −0.5 compounds: 1 + Δ/2 = (1.5)(2) → Δ = 4, above the sum 3.
        let compounding = LossCombination(interaction: -0.5)
        XCTAssertEqual(compounding.combine([1, 2]), 4, accuracy: 1e-12)
        XCTAssertNil(compounding.ceiling)
        // Small increases add under every rule.
        for rule in [saturating, compounding] { XCTAssertEqual(rule.combine([1e-6, 2e-6]), 3e-6, accuracy: 1e-11) }
        // Cost and increase are inverse, and the combination is the increase of the summed costs.
        for rule in [saturating, compounding, .additive] {
            XCTAssertEqual(rule.increase(ofCost: rule.cost(ofIncrease: 1.7)), 1.7, accuracy: 1e-12)
            XCTAssertEqual(rule.combine([0.3, 0.9]), rule.increase(ofCost: rule.cost(ofIncrease: 0.3) + rule.cost(ofIncrease: 0.9)), accuracy: 1e-12)
        }
        XCTAssertEqual(LossCombination(interaction: .nan), .additive)
    }

    /// A synthetic model whose joint loss follows the rule with κ = 0.15: the fit recovers κ from
    /// joint probes at two depths and predicts a third, unseen plan exactly; addition would not.
    func testTheFitRecoversTheInteractionOfASyntheticModelAndPredictsAnUnseenPlan() {
        let truth = LossCombination(interaction: 0.15)
        let shallow = [0.05, 0.2, 0.1, 0.3], deep = [0.6, 1.5, 0.9, 2.2], unseen = [0.2, 1.1, 0.05, 0.7]
        let fitted = LossCombination.fitted(to: [(shallow, truth.combine(shallow)), (deep, truth.combine(deep))])
        XCTAssertEqual(fitted.interaction, 0.15, accuracy: 1e-6)
        XCTAssertEqual(fitted.combine(unseen), truth.combine(unseen), accuracy: 1e-6)
        XCTAssertGreaterThan(LossCombination.additive.combine(unseen) - truth.combine(unseen), 0.1)
        // A compounding model is recovered too; no usable probe leaves addition.
        let compounding = LossCombination(interaction: -0.4)
        XCTAssertEqual(LossCombination.fitted(to: [(deep, compounding.combine(deep))]).interaction, -0.4, accuracy: 1e-6)
        XCTAssertEqual(LossCombination.fitted(to: []), .additive)
        XCTAssertEqual(LossCombination.fitted(to: [([], 1)]), .additive)
        // Exactly additive measurements fit κ ≈ 0.
        XCTAssertEqual(LossCombination.fitted(to: [(deep, deep.reduce(0, +))]).interaction, 0, accuracy: 1e-6)
    }
}
