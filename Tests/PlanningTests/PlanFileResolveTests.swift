import Foundation
import Planning
import XCTest

final class PlanFileResolveTests: XCTestCase {
    /// Two blocks of a small Llama-named model; spectra σᵢ = 1/i.
    private let tensors: [PlannedTensor] = {
        var list = [PlannedTensor(name: "model.embed_tokens.weight", role: "embed_tokens", kind: .embedding, shape: [100, 16])]
        for block in 0..<2 {
            for (role, shape) in [("self_attn.q_proj", [16, 16]), ("self_attn.k_proj", [8, 16]), ("mlp.up_proj", [40, 16]), ("mlp.down_proj", [16, 40])] {
                let name = "model.layers.\(block).\(role).weight"
                let s = min(shape[0], shape[1])
                list.append(PlannedTensor(name: name, block: block, role: role, shape: shape,
                                          spectrum: Spectrum(tensorName: name, rows: shape[0], columns: shape[1],
                                                             singularValues: (1...s).map { 1 / Double($0) })))
            }
        }
        return list
    }()

    private func plan(_ json: String) throws -> PlanDocument {
        try PlanDocument(parsing: Array("{\"format\": \"rankscope-plan\", \"version\": 1, \(json)}".utf8), file: "p.json")
    }

    func testLaterRulesWinFieldByFieldAndOverridesWinLast() throws {
        let resolved = try plan("""
        "defaults": {"factor_bits": 8, "group_size": 64},
        "rules": [
          {"match": "layers", "rank": 4},
          {"match": "mlp", "bits": 4},
          {"match": "up_proj", "rank": 6},
          {"match": "layers\\\\.1\\\\.mlp\\\\.up", "rank": {"fraction": 0.5}, "group_size": 32}
        ],
        "overrides": {"model.layers.0.mlp.up_proj.weight": {"rank": 2, "bits": 16}}
        """).resolve(tensors: tensors)
        XCTAssertEqual(resolved.choices["model.layers.0.self_attn.q_proj.weight"], .lowRank(rank: 4, factorBits: 8, groupSize: 64))
        XCTAssertEqual(resolved.choices["model.layers.0.mlp.down_proj.weight"], .lowRank(rank: 4, factorBits: 4, groupSize: 64))
        XCTAssertEqual(resolved.choices["model.layers.0.mlp.up_proj.weight"], .lowRank(rank: 2, factorBits: 16, groupSize: 64))
        // ⌈0.5 · 16⌉ = 8, group size from the last rule, bits from rule 2.
        XCTAssertEqual(resolved.choices["model.layers.1.mlp.up_proj.weight"], .lowRank(rank: 8, factorBits: 4, groupSize: 32))
        XCTAssertEqual(resolved.decidedBy["model.layers.1.mlp.up_proj.weight"], .rule(number: 4, line: 6))
        XCTAssertEqual(resolved.decidedBy["model.layers.0.mlp.up_proj.weight"], .override(line: 8))
        XCTAssertEqual(resolved.decidedBy["model.layers.0.self_attn.k_proj.weight"], .rule(number: 1, line: 3))
        XCTAssertNil(resolved.choices["model.embed_tokens.weight"], "only compressible matrices are planned")
        XCTAssertEqual(resolved.choices.count, 8)
        XCTAssertTrue(resolved.warnings.isEmpty, "\(resolved.warnings)")
    }

    /// `match` is searched anywhere in the name (like grep); anchors make it a full match.
    func testMatchIsASearchUnlessAnchored() throws {
        let resolved = try plan("""
        "rules": [
          {"match": "q_proj", "rank": 3},
          {"match": "^k_proj$", "rank": 5},
          {"match": "^model\\\\.layers\\\\.1\\\\.self_attn\\\\.k_proj\\\\.weight$", "rank": 7},
          {"match": "UP_PROJ", "rank": 1}
        ]
        """).resolve(tensors: tensors)
        XCTAssertEqual(resolved.choices["model.layers.0.self_attn.q_proj.weight"]?.rank, 3)
        XCTAssertEqual(resolved.choices["model.layers.1.self_attn.q_proj.weight"]?.rank, 3)
        XCTAssertEqual(resolved.choices["model.layers.0.self_attn.k_proj.weight"], .keep, "^k_proj$ matches no full name")
        XCTAssertEqual(resolved.choices["model.layers.1.self_attn.k_proj.weight"]?.rank, 7)
        XCTAssertEqual(resolved.choices["model.layers.0.mlp.up_proj.weight"], .keep, "matching is case-sensitive")
        XCTAssertEqual(resolved.decidedBy["model.layers.0.mlp.up_proj.weight"], .defaults)
        XCTAssertEqual(resolved.warnings.count, 3, "\(resolved.warnings)")
        // Rank 7 of an 8×16 matrix: 7·24·2 = 336 bytes of 16-bit factors ≥ 8·16·2 = 256 dense; rank 5 (240) is the last below.
        XCTAssertEqual(resolved.warnings[0], "model.layers.1.self_attn.k_proj.weight: rank 7 at 16-bit factors takes 336 bytes, at least the dense 8×16 matrix at 16 bits (256 bytes), past break-even; use a rank below 6 or keep it dense at 16 bits.")
        XCTAssertTrue(resolved.warnings[1].hasPrefix("p.json:3: rule 2 (^k_proj$) matches no compressible matrix"), resolved.warnings[1])
    }

    /// Energy ranks from the spectrum: σᵢ = 1/i over 16 values; the smallest k with Σ_{i≤k} 1/i² ≥ 0.9·Σ 1/i².
    func testEnergyRankFollowsTheSpectrum() throws {
        let squares = (1...16).map { 1 / Double($0 * $0) }
        let total = squares.reduce(0, +)
        var kept = 0.0
        var expected = 0
        while kept < 0.9 * total {
            kept += squares[expected]
            expected += 1
        }
        let resolved = try plan("\"rules\": [{\"match\": \"q_proj\", \"rank\": {\"energy\": 0.9}}]").resolve(tensors: tensors)
        XCTAssertEqual(resolved.choices["model.layers.0.self_attn.q_proj.weight"]?.rank, expected)
    }

    func testConstraintsForTheAllocator() throws {
        let resolved = try plan("""
        "rules": [
          {"match": "layers\\\\.0\\\\.", "exclude": true},
          {"match": "down_proj", "keep_dense": true, "dense_bits": 4},
          {"match": "q_proj", "rank": 5, "lock": true},
          {"match": "k_proj", "floor": 2},
          {"match": "layers\\\\.1\\\\.mlp\\\\.up", "rank": 3},
          {"match": "layers\\\\.1\\\\.", "allow_bits": [8, 4, 8]}
        ]
        """).resolve(tensors: tensors)
        XCTAssertEqual(resolved.allowedBits, ["model.layers.1.self_attn.k_proj.weight": [4, 8], "model.layers.1.mlp.up_proj.weight": [4, 8]],
                       "allowed bits matter only where the allocator is free to choose")
        XCTAssertEqual(resolved.constraints["model.layers.0.mlp.up_proj.weight"], .excluded)
        XCTAssertEqual(resolved.choices["model.layers.0.mlp.up_proj.weight"], .keep)
        // A later keep_dense overrides the exclusion of layer 0's down_proj.
        XCTAssertEqual(resolved.constraints["model.layers.0.mlp.down_proj.weight"], .locked(.dense(bits: 4, groupSize: 128)))
        XCTAssertEqual(resolved.constraints["model.layers.1.self_attn.q_proj.weight"], .locked(.lowRank(rank: 5)))
        XCTAssertEqual(resolved.constraints["model.layers.1.self_attn.k_proj.weight"], .free(floor: 2))
        XCTAssertEqual(resolved.choices["model.layers.1.self_attn.k_proj.weight"], .keep)
        XCTAssertEqual(resolved.constraints["model.layers.1.mlp.up_proj.weight"], .free(floor: 0), "a rank without lock leaves the layer free")
        XCTAssertEqual(resolved.choices["model.layers.1.mlp.up_proj.weight"], .lowRank(rank: 3))
    }

    func testADifferentCheckpointIsAWarning() throws {
        let reference = PlanCheckpointReference(path: "/elsewhere", tensors: tensors)
        var document = PlanDocument(checkpoint: reference)
        XCTAssertTrue(try document.resolve(tensors: tensors).warnings.isEmpty)
        let reshaped = tensors.map { $0.name == "model.embed_tokens.weight" ? PlannedTensor(name: $0.name, kind: .embedding, shape: [16, 100]) : $0 }
        XCTAssertEqual(try document.resolve(tensors: reshaped).warnings, ["plan: the plan was made for /elsewhere, and this checkpoint differs (different tensor names, shapes or types)."])
        document.checkpoint?.parameterCount += 1
        XCTAssertTrue(try document.resolve(tensors: tensors).warnings[0].contains("parameters instead of"))
    }

    /// The explorer's save: explicit choices and constraints survive write, load and resolve.
    func testChoicesSurviveWriteLoadAndResolve() throws {
        let choices: [String: LayerChoice] = [
            "model.layers.0.self_attn.q_proj.weight": .lowRank(rank: 4),
            "model.layers.0.mlp.up_proj.weight": .lowRank(rank: 9, factorBits: 4, groupSize: 32, backboneBits: 2),
            "model.layers.1.mlp.down_proj.weight": .dense(bits: 8, groupSize: 128),
            "model.layers.1.self_attn.k_proj.weight": .keep,
            "model.layers.1.self_attn.q_proj.weight": .lowRank(rank: 0, factorBits: 8, groupSize: 128),
            "model.layers.1.mlp.up_proj.weight": .lowRank(rank: 5, factorBits: 4, groupSize: 32, backboneBits: 2, codebook: .e8p),
            // E8P at 4 bits (a residual stage), per layer like the bits.
            "model.layers.0.mlp.down_proj.weight": .lowRank(rank: 3, factorBits: 4, groupSize: 32, backboneBits: 4, codebook: .e8p),
        ]
        let constraints: [String: LayerConstraint] = [
            "model.layers.0.self_attn.q_proj.weight": .locked(.lowRank(rank: 4)),
            "model.layers.0.mlp.down_proj.weight": .locked(.lowRank(rank: 3, factorBits: 4, groupSize: 32, backboneBits: 4, codebook: .e8p)),
            "model.layers.1.mlp.up_proj.weight": .free(floor: 3),
        ]
        let document = PlanDocument(checkpoint: PlanCheckpointReference(path: "m", tensors: tensors), target: .relativeError(0.1),
                                    choices: choices, constraints: constraints)
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try document.write(to: directory + "/saved.json")
        let loaded = try PlanDocument.load(path: directory + "/saved.json")
        XCTAssertEqual(loaded, document)
        XCTAssertEqual(loaded.overrides.map(\.tensor), [  // natural order; the kept, unconstrained k_proj needs no override
            "model.layers.0.mlp.down_proj.weight", "model.layers.0.mlp.up_proj.weight", "model.layers.0.self_attn.q_proj.weight",
            "model.layers.1.mlp.down_proj.weight", "model.layers.1.mlp.up_proj.weight", "model.layers.1.self_attn.q_proj.weight",
        ])
        let resolved = try loaded.resolve(tensors: tensors)
        for (name, choice) in choices { XCTAssertEqual(resolved.choices[name], choice, name) }
        for (name, constraint) in constraints { XCTAssertEqual(resolved.constraints[name], constraint, name) }
        XCTAssertEqual(resolved.constraints["model.layers.1.mlp.down_proj.weight"], .locked(.dense(bits: 8, groupSize: 128)))
        XCTAssertEqual(resolved.choices["model.layers.0.self_attn.k_proj.weight"], .keep)
    }

    /// A default E8P codebook (`plan --e8p`, the plan's `defaults`) falls back to scalar groups for
    /// a matrix whose columns are not a multiple of 8, in the rules' resolution and in the
    /// allocator, with one warning naming it; a rule naming E8P for that matrix is refused.
    func testDefaultE8PFallsBackToScalarWhereTheLatticeDoesNotFit() throws {
        for bits in [2, 3, 4] { try assertDefaultE8PFallsBack(bits: bits) }
    }

    private func assertDefaultE8PFallsBack(bits: Int) throws {
        let shapes = [("model.layers.0.mlp.up_proj.weight", [24, 16]), ("model.layers.0.mlp.down_proj.weight", [16, 12])]
        let odd = shapes[1].0
        let tensors = shapes.map { name, shape in
            PlannedTensor(name: name, block: 0, role: "mlp", shape: shape,
                          spectrum: Spectrum(tensorName: name, rows: shape[0], columns: shape[1],
                                             singularValues: (1...min(shape[0], shape[1])).map { 1 / Double($0) }))
        }
        let defaults = "\"defaults\": {\"factor_bits\": 4, \"group_size\": 8, \"backbone_bits\": \(bits), \"backbone_codebook\": \"e8p\"}"
        let resolved = try plan(defaults + ", \"rules\": [{\"match\": \"mlp\", \"rank\": 2}]").resolve(tensors: tensors)
        XCTAssertEqual(resolved.choices[shapes[0].0], .lowRank(rank: 2, factorBits: 4, groupSize: 8, backboneBits: bits, codebook: .e8p))
        XCTAssertEqual(resolved.choices[odd], .lowRank(rank: 2, factorBits: 4, groupSize: 8, backboneBits: bits, codebook: .scalar))
        XCTAssertEqual(resolved.warnings.filter { $0.contains("E8P needs a multiple of 8 columns") && $0.contains(odd + " (12 columns)") }.count, 1,
                       "\(resolved.warnings)")
        // The allocator (a bits target, no rules) makes the same codebook choice per matrix (targets
        // below dense 4-bit groups of 8 for both, so the 16-column matrix keeps a backbone).
        let allocated = try plan(defaults + ", \"target\": {\"bits_per_weight\": \([2: 6.5, 3: 6.6, 4: 7.6][bits]!)}").resolution(of: tensors)
        // (Before the fallback the 12-column matrix stopped the allocation.) Here the 16-column one
        // takes an E8P backbone and the 12-column one anything but.
        guard case let .lowRank(_, _, _, allocatedBits?, evenCodebook)? = allocated.choices[shapes[0].0] else {
            return XCTFail("the allocator keeps a CALDERA backbone: \(allocated.choices)")
        }
        XCTAssertEqual(evenCodebook, .e8p)
        XCTAssertEqual(allocatedBits, bits)
        if case let .lowRank(_, _, _, _?, oddCodebook)? = allocated.choices[odd] { XCTAssertEqual(oddCodebook, .scalar) }
        // Named by a rule, E8P on 12 columns is refused.
        XCTAssertThrowsError(try plan(defaults + ", \"rules\": [{\"match\": \"mlp\", \"rank\": 2, \"backbone_codebook\": \"e8p\"}]")
            .resolve(tensors: tensors)) { XCTAssertTrue(String(describing: $0).contains("multiple of 8"), "\($0)") }
    }
}
