import Planning
import XCTest

/// ``PlanDocument/spectrumNeeds(tensors:target:)`` from headers alone: none for sizes, for a plan
/// that only keeps and excludes, or for an excluded matrix; every other matrix once a target or
/// a changed matrix asks for errors.
final class SpectrumNeedsTests: XCTestCase {
    /// Two blocks without spectra (as read from headers), and an embedding that is never compressible.
    private let tensors: [PlannedTensor] = {
        var list = [PlannedTensor(name: "model.embed_tokens.weight", role: "embed_tokens", kind: .embedding, shape: [100, 16])]
        for block in 0..<2 {
            for (role, shape) in [("self_attn.q_proj", [16, 16]), ("mlp.up_proj", [40, 16])] {
                list.append(PlannedTensor(name: "model.layers.\(block).\(role).weight", block: block, role: role, shape: shape))
            }
        }
        return list
    }()

    private func needs(_ json: String, target: BudgetTarget? = nil) throws -> [String] {
        let document = try PlanDocument(parsing: Array("{\"format\": \"rankscope-plan\", \"version\": 1\(json)}".utf8), file: "p.json")
        return try document.spectrumNeeds(tensors: tensors, target: target ?? document.target).sorted()
    }

    func testSizesAndPlansThatChangeNothingNeedNone() throws {
        XCTAssertEqual(try needs(""), [])
        XCTAssertEqual(try needs(#", "rules": [{"match": "up_proj", "exclude": true}, {"match": "q_proj", "keep_dense": true}]"#), [])
    }

    func testAChangedMatrixOrATargetWeighsEveryMatrixNotExcluded() throws {
        let all = ["model.layers.0.mlp.up_proj.weight", "model.layers.0.self_attn.q_proj.weight",
                   "model.layers.1.mlp.up_proj.weight", "model.layers.1.self_attn.q_proj.weight"]
        XCTAssertEqual(try needs(#", "rules": [{"match": "layers\\.0\\.self_attn", "rank": {"energy": 0.9}}]"#), all)
        XCTAssertEqual(try needs(#", "rules": [{"match": "q_proj", "keep_dense": true, "dense_bits": 8}]"#), all, "8-bit dense has an error")
        XCTAssertEqual(try needs("", target: .parameters(100)), all)
        XCTAssertEqual(try needs(#", "target": {"parameters": "90%"}"#), all, "the plan's own target")
        XCTAssertEqual(try needs(#", "target": {"parameters": "90%"}, "rules": [{"match": "up_proj", "exclude": true}]"#),
                       ["model.layers.0.self_attn.q_proj.weight", "model.layers.1.self_attn.q_proj.weight"])
        XCTAssertEqual(try needs(#", "rules": [{"match": "q_proj", "rank": 4}, {"match": "layers\\.1", "exclude": true}]"#),
                       ["model.layers.0.mlp.up_proj.weight", "model.layers.0.self_attn.q_proj.weight"])
    }
}
