import Foundation
import PythonOracle
import XCTest

/// Issue 21, class 15: `spectra --filter` with a pattern that takes a backtracking engine
/// exponential time (`^(\w+\.?)*$x` against a long dotted name) answers at once, and a pattern
/// the engine does not run is a usage error naming the construct.
final class SpectraFilterHostileTests: XCTestCase {
    func testCatastrophicAndUnsupportedFilters() throws {
        let directory = try Harness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try PythonOracle.run("""
        import sys, numpy as np
        from safetensors.numpy import save_file
        name = "model." + "layers.0." * 60 + "mlp.up_proj.weight"
        save_file({name: np.random.default_rng(0).standard_normal((8, 8)).astype(np.float32)}, sys.argv[1] + "/model.safetensors")
        """, [directory])
        let path = directory + "/model.safetensors"
        let start = Date()
        let runaway = try Harness.rankscope(["spectra", path, "--all", "--no-cache", "--filter", "^(\\w+\\.?)*$x"], cacheHome: directory)
        XCTAssertLessThan(Date().timeIntervalSince(start), 20, "a backtracking engine takes about 2^500 steps here")
        XCTAssertEqual(runaway.status, 1, runaway.stderr)
        XCTAssertTrue(runaway.stderr.contains("no matrix matches --filter"), runaway.stderr)
        let anchored = try Harness.rankscope(["spectra", path, "--all", "--no-cache", "--filter", "^(\\w+\\.?)*$"], cacheHome: directory)
        XCTAssertEqual(anchored.status, 0, anchored.stderr)
        XCTAssertTrue(anchored.stdout.contains("mlp.up_proj.weight"), anchored.stdout)
        let backreference = try Harness.rankscope(["spectra", path, "--filter", "(mlp)\\1"], cacheHome: directory)
        XCTAssertEqual(backreference.status, 2, backreference.stderr)
        XCTAssertTrue(backreference.stderr.contains("backreferences (\\1) are not supported"), backreference.stderr)
    }
}
