import Foundation
import PythonOracle
import XCTest

/// Issue 21, class 6: 8-bit quantization of weights at scale 1e-7 measures an error far above
/// the plan's estimate (F16 scales lose their precision there); compress says so loudly — a
/// warning on standard error, in the report and in the `--events` line — instead of a silent exit 0.
final class EstimateWarningTests: XCTestCase {
    func testSmallMagnitudeQuantizationIsFlagged() throws {
        let directory = try Harness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try PythonOracle.run("""
        import sys, json, numpy as np
        from safetensors.numpy import save_file
        d = sys.argv[1]; rng = np.random.default_rng(0)
        save_file({"model.layers.0.self_attn.q_proj.weight": (rng.standard_normal((64, 64)) * 1e-7).astype(np.float32),
                   "model.layers.0.mlp.up_proj.weight": (rng.standard_normal((128, 64)) * 0.02).astype(np.float32)}, d + "/model.safetensors")
        dense8 = {"keep_dense": True, "dense_bits": 8}
        json.dump({"format": "rankscope-plan", "version": 1, "overrides": {"model.layers.0.self_attn.q_proj.weight": dense8,
                   "model.layers.0.mlp.up_proj.weight": dense8}}, open(d + "/plan.json", "w"))
        """, [directory])
        let base = ["compress", directory + "/model.safetensors", "--plan", directory + "/plan.json"]
        let outcome = try Harness.rankscope(base + ["--out", directory + "/out", "--json"], cacheHome: directory + "/cache")
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let warnings = outcome.stderr.split(separator: "\n").filter { $0.hasPrefix("rankscope: warning: ") }
        XCTAssertEqual(warnings.count, 1, outcome.stderr)
        XCTAssertTrue(warnings.first?.contains("q_proj") == true && warnings.first?.contains("far above the plan's estimate") == true, outcome.stderr)
        let report = try XCTUnwrap(Harness.json(outcome.stdout) as? [String: Any])
        let layers = try XCTUnwrap(report["layers"] as? [[String: Any]])
        let flagged = layers.filter { $0["warning"] != nil }.compactMap { $0["name"] as? String }
        XCTAssertEqual(flagged, ["model.layers.0.self_attn.q_proj.weight"])

        let events = try Harness.rankscope(base + ["--out", directory + "/events", "--events"], cacheHome: directory + "/cache")
        XCTAssertEqual(events.status, 0, events.stderr)
        let finished = events.stdout.split(separator: "\n").filter { $0.contains("\"layer_finished\"") }
        XCTAssertEqual(finished.filter { $0.contains("\"warning\"") }.count, 1, events.stdout)
    }
}
