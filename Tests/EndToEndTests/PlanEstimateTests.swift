import Foundation
import LinearAlgebra
import SafeTensors
import XCTest

/// `rankscope plan --estimate`: figures from partial spectra say so, their errors bound the exact
/// ones from above, nothing of them is cached, and once exact spectra are cached the same command
/// gives the exact figures.
final class PlanEstimateTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = try Harness.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Two 1024×1024 matrices (large enough to be estimated: k = 64) and a small one (computed
    /// exactly), with column j of Gaussian entries scaled by (j + 1)^-0.6: a heavy tail.
    private func writeCheckpoint() throws -> String {
        func heavyTailed(_ rows: Int, _ columns: Int, seed: UInt64) -> [UInt8] {
            var generator = SeededGenerator(seed: seed)
            let values = (0..<(rows * columns)).map { Float(generator.nextGaussian() * pow(Double($0 % columns + 1), -0.6)) }
            return values.withUnsafeBytes { Array($0) }
        }
        let path = directory + "/model.safetensors"
        try SafeTensorsWriter.write(path: path, tensors: [
            (TensorSpec(name: "model.layers.0.self_attn.q_proj.weight", dtype: .F32, shape: [1024, 1024]), heavyTailed(1024, 1024, seed: 1)),
            (TensorSpec(name: "model.layers.0.self_attn.k_proj.weight", dtype: .F32, shape: [1024, 1024]), heavyTailed(1024, 1024, seed: 2)),
            (TensorSpec(name: "model.layers.0.mlp.up_proj.weight", dtype: .F32, shape: [24, 40]), heavyTailed(24, 40, seed: 3)),
        ], metadata: ["format": "pt"])
        // Rank 32 is inside the estimated 64 values (a close bound), rank 200 beyond them (a loose one).
        try #"{"format": "rankscope-plan", "version": 1, "rules": [{"match": "q_proj", "rank": 32}, {"match": "k_proj", "rank": 200}, {"match": "up_proj", "rank": 8}]}"#
            .write(toFile: directory + "/plan.json", atomically: true, encoding: .utf8)
        return path
    }

    private func plan(_ path: String, _ extra: [String]) throws -> (errors: [String: Double], estimated: Set<String>) {
        let outcome = try Harness.rankscope(["plan", path, "--plan", directory + "/plan.json", "--json"] + extra, cacheHome: directory + "/cache")
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let report = try XCTUnwrap(Harness.json(outcome.stdout) as? [String: Any])
        let layers = try XCTUnwrap(report["layers"] as? [[String: Any]])
        var errors: [String: Double] = [:], estimated: Set<String> = []
        for layer in layers {
            let name = try XCTUnwrap(layer["name"] as? String)
            errors[name] = try XCTUnwrap(layer["relative_error"] as? Double)
            if layer["spectrum_estimate"] as? Bool == true { estimated.insert(name) }
        }
        return (errors, estimated)
    }

    func testEstimatesBoundTheExactErrorsAreNeverCachedAndGiveWayToCachedExactSpectra() throws {
        let path = try writeCheckpoint()
        let q = "model.layers.0.self_attn.q_proj.weight", k = "model.layers.0.self_attn.k_proj.weight", up = "model.layers.0.mlp.up_proj.weight"
        let text = try Harness.rankscope(["plan", path, "--plan", directory + "/plan.json", "--estimate"], cacheHome: directory + "/cache")
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("ESTIMATES: 2 of 3 spectra are partial estimates"), text.stdout)
        XCTAssertTrue(text.stdout.contains("are upper bounds"), text.stdout)
        XCTAssertTrue(text.stdout.contains("attn.q_proj") && text.stdout.contains("≤ 0."), "bounded totals read ≤: \(text.stdout)")

        let estimate = try plan(path, ["--estimate"])
        XCTAssertEqual(estimate.estimated, [q, k])
        let exact = try plan(path, [])
        XCTAssertEqual(exact.estimated, [])
        for name in [q, k, up] {
            XCTAssertGreaterThanOrEqual(estimate.errors[name]!, exact.errors[name]! - 1e-12, name)
        }
        XCTAssertLessThanOrEqual(estimate.errors[q]!, 1.02 * exact.errors[q]!, "inside the estimated values the bound is close")
        XCTAssertEqual(estimate.errors[up]!, exact.errors[up]!, "the small matrix was computed exactly")

        // The exact run computed q and k itself (the estimates were not cached); now they are, and
        // --estimate serves the exact spectra.
        let after = try plan(path, ["--estimate"])
        XCTAssertEqual(after.estimated, [])
        XCTAssertEqual(after.errors, exact.errors)
        let again = try Harness.rankscope(["plan", path, "--plan", directory + "/plan.json", "--estimate"], cacheHome: directory + "/cache")
        XCTAssertTrue(again.stdout.contains("estimates: none needed"), again.stdout)
        XCTAssertFalse(again.stdout.contains("≤ 0."), again.stdout)
    }

    func testEstimateWithASensitivityProfileIsRefusedInOneSentence() throws {
        let path = try writeCheckpoint()
        let outcome = try Harness.rankscope(["plan", path, "--estimate", "--sensitivity", directory + "/profile.json"], cacheHome: directory + "/cache")
        XCTAssertNotEqual(outcome.status, 0)
        XCTAssertTrue(outcome.stderr.contains("--estimate cannot be combined with --sensitivity"), outcome.stderr)
    }
}
