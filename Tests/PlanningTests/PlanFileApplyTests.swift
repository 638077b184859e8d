import Foundation
import Planning
import XCTest

/// ``PlanDocument/choices(for:)`` and ``ResolvedPlan/resolution(of:settings:)``:
/// the one rule by which `plan --plan`, `compress` and `eval --plan` turn a plan into choices.
final class PlanFileApplyTests: XCTestCase {
    /// Two blocks of three matrices with decaying spectra σᵢ = 0.8^i, one of them faster.
    private let tensors: [PlannedTensor] = {
        var list: [PlannedTensor] = []
        for block in 0..<2 {
            for (role, shape, decay) in [("self_attn.q_proj", [32, 32], 0.8), ("mlp.up_proj", [64, 32], 0.6), ("mlp.down_proj", [32, 64], 0.9)] {
                let name = "model.layers.\(block).\(role).weight"
                list.append(PlannedTensor(name: name, block: block, role: role, shape: shape,
                                          spectrum: Spectrum(tensorName: name, rows: shape[0], columns: shape[1],
                                                             singularValues: (0..<32).map { pow(decay, Double($0)) })))
            }
        }
        return list
    }()

    private func plan(_ json: String) throws -> PlanDocument {
        try PlanDocument(parsing: Array("{\"format\": \"rankscope-plan\", \"version\": 1, \(json)}".utf8), file: "p.json")
    }

    func testWithoutATargetTheChoicesAreTheResolvedOnes() throws {
        let document = try plan(#""rules": [{"match": "q_proj", "rank": 5}, {"match": "up_proj", "rank": {"energy": 0.99}, "bits": 4}]"#)
        let resolved = try document.resolve(tensors: tensors)
        let applied = try resolved.resolution(of: tensors, settings: PlanRunSettings(defaults: document.defaults))
        XCTAssertNil(applied.allocation)
        XCTAssertEqual(applied.choices, resolved.choices)
        XCTAssertEqual(try document.choices(for: tensors), resolved.choices)
        XCTAssertEqual(applied.choices["model.layers.1.self_attn.q_proj.weight"], .lowRank(rank: 5))
        XCTAssertEqual(applied.choices["model.layers.0.mlp.down_proj.weight"], .keep)
    }

    func testATargetIsAllocatedUnderTheResolvedConstraintsAndDefaults() throws {
        let document = try plan("""
        "defaults": {"factor_bits": 8, "group_size": 32},
        "target": {"parameters": 4000},
        "overrides": {"model.layers.0.self_attn.q_proj.weight": {"rank": 3, "lock": true},
                      "model.layers.1.mlp.down_proj.weight": {"exclude": true}}
        """)
        let resolved = try document.resolve(tensors: tensors)
        let applied = try resolved.resolution(of: tensors, settings: PlanRunSettings(document))
        var allocator = BudgetAllocator(factorBits: 8, groupSize: 32)
        let expected = try allocator.allocate(tensors: tensors, target: XCTUnwrap(document.target), constraints: resolved.constraints)
        XCTAssertEqual(applied.choices, expected.choices)
        XCTAssertEqual(try document.choices(for: tensors), expected.choices)
        XCTAssertEqual(applied.choices["model.layers.0.self_attn.q_proj.weight"], .lowRank(rank: 3, factorBits: 8, groupSize: 32), "locked")
        XCTAssertEqual(applied.choices["model.layers.1.mlp.down_proj.weight"], .keep, "excluded")
        XCTAssertNotEqual(applied.choices, resolved.choices, "the allocation chose ranks the file did not state")
        XCTAssertLessThanOrEqual(try XCTUnwrap(applied.allocation).totals.model.parametersAfter, 4000, "the target is met")
        // --allow-bits widens every free matrix's bit widths on top of the plan's.
        allocator.allowedFactorBits = Dictionary(uniqueKeysWithValues: resolved.constraints.compactMap { name, constraint in
            if case .free = constraint { return (name, Set([4])) } else { return nil }
        })
        let widened = try resolved.resolution(of: tensors, settings: PlanRunSettings(defaults: document.defaults, target: document.target, allowedBits: [4]))
        XCTAssertEqual(widened.choices, try allocator.allocate(tensors: tensors, target: XCTUnwrap(document.target),
                                                               constraints: resolved.constraints).choices)
    }
}
