import Foundation
import PythonOracle
import XCTest

/// A small Llama-named checkpoint written by Python (two input shards with an index, F32 matrices
/// with designed low-rank structure, biases, F16 norms, an embedding, config.json and a tokenizer)
/// plus plan files and byte-level folder comparisons, for the `compress` end-to-end tests.
enum CompressFixture {
    /// Writes the checkpoint into `folder` (created): `blocks` blocks of `size`-wide layers.
    static func writeCheckpoint(_ folder: String, blocks: Int = 2, size: Int = 48) throws {
        try PythonOracle.run("""
        import sys, json, os, numpy as np
        from safetensors.numpy import save_file
        d, blocks, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
        os.makedirs(d, exist_ok=True)
        rng = np.random.default_rng(11)
        def decaying(m, n):
            u, _ = np.linalg.qr(rng.standard_normal((m, min(m, n))))
            v, _ = np.linalg.qr(rng.standard_normal((n, min(m, n))))
            s = 3.0 * 0.8 ** np.arange(min(m, n))
            return ((u * s) @ v.T).astype(np.float32)
        first, second = {}, {}
        first["model.embed_tokens.weight"] = rng.standard_normal((40, size)).astype(np.float32)
        for i in range(blocks):
            p = f"model.layers.{i}."
            part = first if i < blocks // 2 else second
            part[p + "self_attn.q_proj.weight"] = decaying(size, size)
            part[p + "self_attn.q_proj.bias"] = rng.standard_normal(size).astype(np.float32)
            part[p + "self_attn.o_proj.weight"] = rng.standard_normal((size, size)).astype(np.float32)
            part[p + "mlp.up_proj.weight"] = decaying(2 * size, size)
            part[p + "mlp.down_proj.weight"] = decaying(size, 2 * size)
            part[p + "input_layernorm.weight"] = (1 + 0.1 * rng.standard_normal(size)).astype(np.float16)
        second["model.norm.weight"] = np.ones(size, np.float16)
        second["lm_head.weight"] = rng.standard_normal((40, size)).astype(np.float32)
        names = ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]
        weight_map = {}
        for name, part in zip(names, [first, second]):
            save_file(part, os.path.join(d, name), metadata={"format": "pt"})
            weight_map.update({k: name for k in part})
        json.dump({"metadata": {"total_size": 0}, "weight_map": weight_map}, open(os.path.join(d, "model.safetensors.index.json"), "w"))
        json.dump({"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": size,
                   "num_hidden_layers": blocks, "vocab_size": 40}, open(os.path.join(d, "config.json"), "w"))
        open(os.path.join(d, "tokenizer.json"), "w").write('{"model": {"vocab": {"a": 0}}}')
        """, [folder, String(blocks), String(size)])
    }

    /// Writes a plan: every q_proj at `qRank`, every up_proj at `upRank`; `extra` appends more rules (`, {…}`).
    static func writePlan(_ path: String, qRank: Int = 6, upRank: Int = 10, extra: String = "") throws {
        let text = """
        {"format": "rankscope-plan", "version": 1,
         "rules": [{"match": "q_proj", "rank": \(qRank)}, {"match": "up_proj", "rank": \(upRank)}\(extra)]}
        """
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// `compress` arguments for `input` → `output` with `plan` and F32 factors.
    static func arguments(_ input: String, _ plan: String, _ output: String, _ more: [String] = []) -> [String] {
        ["compress", input, "--plan", plan, "--out", output, "--factor-type", "f32"] + more
    }

    /// Every regular file under `folder` (relative path → bytes), hidden ones included when asked.
    static func contents(of folder: String, includingHidden: Bool = false, excluding: Set<String> = []) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: folder)
        while let relative = enumerator?.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if !includingHidden && relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            if excluding.contains(name) { continue }
            var isDirectory: ObjCBool = false
            let path = folder + "/" + relative
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                result[relative] = FileManager.default.contents(atPath: path)
            }
        }
        return result
    }
}

/// A test case with a fresh folder holding the fixture checkpoint (`model/`) and plan
/// (`plan.json`), removed afterwards; `output` names the folder to compress into.
class CompressTestCase: XCTestCase {
    var directory = ""
    var input: String { directory + "/model" }
    var plan: String { directory + "/plan.json" }
    var output: String { directory + "/out" }

    /// Writes the checkpoint and plan; subclasses override to change them.
    func writeFixture() throws {
        try CompressFixture.writeCheckpoint(input)
        try CompressFixture.writePlan(plan)
    }

    override func setUpWithError() throws {
        directory = try Harness.temporaryDirectory()
        try writeFixture()
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}
