import Planning
import XCTest

final class TensorNameTests: XCTestCase {
    func testLlamaNames() {
        let name = TensorName("model.layers.17.self_attn.q_proj.weight")
        XCTAssertEqual(name.scheme, .llama)
        XCTAssertEqual(name.block, 17)
        XCTAssertEqual(name.blockPrefix, "model.layers.17")
        XCTAssertEqual(name.role, "attn.q_proj")
        XCTAssertEqual(name.parameter, "weight")
        XCTAssertEqual(TensorName("model.layers.3.mlp.down_proj.weight").role, "mlp.down_proj")
        XCTAssertEqual(TensorName("model.layers.3.input_layernorm.weight").role, "input_layernorm")
    }

    func testGPT2AndStarCoderNames() {
        let name = TensorName("transformer.h.39.attn.c_attn.weight")
        XCTAssertEqual(name.scheme, .gpt2)
        XCTAssertEqual(name.block, 39)
        XCTAssertEqual(name.role, "attn.c_attn")
        XCTAssertEqual(TensorName("transformer.h.0.mlp.c_proj.bias").parameter, "bias")
        XCTAssertNil(TensorName("transformer.wte.weight").block)
        XCTAssertEqual(TensorName("transformer.wte.weight").role, "transformer.wte")
    }

    func testBertNames() {
        let name = TensorName("bert.encoder.layer.11.attention.self.query.weight")
        XCTAssertEqual(name.scheme, .bert)
        XCTAssertEqual(name.block, 11)
        XCTAssertEqual(name.role, "self.query")
        XCTAssertEqual(TensorName("bert.encoder.layer.2.attention.output.dense.weight").role, "attn.output.dense")
        XCTAssertEqual(TensorName("bert.encoder.layer.2.intermediate.dense.weight").role, "intermediate.dense")
    }

    func testGenericFallbackUsesFirstNumber() {
        let name = TensorName("encoder.block.3.layer.0.SelfAttention.q.weight")
        XCTAssertEqual(name.scheme, .generic)
        XCTAssertEqual(name.block, 3)
        XCTAssertEqual(name.blockPrefix, "encoder.block.3")
        XCTAssertEqual(name.role, "layer.0.SelfAttention.q")
    }

    func testNamesWithoutBlocks() {
        let name = TensorName("lm_head.weight")
        XCTAssertNil(name.block)
        XCTAssertNil(name.blockPrefix)
        XCTAssertEqual(name.role, "lm_head")
        XCTAssertEqual(TensorName("weight").role, "weight", "a bare leaf is its own role")
    }

    func testNaturalOrder() {
        let names = ["layers.10.a", "layers.2.a", "layers.1.b", "layers.1.a", "layers.02.a"]
        XCTAssertEqual(names.sorted(by: NaturalOrder.precedes), ["layers.1.a", "layers.1.b", "layers.2.a", "layers.02.a", "layers.10.a"])
        XCTAssertFalse(NaturalOrder.precedes("a", "a"))
        XCTAssertTrue(NaturalOrder.precedes("a", "ab"))
    }
}
