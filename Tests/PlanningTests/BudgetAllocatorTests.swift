import Foundation
import LinearAlgebra
import Planning
import XCTest

final class BudgetAllocatorTests: XCTestCase {
    /// A linear matrix with a seeded, decreasing random spectrum.
    private func matrix(_ name: String, _ m: Int, _ n: Int, seed: UInt64, block: Int = 0) -> PlannedTensor {
        var generator = SeededGenerator(seed: seed)
        let sigma = (0..<min(m, n)).map { _ in abs(generator.nextGaussian()) * 3 + 0.05 }.sorted(by: >)
        return PlannedTensor(name: name, block: block, role: name, shape: [m, n], storedBits: 16,
                             spectrum: Spectrum(tensorName: name, rows: m, columns: n, singularValues: sigma))
    }

    private let embedding = PlannedTensor(name: "embed", kind: .embedding, shape: [10, 4], storedBits: 16)

    private struct Candidate {
        let choices: [String: LayerChoice]
        let parameters: Int
        let bytes: Int
        let error: Double
    }

    /// Every combination of keep / rank floor…s for the free matrices, costed by ``PlanTotals`` (the
    /// allocator's own solver is not involved).
    private func everyPlan(_ tensors: [PlannedTensor], free: [String], fixed: [String: LayerChoice] = [:],
                           floors: [String: Int] = [:], factorBits: Int = 16, groupSize: Int = 128) throws -> [Candidate] {
        var plans: [[String: LayerChoice]] = [fixed]
        for name in free {
            let tensor = tensors.first { $0.name == name }!
            let s = min(tensor.shape[0], tensor.shape[1])
            let quantizedDense = factorBits < 16 ? [LayerChoice.dense(bits: factorBits, groupSize: groupSize)] : []  // a candidate of its own
            let options = [LayerChoice.keep] + quantizedDense + ((floors[name] ?? 0)...s).map {
                LayerChoice.lowRank(rank: $0, factorBits: factorBits, groupSize: groupSize)
            }
            plans = plans.flatMap { plan in options.map { option in plan.merging([name: option]) { $1 } } }
        }
        return try plans.map { choices in
            let totals = try PlanTotals(tensors: tensors, choices: choices).model
            return Candidate(choices: choices, parameters: totals.parametersAfter, bytes: totals.bytesAfter, error: totals.squaredError)
        }
    }

    private func optimum(_ plans: [Candidate], within budget: Int, cost: (Candidate) -> Int) -> Double? {
        plans.filter { cost($0) <= budget }.map(\.error).min()
    }

    /// Equal shapes make every rank cost the same: the allocation must equal the brute-force optimum at every budget
    /// below the dense size of one matrix.
    func testEqualShapesMatchBruteForceExactly() throws {
        let tensors = [embedding, matrix("a", 6, 8, seed: 1), matrix("b", 6, 8, seed: 2), matrix("c", 6, 8, seed: 3)]
        let plans = try everyPlan(tensors, free: ["a", "b", "c"])
        for free in 0..<48 {
            let budget = 40 + free
            let allocation = try BudgetAllocator.squaredError().allocate(tensors: tensors, target: .parameters(budget))
            let best = try XCTUnwrap(optimum(plans, within: budget, cost: \.parameters))
            XCTAssertLessThanOrEqual(allocation.totals.model.parametersAfter, budget)
            XCTAssertEqual(allocation.totals.model.squaredError, best, accuracy: 1e-9, "budget \(budget)")
        }
    }

    /// Mixed shapes over every budget: never better than the optimum (consistency), exactly optimal at its own
    /// cost whenever it is a Lagrangian point, feasible, and no worse than the uniform plan.
    func testMixedShapesAgainstBruteForce() throws {
        let tensors = [embedding, matrix("a", 4, 12, seed: 4), matrix("b", 6, 6, seed: 5), matrix("c", 5, 9, seed: 6)]
        for (factorBits, groupSize, measureBytes) in [(16, 128, false), (16, 128, true), (4, 4, true), (8, 3, true)] {
            let plans = try everyPlan(tensors, free: ["a", "b", "c"], factorBits: factorBits, groupSize: groupSize)
            let cost: (Candidate) -> Int = measureBytes ? { $0.bytes } : { $0.parameters }
            let fixed = measureBytes ? 80 : 40
            let top = plans.map(cost).max()!
            var exact = 0
            var lagrangian = 0
            for budget in fixed...(top + 2) {
                let target: BudgetTarget = measureBytes ? .bytes(budget) : .parameters(budget)
                let allocator = BudgetAllocator.squaredError(factorBits: factorBits, groupSize: groupSize)
                guard let best = optimum(plans, within: budget, cost: cost) else {
                    XCTAssertThrowsError(try allocator.allocate(tensors: tensors, target: target))
                    continue
                }
                let allocation = try allocator.allocate(tensors: tensors, target: target)
                let figures = allocation.totals.model
                let spent = measureBytes ? figures.bytesAfter : figures.parametersAfter
                let label = "\(factorBits) bits, budget \(budget)"
                XCTAssertLessThanOrEqual(spent, budget, label)
                XCTAssertGreaterThanOrEqual(figures.squaredError, best - 1e-9, label)
                if allocation.fillMoves == 0, !allocation.isUniform {
                    lagrangian += 1
                    XCTAssertEqual(figures.squaredError, try XCTUnwrap(optimum(plans, within: spent, cost: cost)), accuracy: 1e-9, label)
                }
                if abs(figures.squaredError - best) < 1e-9 { exact += 1 }
                let uniform = try XCTUnwrap(allocation.uniform, label)
                XCTAssertLessThanOrEqual(figures.squaredError, uniform.totals.model.squaredError + 1e-9, label)
            }
            let count = top + 3 - fixed
            print("\(factorBits)-bit \(measureBytes ? "bytes" : "parameters"): optimal at \(exact) of \(count) budgets, Lagrangian points \(lagrangian)")
            XCTAssertGreaterThan(lagrangian, 0)
            XCTAssertGreaterThanOrEqual(Double(exact), 0.8 * Double(count))
        }
    }

    /// An error target: the allocation meets it, and no plan meeting its own error is cheaper.
    func testErrorTargetIsCheapestAtItsError() throws {
        let tensors = [embedding, matrix("a", 4, 12, seed: 7), matrix("b", 6, 6, seed: 8), matrix("c", 5, 9, seed: 9)]
        let plans = try everyPlan(tensors, free: ["a", "b", "c"])
        let norm = try PlanTotals(tensors: tensors, choices: [:]).model.squaredNorm
        var exact = 0
        var count = 0
        for target in stride(from: 0.02, through: 0.9, by: 0.01) {
            let allocation = try BudgetAllocator.squaredError().allocate(tensors: tensors, target: .relativeError(target))
            let figures = allocation.totals.model
            XCTAssertLessThanOrEqual(figures.relativeError, target + 1e-12)
            if allocation.fillMoves == 0, !allocation.isUniform {
                let cheapest = plans.filter { $0.error <= figures.squaredError + 1e-9 }.map(\.bytes).min()!
                XCTAssertEqual(figures.bytesAfter, cheapest, "target \(target)")
            }
            let cheapestAtTarget = plans.filter { $0.error <= target * target * norm * (1 + 1e-12) }.map(\.bytes).min()!
            XCTAssertGreaterThanOrEqual(figures.bytesAfter, cheapestAtTarget, "target \(target)")
            if figures.bytesAfter == cheapestAtTarget { exact += 1 }
            count += 1
            if let uniform = allocation.uniform {
                XCTAssertGreaterThanOrEqual(uniform.totals.model.bytesAfter, figures.bytesAfter, "target \(target)")
            }
        }
        print("error targets: cheapest at \(exact) of \(count)")
        XCTAssertGreaterThanOrEqual(Double(exact), 0.8 * Double(count))
        XCTAssertEqual(try BudgetAllocator.squaredError().allocate(tensors: tensors, target: .relativeError(0)).totals.model.squaredError, 0)
    }

    func testLocksFloorsAndExclusions() throws {
        let tensors = [embedding, matrix("a", 6, 8, seed: 1), matrix("b", 6, 8, seed: 2), matrix("c", 6, 8, seed: 3),
                       matrix("d", 6, 8, seed: 4)]
        let constraints: [String: LayerConstraint] = ["a": .locked(.lowRank(rank: 1, factorBits: 8, groupSize: 4)),
                                                      "b": .free(floor: 2), "c": .excluded]
        // Budget: embedding 40 + c 48 + a 14 + floor of b 28 + 14 more.
        let allocation = try BudgetAllocator.squaredError().allocate(tensors: tensors, target: .parameters(40 + 48 + 14 + 28 + 14),
                                                        constraints: constraints)
        XCTAssertEqual(allocation.choices["a"], .lowRank(rank: 1, factorBits: 8, groupSize: 4))
        XCTAssertEqual(allocation.choices["c"], .keep)
        XCTAssertGreaterThanOrEqual(allocation.choices["b"]?.rank ?? 0, 2)
        XCTAssertEqual((allocation.choices["b"]?.rank ?? 0) + (allocation.choices["d"]?.rank ?? 0), 3)
        let plans = try everyPlan(tensors, free: ["b", "d"], fixed: ["a": constraints["a"].map { if case .locked(let c) = $0 { return c }; return .keep }!, "c": .keep],
                                  floors: ["b": 2])
        XCTAssertEqual(allocation.totals.model.squaredError, optimum(plans, within: 144, cost: \.parameters)!, accuracy: 1e-9)
        XCTAssertNil(allocation.choices["embed"], "only compressible matrices get choices")
    }

    func testBreakEvenLayersGoDense() throws {
        let tensors = [matrix("a", 6, 8, seed: 1), matrix("b", 4, 12, seed: 2)]
        // Everything fits: both dense, no error.
        let all = try BudgetAllocator.squaredError().allocate(tensors: tensors, target: .parameters(96))
        XCTAssertEqual(all.choices, ["a": .keep, "b": .keep])
        XCTAssertEqual(all.totals.model.squaredError, 0)
        // A floor past break-even (6×8: rank 4 costs 56 ≥ 48) forces dense.
        let forced = try BudgetAllocator.squaredError().allocate(tensors: tensors, target: .parameters(60), constraints: ["a": .free(floor: 4)])
        XCTAssertEqual(forced.choices["a"], .keep)
        XCTAssertEqual(forced.choices["b"], .lowRank(rank: 0))
    }

    func testUnreachableAndInvalidTargets() {
        let tensors = [embedding, matrix("a", 6, 8, seed: 1)]
        XCTAssertThrowsError(try BudgetAllocator.squaredError().allocate(tensors: tensors, target: .parameters(39))) { error in
            XCTAssertEqual(error as? PlanError, .targetUnreachable(target: "39 parameters", bestAchievable: "40 parameters"))
        }
        XCTAssertThrowsError(try BudgetAllocator.squaredError().allocate(tensors: tensors, target: .bytes(-1)))
        XCTAssertThrowsError(try BudgetAllocator.squaredError().allocate(tensors: tensors, target: .relativeError(1.5)))
        XCTAssertThrowsError(try BudgetAllocator.squaredError(factorBits: 5).allocate(tensors: tensors, target: .parameters(60))) { error in
            XCTAssertEqual(error as? PlanError, .unsupportedFactorBits(tensor: "a", bits: 5))
        }
        XCTAssertThrowsError(try BudgetAllocator.squaredError().allocate(tensors: tensors, target: .parameters(60), constraints: ["a": .free(floor: 7)])) { error in
            XCTAssertEqual(error as? PlanError, .rankAboveFullRank(tensor: "a", rank: 7, fullRank: 6))
        }
        // A free matrix without a spectrum is kept as stored (and reported), so it counts in full.
        let blind = [PlannedTensor(name: "x", shape: [4, 4])]
        XCTAssertThrowsError(try BudgetAllocator.squaredError().allocate(tensors: blind, target: .parameters(8))) { error in
            XCTAssertEqual(error as? PlanError, .targetUnreachable(target: "8 parameters", bestAchievable: "16 parameters"))
        }
    }

    func testBitsPerWeightTargetAndCaldera() throws {
        let tensors = [matrix("a", 16, 32, seed: 1), matrix("b", 32, 16, seed: 2)]
        // 4.5 bits per weight over 1024 weights = 576 bytes; CALDERA backbone at 2 bits (groups of 16:
        // 2 + 2 bits per weight, 256 bytes a matrix), factors at 4 bits (one rank: 48·4 + 32·3 bits = 36 bytes).
        let allocator = BudgetAllocator.squaredError(factorBits: 4, groupSize: 16, backboneBits: 2)
        XCTAssertThrowsError(try allocator.allocate(tensors: tensors, target: .bitsPerWeight(3.9))) { error in
            XCTAssertEqual(error as? PlanError, .targetUnreachable(target: "3.9 bits per weight", bestAchievable: "512 bytes"))
        }
        let allocation = try allocator.allocate(tensors: tensors, target: .bitsPerWeight(4.5))
        XCTAssertLessThanOrEqual(allocation.totals.model.bytesAfter, 576)
        XCTAssertGreaterThan(allocation.totals.model.bytesAfter, 576 - 36)
        XCTAssertLessThanOrEqual(allocation.totals.model.bitsPerWeight, 4.5)
        for name in ["a", "b"] {
            guard case .lowRank(_, 4, 16, 2, _)? = allocation.choices[name] else { return XCTFail("\(name): \(String(describing: allocation.choices[name]))") }
        }
        // Brute force over the two CALDERA ranks.
        var best = Double.infinity
        for ka in 0...16 { for kb in 0...16 {
            let choices: [String: LayerChoice] = ["a": .lowRank(rank: ka, factorBits: 4, groupSize: 16, backboneBits: 2),
                                                  "b": .lowRank(rank: kb, factorBits: 4, groupSize: 16, backboneBits: 2)]
            let totals = try PlanTotals(tensors: tensors, choices: choices).model
            if totals.bytesAfter <= 576 { best = min(best, totals.squaredError) }
        } }
        XCTAssertEqual(allocation.totals.model.squaredError, best, accuracy: 1e-9)
    }

    /// Not a timed assertion: allocates over 560 matrices of Llama-70B shapes and prints how long it took.
    func testSeventyBillionShapedAllocationRuns() throws {
        let shapes = [(8192, 8192), (1024, 8192), (1024, 8192), (8192, 8192), (28672, 8192), (28672, 8192), (8192, 28672)]
        var tensors: [PlannedTensor] = []
        for block in 0..<80 {
            for (index, (m, n)) in shapes.enumerated() {
                let decay = 0.3 + 0.05 * Double((block + index) % 7)
                let sigma = (0..<min(m, n)).map { 100 * pow(Double($0) + 1, -decay) }
                let name = "layers.\(block).w\(index)"
                tensors.append(PlannedTensor(name: name, block: block, role: "w\(index)", shape: [m, n], storedBits: 16,
                                             spectrum: Spectrum(tensorName: name, rows: m, columns: n, singularValues: sigma)))
            }
        }
        XCTAssertEqual(tensors.count, 560)
        let dense = tensors.reduce(0) { $0 + $1.storedBytes }
        let start = Date()
        let allocation = try BudgetAllocator.squaredError(factorBits: 8, groupSize: 128).allocate(tensors: tensors, target: .bytes(dense / 4))
        let seconds = Date().timeIntervalSince(start)
        XCTAssertLessThanOrEqual(allocation.totals.model.bytesAfter, dense / 4)
        let uniformError = try XCTUnwrap(allocation.uniform).totals.model.relativeError
        XCTAssertLessThan(allocation.totals.model.relativeError, uniformError, "varied decay must let the allocation beat uniform ranks")
        let started = Date()
        _ = try PlanTotals(tensors: tensors, choices: allocation.choices)
        print(String(format: "560 matrices: allocation %.3f s (incl. uniform plan), totals %.4f s, error %.4f vs uniform %.4f (×%.2f)",
                     seconds, Date().timeIntervalSince(started), allocation.totals.model.relativeError,
                     allocation.uniform?.totals.model.relativeError ?? .nan, allocation.errorImprovement ?? .nan))
    }
}
