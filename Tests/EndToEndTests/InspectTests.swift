import CheckpointFixtures
import Foundation
import PythonOracle
import XCTest

final class InspectTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws { directory = try Harness.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    /// A sharded folder written by Python's safetensors, with an index, metadata and config.json.
    func testShardedCheckpointFromPythonMatchesNamesShapesAndTotals() throws {
        let script = """
        import json, sys, numpy as np
        from safetensors.numpy import save_file
        out = sys.argv[1]
        rng = np.random.default_rng(3)
        shards = [{}, {}]
        shards[0]["model.embed_tokens.weight"] = rng.standard_normal((50, 16)).astype(np.float16)
        for b in range(3):
            shard = shards[b % 2]
            shard[f"model.layers.{b}.self_attn.q_proj.weight"] = rng.standard_normal((16, 16)).astype(np.float32)
            shard[f"model.layers.{b}.mlp.down_proj.weight"] = rng.standard_normal((16, 40)).astype(np.float32)
            shard[f"model.layers.{b}.post_attention_layernorm.weight"] = np.ones(16, dtype=np.float32)
        shards[1]["lm_head.weight"] = rng.standard_normal((50, 16)).astype(np.float16)
        shards[1]["model.position_ids"] = np.arange(8, dtype=np.int64)
        weight_map, total = {}, 0
        for i, shard in enumerate(shards):
            fname = f"model-{i+1:05d}-of-00002.safetensors"
            save_file(shard, f"{out}/{fname}", metadata={"format": "pt"})
            for k, v in shard.items():
                weight_map[k] = fname
                total += v.nbytes
        json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, open(f"{out}/model.safetensors.index.json", "w"))
        json.dump({"architectures": ["LlamaForCausalLM"], "model_type": "llama", "num_hidden_layers": 3,
                   "hidden_size": 16, "intermediate_size": 40, "vocab_size": 50}, open(f"{out}/config.json", "w"))
        json.dump({"tensors": {k: {"shape": list(v.shape), "dtype": str(v.dtype)} for s in shards for k, v in s.items()},
                   "parameters": int(sum(v.size for s in shards for v in s.values())), "bytes": total},
                  open(f"{out}/expected.json", "w"))
        """
        try PythonOracle.run(script, [directory])
        let expected = try XCTUnwrap(Harness.json(String(contentsOfFile: directory + "/expected.json", encoding: .utf8)) as? [String: Any])
        let outcome = try Harness.rankscope(["inspect", directory, "--json"], cacheHome: directory + "/cache")
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let report = try XCTUnwrap(Harness.json(outcome.stdout) as? [String: Any])
        XCTAssertEqual(report["kind"] as? String, "sharded")
        XCTAssertEqual((report["files"] as? [String])?.count, 2)
        let config = try XCTUnwrap(report["config"] as? [String: Any])
        XCTAssertEqual(config["layers"] as? Int, 3)
        XCTAssertEqual(config["architecture"] as? String, "LlamaForCausalLM")
        let totals = try XCTUnwrap(report["totals"] as? [String: Any])
        XCTAssertEqual(totals["parameters"] as? Int, expected["parameters"] as? Int)
        XCTAssertEqual(totals["bytes"] as? Int, expected["bytes"] as? Int)
        XCTAssertEqual(totals["compressible_parameters"] as? Int, 3 * (256 + 640))
        let groups = try XCTUnwrap(report["groups"] as? [[String: Any]])
        XCTAssertEqual(groups.map { $0["title"] as? String }, ["(outside blocks)", "model.layers.0", "model.layers.1", "model.layers.2"])
        let wantTensors = try XCTUnwrap(expected["tensors"] as? [String: [String: Any]])
        let numpyNames = ["float32": "F32", "float16": "F16", "int64": "I64"]
        var seen = 0
        for group in groups {
            for tensor in try XCTUnwrap(group["tensors"] as? [[String: Any]]) {
                let name = try XCTUnwrap(tensor["name"] as? String)
                let want = try XCTUnwrap(wantTensors[name], name)
                XCTAssertEqual(tensor["shape"] as? [Int], want["shape"] as? [Int], name)
                XCTAssertEqual(tensor["dtype"] as? String, numpyNames[want["dtype"] as? String ?? ""], name)
                seen += 1
            }
        }
        XCTAssertEqual(seen, wantTensors.count)

        let table = try Harness.rankscope(["inspect", directory], cacheHome: directory + "/cache")
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.contains("model.layers.1"), table.stdout)
        XCTAssertTrue(table.stdout.contains("self_attn.q_proj.weight"), table.stdout)
        XCTAssertTrue(table.stdout.contains("total: 12 tensors"), table.stdout)
    }

    /// A header-only StarCoder-15.5B-shaped checkpoint, about 31 GB as a sparse file.
    func testHeaderOnlyStarCoderCheckpointIsListedExactlyWithoutReadingData() throws {
        let path = directory + "/starcoder.safetensors"
        let (parameters, byteCount) = try StarCoderHeader.write(to: path)
        XCTAssertGreaterThan(byteCount, 30_000_000_000)
        let outcome = try Harness.rankscope(["inspect", path, "--json"], cacheHome: directory + "/cache")
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let totals = try XCTUnwrap((Harness.json(outcome.stdout) as? [String: Any])?["totals"] as? [String: Any])
        XCTAssertEqual(totals["parameters"] as? Int, parameters)
        XCTAssertEqual(totals["bytes"] as? Int, byteCount)
        XCTAssertEqual(totals["tensors"] as? Int, 3 + 2 + 40 * 12)
        XCTAssertEqual(totals["compressible_parameters"] as? Int, 40 * ((6144 + 256) * 6144 + 6144 * 6144 + 2 * 24576 * 6144))
        // With 1 GiB of address space, reading (or mapping) the 31 GB of data is impossible.
        let limited = try Harness.rankscope(["inspect", path], addressSpaceLimitKiB: 1 << 20, cacheHome: directory + "/cache")
        XCTAssertEqual(limited.status, 0, limited.stderr)
        XCTAssertTrue(limited.stdout.contains("total: 485 tensors"), limited.stdout)
    }
}
