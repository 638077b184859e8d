import Foundation
import PythonOracle
import XCTest

/// Issue 21, class 12: `compress` under `ulimit -v` 1 GiB on an 11008×4096 layer stops with one
/// sentence naming the limit (as `spectra` does), not "Fatal error: failed to allocate".
final class CompressAddressSpaceTests: XCTestCase {
    func testATightLimitIsASentence() throws {
        let directory = try Harness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try PythonOracle.run("""
        import sys, json, numpy as np
        from safetensors.numpy import save_file
        d = sys.argv[1]; rng = np.random.default_rng(0)
        save_file({"model.layers.0.mlp.down_proj.weight": rng.standard_normal((4096, 11008)).astype(np.float32)}, d + "/model.safetensors")
        json.dump({"format": "rankscope-plan", "version": 1, "rules": [{"match": "down_proj", "rank": 64}]}, open(d + "/plan.json", "w"))
        """, [directory])
        let outcome = try Harness.rankscope(["compress", directory + "/model.safetensors", "--plan", directory + "/plan.json",
                                             "--out", directory + "/out", "--no-cache"],
                                            addressSpaceLimitKiB: 1_048_576, cacheHome: directory + "/cache")
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("ulimit -v") && outcome.stderr.contains("down_proj"), outcome.stderr)
        XCTAssertEqual(outcome.stderr.split(separator: "\n").count, 1, outcome.stderr)
        XCTAssertFalse(outcome.stderr.contains("Fatal error"), outcome.stderr)
    }
}
