import Foundation
import PythonOracle
import XCTest

/// `rankscope spectra --stats` and `plan --stats` on a generated checkpoint whose statistics were
/// accumulated by `scripts/collect-stats.py`'s numpy part, checked against numpy's own optimum.
final class DataAwareSpectraTests: XCTestCase {
    private var directory = ""

    /// The checkpoint folder; the statistics file lives beside it, in `directory`.
    private var model: String { directory + "/model" }

    override func setUpWithError() throws {
        directory = try Harness.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory + "/model", withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    /// Writes model.safetensors (F32), stats.safetensors (through the collector's accumulator, in
    /// batches) and expected.json: for up_proj (full second moment) numpy's optimal output error
    /// ‖(W − Ŵ)X‖/‖WX‖ at every rank with Ŵ = U_k·Σ_k·V_kᵀ·S⁻¹ (S = Cholesky of X·Xᵀ/T), and the
    /// output error of plain truncation; for down_proj (diagonal only) the singular values of
    /// W·diag(√mean_square).
    private let writer = StatisticsFixture.preamble + """
    full, diagonal = cs.StatsAccumulator(), cs.StatsAccumulator(diagonal_only=True)
    X = activations(10, 400)
    for start in range(0, 400, 128):
        full.add_activations("model.layers.0.mlp.up_proj", X[:, start:start + 128].T)
    Z = activations(16, 300)
    diagonal.add_activations("model.layers.0.mlp.down_proj", Z.T)
    tensors = full.tensors(); tensors.update(diagonal.tensors())
    save_file(tensors, out + "/stats.safetensors", metadata={"format": cs.FORMAT, "version": cs.VERSION})
    W = up.astype(np.float64)
    S = np.linalg.cholesky(X @ X.T / X.shape[1])
    U, s, Vt = np.linalg.svd(W @ S, full_matrices=False)
    Uw, sw, Vtw = np.linalg.svd(W, full_matrices=False)
    base = np.linalg.norm(W @ X)
    optimum, plain = [], []
    for k in range(len(s) + 1):
        best = (U[:, :k] * s[:k]) @ Vt[:k] @ np.linalg.inv(S)
        optimum.append(float(np.linalg.norm((W - best) @ X) / base))
        truncated = (Uw[:, :k] * sw[:k]) @ Vtw[:k]
        plain.append(float(np.linalg.norm((W - truncated) @ X) / base))
    ms = (Z * Z).mean(axis=1)
    diag_values = np.linalg.svd(down.astype(np.float64) * np.sqrt(ms)[None, :], compute_uv=False)
    json.dump({"optimum": optimum, "plain": plain, "diagonal_values": diag_values.tolist()}, open(out + "/expected.json", "w"))
    """

    private func expected() throws -> [String: [Double]] {
        try PythonOracle.run(writer, [directory, StatisticsFixture.collector])
        return try XCTUnwrap(Harness.json(String(contentsOfFile: directory + "/expected.json", encoding: .utf8)) as? [String: [Double]])
    }

    func testDataAwareSpectraGiveNumpysOptimalOutputErrors() throws {
        let expected = try expected()
        let outcome = try Harness.rankscope(["spectra", model, "--stats", directory + "/stats.safetensors", "--json", "--values"],
                                            cacheHome: directory + "/cache")
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let report = try XCTUnwrap(Harness.json(outcome.stdout) as? [String: Any])
        let matrices = try XCTUnwrap(report["matrices"] as? [[String: Any]])
        let byName = Dictionary(uniqueKeysWithValues: matrices.map { ($0["name"] as? String ?? "", $0) })
        let up = try XCTUnwrap(byName["model.layers.0.mlp.up_proj.weight"]?["singular_values"] as? [Double])
        let optimum = try XCTUnwrap(expected["optimum"]), plain = try XCTUnwrap(expected["plain"])
        XCTAssertEqual(up.count, 10)
        let total = up.map { $0 * $0 }.reduce(0, +)
        for rank in 1..<up.count {
            let tail = up[rank...].map { $0 * $0 }.reduce(0, +)
            let estimate = (tail / total).squareRoot()
            XCTAssertEqual(estimate, optimum[rank], accuracy: 1e-8 * optimum[rank], "rank \(rank)")
            XCTAssertLessThan(optimum[rank], plain[rank], "rank \(rank)")
        }
        let down = try XCTUnwrap(byName["model.layers.0.mlp.down_proj.weight"]?["singular_values"] as? [Double])
        let want = try XCTUnwrap(expected["diagonal_values"])
        XCTAssertEqual(down.count, want.count)
        for (got, value) in zip(down, want) { XCTAssertEqual(got, value, accuracy: 1e-9 * want[0]) }

        let table = try Harness.rankscope(["spectra", model, "--stats", directory + "/stats.safetensors"], cacheHome: directory + "/cache")
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.contains("Data-aware spectra of W·S"), table.stdout)
        XCTAssertTrue(table.stdout.contains("(2 from cache)"), table.stdout)
        let plainTable = try Harness.rankscope(["spectra", model], cacheHome: directory + "/cache")
        XCTAssertTrue(plainTable.stdout.contains("Plain spectra of the weights W."), plainTable.stdout)
        XCTAssertTrue(plainTable.stdout.contains("(0 from cache)"), "data-aware entries must not serve plain spectra: \(plainTable.stdout)")
    }

    func testPlanEstimatesRelativeOutputErrors() throws {
        let expected = try expected()
        let outcome = try Harness.rankscope(["plan", model, "--stats", directory + "/stats.safetensors", "--max-error", "0.05", "--json"],
                                            cacheHome: directory + "/cache")
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let report = try XCTUnwrap(Harness.json(outcome.stdout) as? [String: Any])
        let layers = try XCTUnwrap(report["layers"] as? [[String: Any]])
        let up = try XCTUnwrap(layers.first { $0["name"] as? String == "model.layers.0.mlp.up_proj.weight" })
        let choice = try XCTUnwrap(up["choice"] as? [String: Any])
        let error = try XCTUnwrap(up["relative_error"] as? Double)
        if let rank = choice["rank"] as? Int {
            // 16-bit factors add a little quantization noise on top of the truncation error.
            let optimum = try XCTUnwrap(expected["optimum"])[rank]
            XCTAssertEqual(error, optimum, accuracy: 1e-3 + 1e-2 * optimum, "rank \(rank)")
        } else {
            XCTAssertLessThanOrEqual(error, 0.05)
        }
    }

    /// `plan --stats`: an excluded matrix without statistics needs none, and a free one falls back to
    /// its weight spectrum with a warning naming it; its row has no whitening, the covered one has.
    func testMatricesWithoutStatisticsAreExcludedOrFallBackToWeights() throws {
        let stats = directory + "/stats.safetensors"
        try PythonOracle.run("""
        import sys, numpy as np
        from safetensors.numpy import save_file
        rng = np.random.default_rng(5)
        save_file({"model.layers.0.mlp.up_proj.weight": rng.standard_normal((4, 6)).astype(np.float32),
                   "model.layers.0.self_attn.q_proj.weight": rng.standard_normal((6, 6)).astype(np.float32),
                   "model.layers.0.self_attn.k_proj.weight": rng.standard_normal((6, 6)).astype(np.float32)}, sys.argv[1] + "/model.safetensors")
        save_file({"model.layers.0.mlp.up_proj.input_second_moment": np.diag(np.linspace(1, 2, 6)),
                   "model.layers.0.mlp.up_proj.tokens": np.array([3], np.int64)},
                  sys.argv[2], metadata={"format": "rankscope-activation-stats", "version": "1"})
        """, [model, stats])
        let plan = directory + "/plan.json"
        try #"{"format": "rankscope-plan", "version": 1, "rules": [{"match": "k_proj", "exclude": true}]}"#.write(toFile: plan, atomically: true, encoding: .utf8)
        let outcome = try Harness.rankscope(["plan", model, "--stats", stats, "--plan", plan, "--target-params", "90%", "--json"], cacheHome: directory + "/cache")
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("has no statistics for model.layers.0.self_attn.q_proj.weight; its row uses the weight spectrum"), outcome.stderr)
        XCTAssertFalse(outcome.stderr.contains("k_proj"), "an excluded matrix needs no statistics: \(outcome.stderr)")
        let layers = try XCTUnwrap((Harness.json(outcome.stdout) as? [String: Any])?["layers"] as? [[String: Any]])
        func row(_ name: String) throws -> [String: Any] { try XCTUnwrap(layers.first { $0["name"] as? String == name }) }
        XCTAssertNotNil(try row("model.layers.0.mlp.up_proj.weight")["whitening"] as? String, "data-aware row")
        XCTAssertNil(try row("model.layers.0.self_attn.q_proj.weight")["whitening"] as? String, "weight-spectrum row")
        XCTAssertEqual(try row("model.layers.0.mlp.up_proj.weight")["spectrum_kind"] as? String, "data_aware")
        XCTAssertEqual(try row("model.layers.0.self_attn.q_proj.weight")["spectrum_kind"] as? String, "weights")
        XCTAssertNil(try row("model.layers.0.self_attn.k_proj.weight")["spectrum_kind"], "an excluded matrix has no spectrum")
        // Without the exclusion, the allocator weighs every matrix: the uncovered k_proj falls back too, named, and the
        // text ends with the matrices on weight spectra.
        let bare = try Harness.rankscope(["plan", model, "--stats", stats, "--target-params", "90%"], cacheHome: directory + "/cache")
        XCTAssertEqual(bare.status, 0, bare.stderr)
        XCTAssertTrue(bare.stderr.contains("has no statistics for model.layers.0.self_attn.k_proj.weight"), bare.stderr)
        let last = bare.stdout.split(separator: "\n").last.map(String.init) ?? ""
        XCTAssertEqual(last, "Weight spectra (no statistics; rel. error is ‖W − Ŵ‖/‖W‖) for 2: "
                       + "model.layers.0.self_attn.k_proj.weight, model.layers.0.self_attn.q_proj.weight.", bare.stdout)
    }

    /// A 4×6 up_proj in `model/model.safetensors` and statistics of `width` channels at `statsPath`;
    /// runs `spectra --stats` and returns what it printed, expecting exit status 1 and one line.
    private func failingRun(statsPath: String, width: Int) throws -> String {
        try PythonOracle.run("""
        import sys, numpy as np
        from safetensors.numpy import save_file
        save_file({"model.layers.0.mlp.up_proj.weight": np.ones((4, 6), np.float32)}, sys.argv[1] + "/model.safetensors")
        save_file({"model.layers.0.mlp.up_proj.input_second_moment": np.eye(int(sys.argv[3])),
                   "model.layers.0.mlp.up_proj.tokens": np.array([3], np.int64)},
                  sys.argv[2], metadata={"format": "rankscope-activation-stats", "version": "1"})
        """, [model, statsPath, String(width)])
        let outcome = try Harness.rankscope(["spectra", model, "--stats", statsPath], cacheHome: directory + "/cache")
        XCTAssertEqual(outcome.status, 1)
        XCTAssertEqual(outcome.stdout, "")
        XCTAssertEqual(outcome.stderr.split(separator: "\n").count, 1, outcome.stderr)
        return outcome.stderr
    }

    func testStatisticsOfTheWrongWidthAreOneSentence() throws {
        let message = try failingRun(statsPath: directory + "/stats.safetensors", width: 5)
        XCTAssertTrue(message.contains(directory + "/stats.safetensors: model.layers.0.mlp.up_proj.input_second_moment"), message)
        XCTAssertTrue(message.contains("6 channels"), message)
    }

    func testStatisticsInsideTheCheckpointFolderAreNamed() throws {
        let message = try failingRun(statsPath: model + "/stats.safetensors", width: 6)
        XCTAssertTrue(message.hasPrefix("rankscope: " + model + "/stats.safetensors: is part of the checkpoint"), message)
    }
}
