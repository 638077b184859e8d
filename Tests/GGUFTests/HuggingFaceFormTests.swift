import Foundation
import GGUF
import LinearAlgebra
import PythonOracle
import XCTest

/// The SmolLM2 GGUF seen through ``GGUFModel`` against its Hugging Face form, which
/// `scripts/test-models` makes independently in Python (gguf's reader and dequantizer, numpy's
/// un-permutation, HF names): its config equals the facts of that `config.json`, and the spectra
/// of the converted q/k/v weights equal numpy's. (Names, shapes and values: ``RealModelTests``.)
final class HuggingFaceFormTests: XCTestCase {
    func folder() throws -> URL {
        do {
            return try TestModels.folder(TestModels.smolLM2)
        } catch let unavailable as TestModels.Unavailable {
            throw XCTSkip(unavailable.description)
        }
    }

    func testConfigEqualsTheHuggingFaceConfig() throws {
        let folder = try folder()
        let model = try GGUFModel(path: folder.appendingPathComponent("model.gguf").path)
        let output = try PythonOracle.run("""
        import json, sys
        c = json.load(open(sys.argv[1]))
        keys = ["num_hidden_layers", "hidden_size", "intermediate_size", "num_attention_heads", "num_key_value_heads",
                "rope_theta", "rms_norm_eps", "vocab_size", "max_position_embeddings", "head_dim"]
        print(" ".join(repr(float(c[k])) for k in keys))
        """, [folder.appendingPathComponent("config.json").path])
        let c = model.config
        let mine = [c.layerCount, c.hiddenSize, c.intermediateSize, c.attentionHeads, c.keyValueHeads].map { Double($0 ?? -1) }
            + [c.ropeTheta ?? -1, c.rmsNormEpsilon ?? -1]
            + [c.vocabSize, c.contextLength, c.headDimension].map { Double($0 ?? -1) }
        XCTAssertEqual(output.split(separator: " ").map { Double($0.trimmingCharacters(in: .whitespacesAndNewlines))! }, mine)
        XCTAssertEqual(model.config.huggingFaceObject["num_key_value_heads"]?.intValue, 3)
    }

    func testQKVSpectraEqualNumpys() throws {
        let folder = try folder()
        let model = try GGUFModel(path: folder.appendingPathComponent("model.gguf").path)
        let names = ["q_proj", "k_proj", "v_proj"].map { "model.layers.7.self_attn.\($0).weight" }
        let output = try PythonOracle.run("""
        import sys, numpy as np
        from safetensors.numpy import load_file
        t = load_file(sys.argv[1])
        for name in sys.argv[2:]:
            print(" ".join(repr(float(s)) for s in np.linalg.svd(t[name].astype(np.float64), compute_uv=False)))
        """, [folder.appendingPathComponent("model.safetensors").path] + names)
        for (name, line) in zip(names, output.split(separator: "\n")) {
            let tensor = try XCTUnwrap(model.tensor(named: name))
            let values = try model.dequantized(tensor)
            let mine = try values.withUnsafeBytes {
                try SingularValues.compute(MatrixSource(base: $0.baseAddress!, rows: tensor.shape[0], columns: tensor.shape[1], format: .f32))
            }
            let numpy = line.split(separator: " ").map { Double($0)! }
            XCTAssertEqual(mine.count, numpy.count, name)
            let worst = zip(mine, numpy).map { abs($0 - $1) }.max() ?? .infinity
            XCTAssertLessThan(worst, 1e-10 * numpy[0], "\(name): largest difference \(worst), σ₁ \(numpy[0])")
        }
    }

    func testTheRowPermutationUndoesLlamaCppsPermute() {
        // convert_hf_to_gguf.py: rows (head, pair half j, i) are stored as (head, i, j).
        let rows = 8, heads = 2
        XCTAssertEqual((0..<rows).map { GGUFModel.storedRow(of: $0, rows: rows, heads: heads) }, [0, 2, 1, 3, 4, 6, 5, 7])
    }
}
