import Planning
import SafeTensors
import XCTest

final class LayerCatalogTests: XCTestCase {
    func testGroupsBlocksNumericallyAndClassifiesKinds() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var tensors: [(String, [Int], [Double])] = [
            ("model.embed_tokens.weight", [10, 4], Array(repeating: 0.5, count: 40)),
            ("lm_head.weight", [10, 4], Array(repeating: 0.5, count: 40)),
            ("model.norm.weight", [4], [1, 1, 1, 1]),
        ]
        for block in [0, 2, 10] {
            tensors.append(("model.layers.\(block).self_attn.q_proj.weight", [4, 4], Fixtures.gaussian(rows: 4, columns: 4, seed: UInt64(block))))
            tensors.append(("model.layers.\(block).self_attn.q_proj.bias", [4], [0, 0, 0, 0]))
            tensors.append(("model.layers.\(block).input_layernorm.weight", [4], [1, 1, 1, 1]))
            tensors.append(("model.layers.\(block).mlp.up_proj.weight", [6, 4], Fixtures.gaussian(rows: 6, columns: 4, seed: UInt64(block + 100))))
        }
        try Fixtures.writeF32(tensors, to: directory + "/model.safetensors")
        let catalog = LayerCatalog(checkpoint: try Checkpoint(path: directory))

        XCTAssertEqual(catalog.groups.map(\.title), [LayerCatalog.outsideBlocksTitle, "model.layers.0", "model.layers.2", "model.layers.10"])
        XCTAssertEqual(catalog.groups.map(\.block), [nil, 0, 2, 10])
        let kinds = Dictionary(uniqueKeysWithValues: catalog.entries.map { ($0.info.name, $0.kind) })
        XCTAssertEqual(kinds["model.embed_tokens.weight"], .embedding)
        XCTAssertEqual(kinds["lm_head.weight"], .head)
        XCTAssertEqual(kinds["model.norm.weight"], .norm)
        XCTAssertEqual(kinds["model.layers.2.self_attn.q_proj.weight"], .linear)
        XCTAssertEqual(kinds["model.layers.2.self_attn.q_proj.bias"], .bias)
        XCTAssertEqual(kinds["model.layers.2.input_layernorm.weight"], .norm)
        XCTAssertEqual(catalog.compressibleEntries.count, 6)
        XCTAssertEqual(catalog.compressibleParameterCount, 3 * (16 + 24))
        XCTAssertEqual(catalog.parameterCount, tensors.reduce(0) { $0 + $1.2.count })
        XCTAssertEqual(catalog.byteCount, 4 * catalog.parameterCount)
        XCTAssertEqual(catalog.groups[1].parameterCount, 16 + 4 + 4 + 24)
    }

    func testGPT2NamesAndBuffersAreClassified() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Fixtures.writeF32([
            ("transformer.wte.weight", [8, 4], Array(repeating: 0.1, count: 32)),
            ("transformer.wpe.weight", [8, 4], Array(repeating: 0.1, count: 32)),
            ("transformer.ln_f.weight", [4], [1, 1, 1, 1]),
            ("transformer.h.0.ln_1.weight", [4], [1, 1, 1, 1]),
            ("transformer.h.0.attn.c_attn.weight", [4, 12], Fixtures.gaussian(rows: 4, columns: 12, seed: 1)),
            ("transformer.h.0.mlp.c_fc.weight", [4, 16], Fixtures.gaussian(rows: 4, columns: 16, seed: 2)),
            ("transformer.h.0.attn.masked_bias", [1, 1, 2, 2], [0, 0, 0, 0]),
        ], to: directory + "/model.safetensors")
        let catalog = LayerCatalog(checkpoint: try Checkpoint(path: directory + "/model.safetensors"))
        let kinds = Dictionary(uniqueKeysWithValues: catalog.entries.map { ($0.info.name, $0.kind) })
        XCTAssertEqual(kinds["transformer.wte.weight"], .embedding)
        XCTAssertEqual(kinds["transformer.wpe.weight"], .embedding)
        XCTAssertEqual(kinds["transformer.ln_f.weight"], .norm)
        XCTAssertEqual(kinds["transformer.h.0.ln_1.weight"], .norm)
        XCTAssertEqual(kinds["transformer.h.0.attn.c_attn.weight"], .linear)
        XCTAssertEqual(kinds["transformer.h.0.attn.masked_bias"], .other)
        XCTAssertEqual(catalog.groups.map(\.title), [LayerCatalog.outsideBlocksTitle, "transformer.h.0"])
    }
}
