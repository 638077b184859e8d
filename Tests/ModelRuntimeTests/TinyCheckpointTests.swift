import Foundation
import ModelRuntime
import PythonOracle
import XCTest

/// Tiny random checkpoints written by numpy (GPT-2 with Conv1D weights, GPTBigCode with and
/// without multi-query attention in F16, a GQA llama with llama3 RoPE scaling and an untied head,
/// a Qwen2 with q/k/v biases and linear RoPE scaling, a BERT encoder): the runtime's logits
/// (hidden states for BERT) agree with numpy's.
final class TinyCheckpointTests: XCTestCase {
    struct Cases: Decodable {
        struct Case: Decodable { var name: String; var ids: [Int] }
        var cases: [Case]
    }

    func testTinyCheckpointsAgreeWithNumpy() throws {
        try NumpyTransformer.run(NumpyTransformer.tinyCheckpoints) { folder in
            let cases = try JSONDecoder().decode(Cases.self, from: Data(contentsOf: folder.appendingPathComponent("results.json")))
            XCTAssertEqual(cases.cases.map(\.name), ["gpt2", "bigcode-mqa", "bigcode-mha", "llama-gqa", "qwen2-bias", "bert"])
            for item in cases.cases {
                let model = try TransformerModel(path: folder.appendingPathComponent(item.name).path)
                let logits = item.name == "bert" ? try model.hiddenStates([item.ids]) : try model.logits(item.ids)
                let expected = try NumpyTransformer.doubles(folder, item.name + ".logits")
                let difference = NumpyTransformer.relativeDifference(logits, expected)
                XCTAssertLessThan(difference, 1e-5, "\(item.name): runtime logits differ from numpy's by \(difference) relative")
            }
        }
    }

    /// A layer replaced by the sum of a dense remainder and two factors, `(W − A·B) + A·B`,
    /// computes the same logits: factors and sums are applied exactly, never densified.
    func testFactoredAndSummedLayersComputeTheDenseProduct() throws {
        try NumpyTransformer.run(NumpyTransformer.tinyCheckpoints) { folder in
            let path = folder.appendingPathComponent("llama-gqa").path
            let ids = [3, 14, 15, 9, 26, 5, 35, 8, 9, 7]
            let model = try TransformerModel(path: path)
            // The blocks' linear parameters leave out the (untied) head; the sum over all includes it.
            let head = try XCTUnwrap(model.linears["lm_head"]).parameterCount
            let blocks = model.linears.filter { $0.key.hasPrefix("model.layers.") }.values.reduce(0) { $0 + $1.parameterCount }
            XCTAssertEqual(model.blockLinearParameterCount, blocks)
            XCTAssertEqual(model.linearParameterCount, blocks + head)
            let dense = try model.logits(ids)
            let module = "model.layers.1.mlp.up_proj"
            let weight = (model.linears[module] as! DenseLinear).weight
            let m = 48, n = 32, k = 5
            var generator = SystemRandomNumberGenerator()
            let a = (0..<(m * k)).map { _ in Float.random(in: -0.3...0.3, using: &generator) }
            let b = (0..<(k * n)).map { _ in Float.random(in: -0.3...0.3, using: &generator) }
            var remainder = weight
            for i in 0..<m {
                for j in 0..<n {
                    var product: Float = 0
                    for r in 0..<k { product += a[i * k + r] * b[r * n + j] }
                    remainder[i * n + j] -= product
                }
            }
            try model.replaceLinear(module, with: SumLinear([DenseLinear(weight: remainder, outputs: m, inputs: n),
                                                             FactoredLinear(left: a, right: b, outputs: m, inputs: n, rank: k)]))
            let summed = try model.logits(ids)
            XCTAssertLessThan(NumpyTransformer.relativeDifference(summed, dense.map(Double.init)), 1e-5)
            XCTAssertEqual(model.linears[module]?.parameterCount, m * n + k * (m + n))
            XCTAssertEqual(model.blockLinearParameterCount, blocks + k * (m + n))
            XCTAssertThrowsError(try model.replaceLinear(module, with: FactoredLinear(left: b, right: a, outputs: n, inputs: m, rank: k))) { error in
                XCTAssertEqual(String(describing: error), "the replacement for \(module) maps 48 inputs to 32 outputs, but the layer maps 32 to 48.")
            }
        }
    }

    func testMissingConfigAndUnknownArchitectureAreOneSentence() throws {
        try NumpyTransformer.run(NumpyTransformer.tinyCheckpoints) { folder in
            let gpt2 = folder.appendingPathComponent("gpt2")
            let config = gpt2.appendingPathComponent("config.json")
            try "{\"model_type\": \"mamba\", \"hidden_size\": 8}".write(to: config, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try TransformerModel(path: gpt2.path)) { error in
                XCTAssertEqual(String(describing: error),
                               "\(config.path): model_type \"mamba\" is not an architecture rankscope can run (it runs llama, mistral, qwen2, gpt2, gpt_bigcode and bert).")
            }
            try FileManager.default.removeItem(at: config)
            XCTAssertThrowsError(try TransformerModel(path: gpt2.path)) { error in
                XCTAssertEqual(String(describing: error),
                               "\(gpt2.path): there is no config.json beside the weights, so the model's architecture is unknown; add the config.json the model was published with.")
            }
        }
    }
}
