import Foundation
import Planning
import XCTest

/// ``PlanResolution``, ``PlanRunSettings`` and their entry points: the one rule by which `plan`,
/// `compress`, `merge`, `eval --plan` and the explorer's budget panel turn a plan and a run's
/// settings into per-layer choices. Expected allocations are made by a ``BudgetAllocator``
/// configured by hand here, not through the code under test.
final class PlanResolutionTests: XCTestCase {
    /// Two blocks of three matrices with decaying spectra σᵢ = decay^i.
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

    private let q0 = "model.layers.0.self_attn.q_proj.weight"
    private let up0 = "model.layers.0.mlp.up_proj.weight"
    private let down1 = "model.layers.1.mlp.down_proj.weight"

    private func plan(_ json: String) throws -> PlanDocument {
        try PlanDocument(parsing: Array("{\"format\": \"rankscope-plan\", \"version\": 1, \(json)}".utf8), file: "p.json")
    }

    /// Rules (an energy rank, `allow_bits` on the up projections), a lock, an exclusion, a floor,
    /// an objective, a minimum rank and a byte target.
    private func richPlan() throws -> PlanDocument {
        try plan("""
        "defaults": {"factor_bits": 8, "group_size": 32, "objective": "relative-params", "min_rank": 2},
        "target": {"bytes": 9000},
        "rules": [{"match": "up_proj", "allow_bits": [4, 8]}, {"match": "layers\\\\.1\\\\.self_attn", "rank": {"energy": 0.9}}],
        "overrides": {"\(q0)": {"rank": 3, "lock": true},
                      "\(down1)": {"exclude": true},
                      "model.layers.0.mlp.down_proj.weight": {"floor": 4}}
        """)
    }

    /// The allocator `plan` must configure for `document` resolved over `tensors`, built field by field.
    private func expectedAllocator(_ document: PlanDocument, _ resolved: ResolvedPlan, extra: Set<Int> = []) -> BudgetAllocator {
        var allocator = BudgetAllocator(factorBits: document.defaults.factorBits, groupSize: document.defaults.groupSize,
                                        backboneBits: document.defaults.backboneBits)
        allocator.objective = document.defaults.objective
        allocator.minimumRank = document.defaults.minimumRank
        for (name, constraint) in resolved.constraints {
            guard case .free = constraint else { continue }
            let widths = (resolved.allowedBits[name] ?? []).union(extra)
            if !widths.isEmpty { allocator.allowedFactorBits[name] = widths }
        }
        return allocator
    }

    func testTheAllocatorCarriesTheDefaultsAndMergesAllowBitsForFreeMatricesOnly() throws {
        let document = try richPlan()
        let resolved = try document.resolve(tensors: tensors)
        XCTAssertEqual(resolved.allowedBits[up0], [4, 8], "the rule's allow_bits")
        let allocator = PlanRunSettings(defaults: document.defaults, target: document.target, allowedBits: [16, 2]).allocator(for: resolved)
        XCTAssertEqual(allocator.factorBits, 8)
        XCTAssertEqual(allocator.groupSize, 32)
        XCTAssertEqual(allocator.objective, .relativeParameters)
        XCTAssertEqual(allocator.minimumRank, .rank(2))
        XCTAssertEqual(allocator.allowedFactorBits[up0], [4, 8, 16, 2], "the plan's widths and --allow-bits together")
        XCTAssertEqual(allocator.allowedFactorBits["model.layers.1.mlp.up_proj.weight"], [4, 8, 16, 2])
        XCTAssertEqual(allocator.allowedFactorBits["model.layers.0.mlp.down_proj.weight"], [16, 2], "free (floored): --allow-bits only")
        XCTAssertNil(allocator.allowedFactorBits[q0], "locked")
        XCTAssertNil(allocator.allowedFactorBits[down1], "excluded")
        XCTAssertEqual(PlanRunSettings(document).allocator(for: resolved).allowedFactorBits, resolved.allowedBits,
                       "without --allow-bits only the plan's own widths")
    }

    func testAPlanFileResolvesIdenticallyThroughEveryEntryPoint() throws {
        let document = try richPlan()
        let resolved = try document.resolve(tensors: tensors)
        let expected = try expectedAllocator(document, resolved).allocate(tensors: tensors, target: XCTUnwrap(document.target),
                                                                           constraints: resolved.constraints)
        // compress, merge and eval --plan: the plan's own settings.
        let compress = try document.resolution(of: tensors)
        XCTAssertEqual(compress.choices, expected.choices)
        XCTAssertEqual(compress.allocation?.totals.model.bytesAfter, expected.totals.model.bytesAfter)
        // InMemoryCompression (other targets): choices(for:).
        XCTAssertEqual(try document.choices(for: tensors), expected.choices)
        // plan --plan FILE: the two steps with its warnings in between, settings stated in full.
        let settings = PlanRunSettings(defaults: document.defaults, target: document.target)
        let plan = try document.resolved(for: tensors, settings: settings).resolution(of: tensors, settings: settings)
        XCTAssertEqual(plan.choices, expected.choices)
        // The explorer after opening it: its rows (choices, constraints, allowed widths) rebuilt as a ResolvedPlan.
        let rows = ResolvedPlan(choices: resolved.choices, constraints: resolved.constraints, allowedBits: resolved.allowedBits)
        XCTAssertEqual(try rows.resolution(of: tensors, settings: settings).choices, expected.choices)
        // The choices the allocation made honour every part of the file.
        XCTAssertEqual(expected.choices[q0], .lowRank(rank: 3, factorBits: 8, groupSize: 32), "locked")
        XCTAssertEqual(expected.choices[down1], .keep, "excluded")
        XCTAssertGreaterThanOrEqual(expected.choices["model.layers.0.mlp.down_proj.weight"]?.rank ?? .max, 4, "floor (or dense)")
        XCTAssertLessThanOrEqual(expected.totals.model.bytesAfter, 9000, "the target is met")
        // The written plan (plan --out, the explorer's save) resolves, without a target, to the same choices.
        let written = try PlanDocument(parsing: compress.document(checkpoint: nil).bytes, file: "out.json")
        XCTAssertEqual(written.defaults, document.defaults)
        XCTAssertNil(written.target)
        XCTAssertEqual(try written.resolution(of: tensors).choices, expected.choices)
        XCTAssertEqual(try written.resolve(tensors: tensors).constraints, resolved.constraints)
    }

    func testAllowBitsChangeTheAllocationAsTheAllocatorWouldWithThoseWidths() throws {
        let document = try plan(#""target": {"bytes": 2500}"#)
        let resolved = try document.resolve(tensors: tensors)
        let target = try XCTUnwrap(document.target)
        let plain = try document.resolution(of: tensors)
        let widened = try document.resolution(of: tensors, settings: PlanRunSettings(defaults: document.defaults, target: target,
                                                                                      allowedBits: [16, 8, 4]))
        let expected = try expectedAllocator(document, resolved, extra: [16, 8, 4]).allocate(tensors: tensors, target: target,
                                                                                                constraints: resolved.constraints)
        XCTAssertEqual(widened.choices, expected.choices)
        XCTAssertNotEqual(widened.choices, plain.choices, "narrower factors buy rank at this budget")
        XCTAssertTrue(widened.choices.values.contains { choice in
            if case let .lowRank(_, bits, _, _, _) = choice { return bits < 16 }
            return false
        }, "some matrix takes fewer than 16 bits")
        XCTAssertLessThan(try XCTUnwrap(widened.allocation).totals.model.relativeError,
                          try XCTUnwrap(plain.allocation).totals.model.relativeError)
    }

    func testTheRunsDefaultsReplaceThePlansBeforeItsRules() throws {
        // `plan --factor-bits 4` over a file whose rule ranks without stating bits.
        let document = try plan(#""rules": [{"match": "q_proj", "rank": 5}]"#)
        var defaults = document.defaults
        defaults.factorBits = 4
        let resolution = try document.resolution(of: tensors, settings: PlanRunSettings(defaults: defaults))
        XCTAssertEqual(resolution.choices[q0], .lowRank(rank: 5, factorBits: 4))
        XCTAssertNil(resolution.allocation)
        XCTAssertEqual(resolution.document(checkpoint: nil).defaults.factorBits, 4, "written with the defaults it ran with")
    }

    func testALossModelWeighsSizeTargetsOnly() throws {
        // A model that finds every rank of the up projections expensive: allocated for it, they get fewer ranks.
        struct UpProjectionsMatter: MatrixLossModel {
            let lossDescription = "synthetic loss"
            func lossIncrease(matrix: String, choice: LayerChoice) -> Double? {
                guard let rank = choice.rank else { return 0 }
                return (matrix.contains("up_proj") ? 100.0 : 1.0) * pow(0.8, Double(rank))
            }
        }
        let document = try plan(#""target": {"parameters": 4000}"#)
        let resolved = try document.resolve(tensors: tensors)
        let size = PlanRunSettings(defaults: document.defaults, target: document.target, lossModel: UpProjectionsMatter())
        XCTAssertNotNil(size.allocationLossModel)
        let expected = try expectedAllocator(document, resolved).allocate(tensors: tensors, target: XCTUnwrap(document.target),
                                                                           constraints: resolved.constraints, lossModel: UpProjectionsMatter())
        XCTAssertEqual(try document.resolution(of: tensors, settings: size).choices, expected.choices)
        XCTAssertNotEqual(expected.choices, try document.resolution(of: tensors).choices, "the loss model moved ranks")
        // An error target is a weight error: the prediction is left out instead of refused.
        let error = PlanRunSettings(defaults: document.defaults, target: .relativeError(0.2), lossModel: UpProjectionsMatter())
        XCTAssertNil(error.allocationLossModel)
        XCTAssertEqual(try document.resolution(of: tensors, settings: error).choices,
                       try document.resolution(of: tensors, settings: PlanRunSettings(defaults: document.defaults, target: .relativeError(0.2))).choices)
    }

    func testAPartResolvesItsOwnLayersExactlyAndStandsInForTheRest() throws {
        let document = try plan(#""rules": [{"match": "up_proj", "rank": {"energy": 0.9}}]"#)
        let bare = tensors.map { tensor in tensor.name == up0 ? tensor : PlannedTensor(name: tensor.name, block: tensor.block, role: tensor.role,
                                                                                         shape: tensor.shape, spectrum: nil) }
        let part = try document.resolution(of: bare, exactFor: [up0])
        XCTAssertEqual(part.choices[up0], try document.resolution(of: tensors).choices[up0], "its own layer as a whole run has it")
        XCTAssertEqual(part.plan.unranked, ["model.layers.1.mlp.up_proj.weight"])
        XCTAssertThrowsError(try document.resolution(of: bare, exactFor: ["model.layers.1.mlp.up_proj.weight"])) { error in
            guard case PlanError.spectrumMissing(let tensor) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(tensor, "model.layers.1.mlp.up_proj.weight")
        }
        XCTAssertThrowsError(try document.resolution(of: bare), "a whole run needs every energy rule's spectrum")
    }

    func testAFreeMatrixKeptDenseAtSomeBitsIsWrittenUnlocked() throws {
        let document = try plan(#""overrides": {"\#(q0)": {"keep_dense": true, "dense_bits": 8, "lock": false}}"#)
        let resolution = try document.resolution(of: tensors)
        XCTAssertEqual(resolution.plan.constraints[q0], .free(floor: 0))
        let written = try PlanDocument(parsing: resolution.document(checkpoint: nil).bytes, file: "out.json")
        XCTAssertEqual(written.overrides.first { $0.tensor == q0 }?.settings.lock, false)
        XCTAssertEqual(try written.resolve(tensors: tensors).constraints[q0], .free(floor: 0), "it opens free, as it was")
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
