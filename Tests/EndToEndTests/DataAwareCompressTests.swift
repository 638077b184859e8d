import Foundation
import PythonOracle
import XCTest

/// `rankscope compress --stats FILE`: on anisotropic activations written by numpy, every low-rank
/// layer's output error (numpy's, from the written factors and the real inputs X) is lower than
/// the plain run's, the factors still give the weight error the report prints, the table and the
/// events show the output error, and a statistics file missing a factorized layer is refused
/// before anything is written.
final class DataAwareCompressTests: CompressTestCase {
    private var stats: String { directory + "/stats.safetensors" }
    private var cache: String { directory + "/cache" }

    /// Writes `stats.safetensors` (full second moments X·Xᵀ/T, F64) and `inputs.npz` (the X) for
    /// the modules whose names contain one of `kinds`, with channels scaled over four decades.
    private func writeStatistics(kinds: [String]) throws {
        try PythonOracle.run("""
        import sys, os, numpy as np
        from safetensors import safe_open
        from safetensors.numpy import save_file
        model, directory, kinds = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
        rng = np.random.default_rng(5)
        tensors, inputs = {}, {}
        for shard in sorted(f for f in os.listdir(model) if f.endswith(".safetensors")):
            with safe_open(os.path.join(model, shard), "np") as f:
                for name in f.keys():
                    if not name.endswith(".weight") or not any(k in name for k in kinds):
                        continue
                    n, t = f.get_tensor(name).shape[1], 400
                    scales = 10.0 ** np.linspace(-2, 2, n)
                    X = (scales[:, None] * (np.eye(n) + 0.8 * rng.standard_normal((n, n)))) @ rng.standard_normal((n, t))
                    module = name[:-len(".weight")]
                    tensors[module + ".input_second_moment"] = X @ X.T / t
                    tensors[module + ".tokens"] = np.array([t], dtype=np.int64)
                    inputs[module] = X
        save_file(tensors, os.path.join(directory, "stats.safetensors"),
                  metadata={"format": "rankscope-activation-stats", "version": "1"})
        np.savez(os.path.join(directory, "inputs.npz"), **inputs)
        """, [input, directory, kinds.joined(separator: ",")])
    }

    func testStatsLowerEveryLowRankLayersOutputErrorAndTheReportSaysSo() throws {
        try writeStatistics(kinds: ["q_proj", "up_proj"])
        let aware = try Harness.rankscope(CompressFixture.arguments(input, plan, output, ["--stats", stats]), cacheHome: cache)
        XCTAssertEqual(aware.status, 0, aware.stderr)
        XCTAssertTrue(aware.stdout.contains("output error") && aware.stdout.contains("weight error"), aware.stdout)
        XCTAssertTrue(aware.stdout.contains("est. error estimates the output error"), aware.stdout)
        let plain = try Harness.rankscope(CompressFixture.arguments(input, plan, directory + "/plain"), cacheHome: cache)
        XCTAssertEqual(plain.status, 0, plain.stderr)
        XCTAssertFalse(plain.stdout.contains("output error"), plain.stdout)

        try PythonOracle.run("""
        import sys, json, os, numpy as np
        from safetensors.numpy import load_file
        model, aware, plain, directory = sys.argv[1:5]
        def load(folder):
            out = {}
            for f in os.listdir(folder):
                if f.endswith(".safetensors"): out.update(load_file(os.path.join(folder, f)))
            return out
        W_in, A_out, P_out = load(model), load(aware), load(plain)
        X = np.load(os.path.join(directory, "inputs.npz"))
        report = json.load(open(os.path.join(aware, "rankscope-report.json")))
        assert report["statistics"].endswith("stats.safetensors"), report.get("statistics")
        assert len(report["layers"]) == 4
        def product(out, module):
            return out[module + ".1.weight"].astype(np.float64) @ out[module + ".0.weight"].astype(np.float64)
        ratios = []
        for row in report["layers"]:
            name = row["name"]; module = name[:-len(".weight")]
            W, x = W_in[name].astype(np.float64), X[module]
            mine, theirs = product(A_out, module), product(P_out, module)
            weight_error = np.linalg.norm(W - mine) / np.linalg.norm(W)
            output_error = np.linalg.norm((W - mine) @ x) / np.linalg.norm(W @ x)
            plain_error = np.linalg.norm((W - theirs) @ x) / np.linalg.norm(W @ x)
            assert abs(row["measured_relative_error"] - weight_error) <= 1e-9 + 1e-6 * weight_error, (name, row, weight_error)
            assert abs(row["measured_output_error"] - output_error) <= 1e-9 + 1e-5 * output_error, (name, row, output_error)
            assert abs(row["estimated_relative_error"] - output_error) <= 1e-3 * output_error, (name, row, output_error)
            assert output_error < plain_error, (name, output_error, plain_error)
            ratios.append(output_error / plain_error)
        print(json.dumps(ratios))
        """, [input, output, directory + "/plain", directory])

        let events = try Harness.rankscope(CompressFixture.arguments(input, plan, directory + "/events", ["--stats", stats, "--events"]),
                                           cacheHome: cache)
        XCTAssertEqual(events.status, 0, events.stderr)
        let finished = events.stdout.split(separator: "\n").filter { $0.contains(#""event":"layer_finished""#) }
        XCTAssertEqual(finished.count, 4, events.stdout)
        XCTAssertTrue(finished.allSatisfy { $0.contains(#""measured_output_error":"#) }, events.stdout)
    }

    func testAStatisticsFileWithoutAFactorizedLayerIsRefusedBeforeAnythingIsWritten() throws {
        try writeStatistics(kinds: ["q_proj"])
        let outcome = try Harness.rankscope(CompressFixture.arguments(input, plan, output, ["--stats", stats]), cacheHome: cache)
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        let lines = outcome.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains(stats) && outcome.stderr.contains("up_proj"), outcome.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output), "nothing is created")
    }
}
