import Foundation
import PythonOracle
import XCTest

/// `rankscope compress` writes a checkpoint folder Python's safetensors and numpy load: shards
/// and index as Transformers writes them, untouched tensors byte-identical, factors whose product
/// is numpy's own rank-k truncation, the bias renamed, config and side files carried over, and
/// the report's figures matching numpy's.
final class CompressOutputTests: CompressTestCase {
    func testFactorizedOutputLoadsInPythonAndMatchesNumpysTruncation() throws {
        let before = try CompressFixture.contents(of: input, includingHidden: true)

        let run = try Harness.rankscope(CompressFixture.arguments(input, plan, output, ["--max-shard-size", "20KB", "--json"]),
                                        cacheHome: directory + "/cache")
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try CompressFixture.contents(of: input, includingHidden: true), before, "the input is never modified")
        let report = try XCTUnwrap(Harness.json(run.stdout) as? [String: Any])
        XCTAssertEqual((report["layers"] as? [[String: Any]])?.count, 4, "2 q_proj + 2 up_proj")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: output).filter { $0.hasPrefix(".") }
        XCTAssertEqual(leftovers, [], "no journal, lock or temporary file is left in a finished folder")

        let check = """
        import sys, json, os, numpy as np
        from safetensors import safe_open
        inp, out = sys.argv[1], sys.argv[2]
        def load_all(folder):
            index = json.load(open(os.path.join(folder, "model.safetensors.index.json")))
            tensors, raw = {}, {}
            for shard in sorted(set(index["weight_map"].values())):
                path = os.path.join(folder, shard)
                with safe_open(path, "np") as f:
                    assert (f.metadata() or {}).get("format") == "pt", shard
                    for k in f.keys():
                        assert index["weight_map"][k] == shard, (k, shard)
                        tensors[k] = f.get_tensor(k)
            return index, tensors
        index_in, tin = load_all(inp)
        index, tout = load_all(out)
        shards = sorted(set(index["weight_map"].values()))
        assert len(shards) >= 3 and shards == [f"model-{i:05d}-of-{len(shards):05d}.safetensors" for i in range(1, len(shards) + 1)], shards
        assert set(index["weight_map"]) == set(tout), "the map lists every tensor"
        assert index["metadata"]["total_size"] == sum(t.nbytes for t in tout.values())
        report = json.load(open(os.path.join(out, "rankscope-report.json")))
        worst = 0.0
        for name, W in tin.items():
            P = name[:-len(".weight")]
            if ("q_proj" in name or "up_proj" in name) and name.endswith(".weight"):
                k = 6 if "q_proj" in name else 10
                B, A = tout[P + ".0.weight"], tout[P + ".1.weight"]
                assert B.shape == (k, W.shape[1]) and A.shape == (W.shape[0], k) and A.dtype == np.float32, (name, A.shape, B.shape)
                assert name not in tout
                W64 = W.astype(np.float64)
                U, S, Vt = np.linalg.svd(W64, full_matrices=False)
                Wk = (U[:, :k] * S[:k]) @ Vt[:k]
                worst = max(worst, np.linalg.norm(A.astype(np.float64) @ B.astype(np.float64) - Wk) / np.linalg.norm(Wk))
                row = [l for l in report["layers"] if l["name"] == name][0]
                predicted = np.sqrt(np.sum(S[k:] ** 2)) / np.linalg.norm(W64)
                assert abs(row["measured_relative_error"] - predicted) < 1e-4, (name, row, predicted)
                assert row["rank"] == k and row["bytes_written"] == A.nbytes + B.nbytes, row
            elif "q_proj.bias" in name:
                assert name not in tout
                renamed = name.replace("q_proj.bias", "q_proj.1.bias")
                assert tout[renamed].dtype == W.dtype and tout[renamed].tobytes() == W.tobytes(), renamed
            else:
                assert tout[name].dtype == W.dtype and tout[name].shape == W.shape and tout[name].tobytes() == W.tobytes(), name
        assert worst < 1e-5, worst
        totals = report["totals"]
        assert totals["model_bytes_after"] == index["metadata"]["total_size"], totals
        assert totals["model_bytes_before"] == sum(t.nbytes for t in tin.values()), totals
        assert totals["bytes_written"] == sum(l["bytes_written"] for l in report["layers"]) and totals["layers"] == 4, totals
        assert report["shards"] == shards, report["shards"]
        config = json.load(open(os.path.join(out, "config.json")))
        assert config["model_type"] == "llama" and config["hidden_size"] == 48
        layers = config["rankscope"]["layers"]
        assert layers["model.layers.1.mlp.up_proj"]["rank"] == 10 and layers["model.layers.0.self_attn.q_proj"]["rank"] == 6, layers
        assert set(layers) == {f"model.layers.{i}.{r}" for i in range(2) for r in ["self_attn.q_proj", "mlp.up_proj"]}
        assert open(os.path.join(out, "tokenizer.json"), "rb").read() == open(os.path.join(inp, "tokenizer.json"), "rb").read()
        print(worst)
        """
        try PythonOracle.run(check, [input, output])
    }

    func testDenseOutputKeepsTheOriginalNamesAndShapes() throws {
        let run = try Harness.rankscope(CompressFixture.arguments(input, plan, output, ["--dense"]), cacheHome: directory + "/cache")
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("total (4 layers)"), run.stdout)
        let check = """
        import sys, json, os, numpy as np
        from safetensors import safe_open
        def load(folder):
            index = json.load(open(os.path.join(folder, "model.safetensors.index.json")))
            out = {}
            for shard in set(index["weight_map"].values()):
                with safe_open(os.path.join(folder, shard), "np") as f:
                    out.update({k: f.get_tensor(k) for k in f.keys()})
            return out
        tin, tout = load(sys.argv[1]), load(sys.argv[2])
        assert set(tin) == set(tout), set(tin) ^ set(tout)
        for name, W in tin.items():
            assert tout[name].shape == W.shape and tout[name].dtype == W.dtype, name
            if name.endswith("q_proj.weight") or name.endswith("up_proj.weight"):
                k = 6 if "q_proj" in name else 10
                U, S, Vt = np.linalg.svd(W.astype(np.float64), full_matrices=False)
                Wk = (U[:, :k] * S[:k]) @ Vt[:k]
                assert np.linalg.norm(tout[name] - Wk) / np.linalg.norm(Wk) < 1e-5, name
            else:
                assert tout[name].tobytes() == W.tobytes(), name
        assert json.load(open(os.path.join(sys.argv[2], "config.json")))["rankscope"]["dense"] is True
        """
        try PythonOracle.run(check, [input, output])
    }
}
