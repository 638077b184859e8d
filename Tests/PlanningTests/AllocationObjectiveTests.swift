import Foundation
import LinearAlgebra
import Planning
import XCTest

/// The allocator's combination rule (``AllocationObjective``) and floor (``MinimumRank``).
final class AllocationObjectiveTests: XCTestCase {
    /// A 12×48 matrix (ranks 0…9 cost less than dense) with singular values `scale`·(6, 5.5, …, 0.5) + a seeded jitter.
    private func matrix(_ name: String, scale: Double, seed: UInt64 = 1, shape: (Int, Int) = (12, 48)) -> PlannedTensor {
        var generator = SeededGenerator(seed: seed)
        let s = min(shape.0, shape.1)
        var sigma: [Double] = []
        for index in 0..<s {
            let jitter: Double = abs(generator.nextGaussian()) * 0.01
            sigma.append(scale * (Double(s - index) * 0.5 + jitter))
        }
        sigma.sort(by: >)
        return PlannedTensor(name: name, shape: [shape.0, shape.1], spectrum: Spectrum(tensorName: name, rows: shape.0, columns: shape.1,
                                                                                    singularValues: sigma))
    }

    private func allocator(_ objective: AllocationObjective, _ minimum: MinimumRank = .rank(0)) -> BudgetAllocator {
        var allocator = BudgetAllocator()
        allocator.objective = objective
        allocator.minimumRank = minimum
        return allocator
    }

    private func rank(_ allocation: Allocation, _ name: String) -> Int? { allocation.choices[name]?.rank }

    /// The same spectrum shape at norms 100×, 1×, 0.1×: the relative objective gives them the same ranks
    /// (the norm does not decide), the squared error gives the small one nothing.
    func testRelativeObjectiveDoesNotLetANormDecide() throws {
        let tensors = [matrix("big", scale: 100), matrix("mid", scale: 1), matrix("small", scale: 0.1)]
        let budget = 3 * 3 * 60  // rank 3 each
        let relative = try allocator(.relative).allocate(tensors: tensors, target: .parameters(budget))
        XCTAssertEqual([rank(relative, "big"), rank(relative, "mid"), rank(relative, "small")], [3, 3, 3])
        let squared = try allocator(.squaredError).allocate(tensors: tensors, target: .parameters(budget))
        XCTAssertEqual(rank(squared, "small"), 0, "squared error: the small-norm matrix loses every rank")
        XCTAssertGreaterThan(try XCTUnwrap(rank(squared, "big")), 3)
        // Parameter shares: a 12×96 matrix has twice the parameters of a 12×48 one, so its relative error weighs twice.
        let shares = [matrix("wide", scale: 0.1, shape: (12, 96)), matrix("narrow", scale: 50)]
        let weighted = try allocator(.relativeParameters).allocate(tensors: shares, target: .parameters(3 * 108 + 3 * 60))
        let plain = try allocator(.relative).allocate(tensors: shares, target: .parameters(3 * 108 + 3 * 60))
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(rank(weighted, "wide")), try XCTUnwrap(rank(plain, "wide")))
        XCTAssertGreaterThan(try XCTUnwrap(rank(weighted, "wide")), try XCTUnwrap(rank(squared, "small")))
    }

    /// Equal shapes make every rank cost the same: the allocation minimises Σ εᵢ²/(N·Eᵢ) exactly, checked
    /// against every plan (ranks 0…9 or dense, state 10) while at most one matrix can be dense, and its proxy and the uniform plan's are that sum's square root.
    func testRelativeObjectiveIsExactOnEqualShapes() throws {
        let tensors = [matrix("a", scale: 5, seed: 1), matrix("b", scale: 0.2, seed: 2), matrix("c", scale: 1, seed: 3)]
        let dense = 10
        func cost(_ state: Int) -> Int { state == dense ? 12 * 48 : state * 60 }
        func proxy(_ states: [Int]) -> Double {
            zip(tensors, states).reduce(0.0) { sum, pair in
                let spectrum = pair.0.spectrum!
                return sum + (pair.1 == dense ? 0 : spectrum.tailEnergy[pair.1] / (3 * spectrum.tailEnergy[0]))
            }.squareRoot()
        }
        for ranks in 1...30 {
            let budget = ranks * 60
            let allocation = try allocator(.relative).allocate(tensors: tensors, target: .parameters(budget))
            var best = Double.infinity
            for a in 0...dense { for b in 0...dense { for c in 0...dense where cost(a) + cost(b) + cost(c) <= budget {
                best = min(best, proxy([a, b, c]))
            } } }
            if budget < 2 * cost(dense) {
                XCTAssertEqual(allocation.proxyError, best, accuracy: 1e-12, "budget \(budget)")
            } else {
                // Two or more dense matrices fit: whole-matrix jumps make it a knapsack, solved up to one move.
                XCTAssertGreaterThanOrEqual(allocation.proxyError, best - 1e-12, "budget \(budget)")
                XCTAssertLessThanOrEqual(allocation.proxyError, best * 1.05, "budget \(budget)")
            }
            let chosen = ["a", "b", "c"].map { rank(allocation, $0) ?? dense }
            XCTAssertEqual(allocation.proxyError, proxy(chosen), accuracy: 1e-12)
            let uniform = try XCTUnwrap(allocation.uniform)
            let uniformRanks = ["a", "b", "c"].map { uniform.choices[$0]?.rank ?? dense }
            XCTAssertEqual(try XCTUnwrap(allocation.uniformProxyError), proxy(uniformRanks), accuracy: 1e-12)
            if allocation.proxyError > 0 {
                XCTAssertEqual(try XCTUnwrap(allocation.errorImprovement), proxy(uniformRanks) / allocation.proxyError, accuracy: 1e-12)
                XCTAssertGreaterThanOrEqual(try XCTUnwrap(allocation.errorImprovement), 1 - 1e-12, "never worse than uniform in its proxy")
            }
        }
    }

    /// With `50%u` no free matrix goes below half its uniform rank (so never to 0 when the uniform plan keeps it);
    /// the default `auto` floors at the whole uniform rank on a cut this deep; `--min-rank 0` allows what the
    /// objective prefers.
    func testHalfUniformFloorAndTheDefault() throws {
        let tensors = [matrix("big", scale: 100), matrix("tiny", scale: 0.001, seed: 2), matrix("mid", scale: 1, seed: 3)]
        for budget in stride(from: 60, through: 27 * 60, by: 30) {
            let unfloored = try allocator(.squaredError).allocate(tensors: tensors, target: .parameters(budget))
            let floored = try allocator(.squaredError, .shareOfUniform(0.5)).allocate(tensors: tensors, target: .parameters(budget))
            let uniform = try XCTUnwrap(floored.uniform)
            for name in ["big", "tiny", "mid"] {
                guard let uniformRank = uniform.choices[name]?.rank, let chosen = rank(floored, name) else { continue }
                XCTAssertGreaterThanOrEqual(chosen, (uniformRank + 1) / 2, "\(name) at budget \(budget)")
                if uniformRank > 0 { XCTAssertGreaterThan(chosen, 0) }
            }
            XCTAssertLessThanOrEqual(floored.totals.model.parametersAfter, budget)
            XCTAssertEqual(floored.minimumRank, .shareOfUniform(0.5))
            if budget == 6 * 60 {
                XCTAssertEqual(rank(unfloored, "tiny"), 0, "without a floor the squared error removes the tiny-norm matrix")
                XCTAssertEqual(rank(floored, "tiny"), 1, "half of the uniform rank 2")
                // 360 of 1,728 parameters is far below half the size: auto returns the uniform plan.
                let automatic = try allocator(.squaredError, .standard).allocate(tensors: tensors, target: .parameters(budget))
                XCTAssertTrue(automatic.isUniform)
                for name in ["big", "tiny", "mid"] { XCTAssertEqual(rank(automatic, name), uniform.choices[name]?.rank, name) }
            }
        }
        let fixed = try allocator(.squaredError, .rank(4)).allocate(tensors: tensors, target: .parameters(12 * 60))
        XCTAssertEqual(rank(fixed, "tiny"), 4)
        let share = try allocator(.squaredError, .shareOfFullRank(0.5)).allocate(tensors: tensors, target: .parameters(18 * 60))
        XCTAssertEqual(rank(share, "tiny"), 6)
        XCTAssertThrowsError(try allocator(.relative, .rank(5)).allocate(tensors: tensors, target: .parameters(10 * 60))) { error in
            XCTAssertTrue("\(error)".contains("minimum rank 5"), "\(error)")
        }
    }

    func testMinimumRankSpellings() {
        XCTAssertEqual(MinimumRank.parse("16"), .rank(16))
        XCTAssertEqual(MinimumRank.parse("0"), .rank(0))
        XCTAssertEqual(MinimumRank.parse("10%"), .shareOfFullRank(0.1))
        XCTAssertEqual(MinimumRank.parse(" 50%U "), .shareOfUniform(0.5))
        XCTAssertEqual(MinimumRank.parse("12.5%u"), .shareOfUniform(0.125))
        for bad in ["-1", "150%", "x", "%u", "50u", "5%%", ""] { XCTAssertNil(MinimumRank.parse(bad), bad) }
        for text in ["16", "10%", "50%u", "12.5%u", "0"] { XCTAssertEqual(MinimumRank.parse(text)?.description, text) }
        let half = MinimumRank.shareOfUniform(0.5)
        XCTAssertEqual(half.floor(rows: 64, columns: 128, uniformRank: 1), 1, "never 0 for a share above 0")
        XCTAssertEqual(half.floor(rows: 64, columns: 128, uniformRank: 0), 0)
        XCTAssertEqual(half.floor(rows: 64, columns: 128, uniformRank: 9), 5)
        XCTAssertEqual(half.floor(rows: 64, columns: 128, uniformRank: nil), 0)
        // auto (the default): half the uniform rank down to 75% of the size, all of it at 50% and below.
        XCTAssertEqual(MinimumRank.standard, .deepening)
        XCTAssertEqual(MinimumRank.parse(" Auto "), .deepening)
        XCTAssertEqual(MinimumRank.deepening.description, "auto")
        XCTAssertEqual(MinimumRank.deepening.floor(rows: 64, columns: 128, uniformRank: 40, budgetShare: 0.9), 20)
        XCTAssertEqual(MinimumRank.deepening.floor(rows: 64, columns: 128, uniformRank: 40, budgetShare: 0.75), 20)
        XCTAssertEqual(MinimumRank.deepening.floor(rows: 64, columns: 128, uniformRank: 40, budgetShare: 0.625), 30)
        XCTAssertEqual(MinimumRank.deepening.floor(rows: 64, columns: 128, uniformRank: 40, budgetShare: 0.5), 40)
        XCTAssertEqual(MinimumRank.deepening.floor(rows: 64, columns: 128, uniformRank: 40, budgetShare: 0.2), 40)
        XCTAssertEqual(MinimumRank.deepening.floor(rows: 64, columns: 128, uniformRank: 40), 20, "no size target: a mild cut")
        XCTAssertEqual(MinimumRank.deepening.floor(rows: 64, columns: 128, uniformRank: nil, budgetShare: 0.5), 0)
        XCTAssertEqual(MinimumRank.shareOfFullRank(0.1).floor(rows: 384, columns: 1536, uniformRank: nil), 39)
        XCTAssertEqual(MinimumRank.rank(1000).floor(rows: 64, columns: 128, uniformRank: nil), 64)
        XCTAssertEqual(AllocationObjective(name: "Relative-Params"), .relativeParameters)
        XCTAssertNil(AllocationObjective(name: "l2"))
    }
}
