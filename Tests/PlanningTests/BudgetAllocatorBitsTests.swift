import Foundation
import LinearAlgebra
import Planning
import XCTest

/// The allocator choosing factor bit widths where allowed, free matrices without a spectrum, and
/// as-stored choices in the totals.
final class BudgetAllocatorBitsTests: XCTestCase {
    private func matrix(_ name: String, _ m: Int, _ n: Int, seed: UInt64) -> PlannedTensor {
        var generator = SeededGenerator(seed: seed)
        let sigma = (0..<min(m, n)).map { _ in abs(generator.nextGaussian()) * 3 + 0.05 }.sorted(by: >)
        return PlannedTensor(name: name, block: 0, role: name, shape: [m, n], storedBits: 16,
                             spectrum: Spectrum(tensorName: name, rows: m, columns: n, singularValues: sigma))
    }

    /// Every plan where each matrix is kept or takes any rank at any allowed width, costed by PlanTotals.
    private func everyPlan(_ tensors: [PlannedTensor], bits: [Int], groupSize: Int) throws -> [(bytes: Int, error: Double, choices: [String: LayerChoice])] {
        var plans: [[String: LayerChoice]] = [[:]]
        for tensor in tensors {
            let s = min(tensor.shape[0], tensor.shape[1])
            let options = [LayerChoice.keep] + bits.filter { $0 < 16 }.map { LayerChoice.dense(bits: $0, groupSize: groupSize) }  // quantized dense candidates
                + bits.flatMap { b in (0...s).map { LayerChoice.lowRank(rank: $0, factorBits: b, groupSize: groupSize) } }
            plans = plans.flatMap { plan in options.map { plan.merging([tensor.name: $0]) { $1 } } }
        }
        return try plans.map { choices in
            let model = try PlanTotals(tensors: tensors, choices: choices).model
            return (model.bytesAfter, model.squaredError, choices)
        }
    }

    func testAllowedBitsAreChosenAndLagrangianPointsAreOptimal() throws {
        let tensors = [matrix("a", 6, 10, seed: 11), matrix("b", 8, 8, seed: 12), matrix("c", 10, 5, seed: 13)]
        let bits = [16, 8, 4]
        let groupSize = 4
        let plans = try everyPlan(tensors, bits: bits, groupSize: groupSize)
        var allocator = BudgetAllocator.squaredError(factorBits: 16, groupSize: groupSize)
        allocator.allowedFactorBits = Dictionary(uniqueKeysWithValues: tensors.map { ($0.name, Set(bits)) })
        let single = BudgetAllocator.squaredError(factorBits: 16, groupSize: groupSize)
        var quantizedChosen = 0
        var exactPoints = 0
        var strictlyBetter = 0
        let cheapest = plans.map(\.bytes).min()!
        let dearest = plans.map(\.bytes).max()!
        for budget in stride(from: cheapest, through: dearest, by: 3) {
            let allocation = try allocator.allocate(tensors: tensors, target: .bytes(budget))
            let model = allocation.totals.model
            XCTAssertLessThanOrEqual(model.bytesAfter, budget)
            // Never better than the best plan at its own cost (a check of the figures), and optimal when it is a Lagrangian point.
            let optimum = plans.filter { $0.bytes <= model.bytesAfter }.map(\.error).min()!
            XCTAssertGreaterThanOrEqual(model.squaredError, optimum - 1e-9, "budget \(budget)")
            if allocation.fillMoves == 0, !allocation.isUniform {
                XCTAssertEqual(model.squaredError, optimum, accuracy: 1e-9, "budget \(budget)")
                exactPoints += 1
            }
            quantizedChosen += allocation.choices.values.filter { ($0.rank != nil) && $0 != .lowRank(rank: $0.rank!, factorBits: 16, groupSize: groupSize) }.count
            if let fixed = try? single.allocate(tensors: tensors, target: .bytes(budget)),
               model.squaredError < fixed.totals.model.squaredError - 1e-9 {
                strictlyBetter += 1
            }
        }
        XCTAssertGreaterThan(quantizedChosen, 0, "8- or 4-bit factors are chosen at some budgets")
        XCTAssertGreaterThan(exactPoints, 5)
        XCTAssertGreaterThan(strictlyBetter, 0, "choosing bits beats 16-bit factors at some budgets")
    }

    /// A matrix not named in allowedFactorBits keeps the allocator's factor bits.
    func testOnlyNamedMatricesChooseBits() throws {
        let tensors = [matrix("a", 12, 12, seed: 21), matrix("b", 12, 12, seed: 22)]
        var allocator = BudgetAllocator.squaredError(factorBits: 16, groupSize: 4)
        allocator.allowedFactorBits = ["a": [2, 4]]
        let allocation = try allocator.allocate(tensors: tensors, target: .bytes(300))
        if case let .lowRank(_, bits, _, _, _)? = allocation.choices["b"] { XCTAssertEqual(bits, 16) }
        XCTAssertLessThanOrEqual(allocation.totals.model.bytesAfter, 300)
    }

    func testFreeMatrixWithoutSpectrumIsKeptAndReported() throws {
        let blind = PlannedTensor(name: "blind", block: 0, role: "blind", shape: [8, 8])
        let tensors = [matrix("a", 8, 8, seed: 31), blind]
        let allocation = try BudgetAllocator.squaredError().allocate(tensors: tensors, target: .parameters(64 + 40))
        XCTAssertEqual(allocation.withoutSpectrum, ["blind"])
        XCTAssertEqual(allocation.choices["blind"], .keep)
        XCTAssertEqual(allocation.choices["a"], .lowRank(rank: 2), "the 40 parameters left buy rank 2 of 8×8 (16 each)")
        XCTAssertEqual(allocation.totals.model.unknownErrorCount, 0, "kept as stored is not an unknown change")
    }

    /// A matrix kept as stored counts as unchanged whatever group size its choice carries.
    func testKeptMatrixWithAnotherGroupSizeIsNotAnUnknownChange() throws {
        let blind = PlannedTensor(name: "w", shape: [8, 8])
        var figures = PlanFigures()
        figures.add(try LayerEstimate(tensor: blind, choice: .dense(bits: nil, groupSize: 64)))
        XCTAssertEqual(figures.unknownErrorCount, 0)
        figures.add(try LayerEstimate(tensor: blind, choice: .lowRank(rank: 2)))
        XCTAssertEqual(figures.unknownErrorCount, 1)
    }
}
