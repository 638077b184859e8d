import Foundation
import PythonOracle
import XCTest

/// Issue 21, class 13: the input truncated while `spectra` reads it (a bus error on the mapped
/// bytes) ends with one sentence naming the file and exit status 1, not a crash report.
final class TruncatedInputTests: XCTestCase {
    func testTruncationDuringTheReadIsASentence() throws {
        let directory = try Harness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let model = directory + "/tall.safetensors"
        // 128 MiB, read panel by panel for about two seconds in a debug build.
        try PythonOracle.run("""
        import sys, numpy as np
        from safetensors.numpy import save_file
        save_file({"model.layers.0.mlp.down_proj.weight": np.ones((131072, 256), np.float32)}, sys.argv[1])
        """, [model])
        let quoted = [Harness.binary, "spectra", model, "--no-cache"].map { "'" + $0 + "'" }.joined(separator: " ")
        let outcome = try Harness.run("/bin/sh", ["-c", "\(quoted) > /dev/null & pid=$!; sleep 0.3; truncate -s 100000 '\(model)'; wait $pid"],
                                      environment: ["XDG_CACHE_HOME": directory + "/cache"])
        try XCTSkipIf(outcome.status == 0, "the read finished before the truncation (a fast machine); nothing to check")
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        XCTAssertEqual(outcome.stderr, "rankscope: \(model): the file shrank while rankscope read it (a bus error on its mapped bytes); the command stopped.\n")
    }
}
