import Foundation
import PythonOracle
import XCTest

/// `spectra --json`, `plan --json` and `spectra --csv` say which spectra they hold: the weights'
/// own or data-aware ones, with the statistics file, its fingerprint, and per matrix the whitening
/// (Cholesky of the full second moment or diagonal) and the shift λ, all checked against numpy.
final class SpectrumKindReportTests: XCTestCase {
    private var directory = ""
    private var model: String { directory + "/model" }
    private var stats: String { directory + "/stats.safetensors" }
    private let up = "model.layers.0.mlp.up_proj.weight", down = "model.layers.0.mlp.down_proj.weight"

    override func setUpWithError() throws {
        directory = try Harness.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: model, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    /// Writes model/model.safetensors, stats.safetensors (up_proj: full second moment with a
    /// silent channel, so Cholesky needs λ = 1e-6·trace/n; down_proj: mean squares only, one of
    /// them 0, so λ = 1e-6·mean) and expected.json: the fingerprint's prefix (size, mtime in ns,
    /// inode), each λ, and numpy's singular values of W·S.
    private func expected() throws -> [String: Any] {
        try PythonOracle.run("""
        import json, os, sys, numpy as np
        from safetensors.numpy import save_file
        out = sys.argv[1]
        rng = np.random.default_rng(5)
        up = rng.standard_normal((16, 10)).astype(np.float32)
        down = rng.standard_normal((10, 16)).astype(np.float32)
        save_file({"model.layers.0.mlp.up_proj.weight": up, "model.layers.0.mlp.down_proj.weight": down},
                  out + "/model/model.safetensors", metadata={"format": "pt"})
        X = (10.0 ** np.linspace(-2, 2, 10))[:, None] * rng.standard_normal((10, 200)); X[4] = 0
        M = X @ X.T / 200
        ms = (rng.standard_normal((16, 50)) ** 2).mean(axis=1); ms[7] = 0
        save_file({"model.layers.0.mlp.up_proj.input_second_moment": M,
                   "model.layers.0.mlp.up_proj.tokens": np.array([200], np.int64),
                   "model.layers.0.mlp.down_proj.input_mean_square": ms,
                   "model.layers.0.mlp.down_proj.tokens": np.array([50], np.int64)},
                  out + "/stats.safetensors", metadata={"format": "rankscope-activation-stats", "version": "1"})
        up_shift = 1e-6 * np.trace(M) / 10
        down_shift = 1e-6 * ms.sum() / 16
        S = np.linalg.cholesky(M + up_shift * np.eye(10))
        st = os.stat(out + "/stats.safetensors")
        json.dump({"fingerprint_prefix": f"{st.st_size}-{st.st_mtime_ns}-{st.st_ino}-",
                   "up_shift": up_shift, "down_shift": down_shift,
                   "up_values": np.linalg.svd(up.astype(np.float64) @ S, compute_uv=False).tolist(),
                   "down_values": np.linalg.svd(down.astype(np.float64) * np.sqrt(ms + down_shift)[None, :], compute_uv=False).tolist()},
                  open(out + "/expected.json", "w"))
        """, [directory])
        return try XCTUnwrap(Harness.json(String(contentsOfFile: directory + "/expected.json", encoding: .utf8)) as? [String: Any])
    }

    private func run(_ arguments: [String]) throws -> [String: Any] {
        let outcome = try Harness.rankscope(arguments, cacheHome: directory + "/cache")
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        return try XCTUnwrap(Harness.json(outcome.stdout) as? [String: Any], outcome.stdout)
    }

    private func byName(_ items: Any?) throws -> [String: [String: Any]] {
        let list = try XCTUnwrap(items as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: list.map { ($0["name"] as? String ?? "", $0) })
    }

    /// Checks a data-aware report's kind, statistics and per-matrix whitening against numpy.
    private func assertDataAware(_ report: [String: Any], _ items: [String: [String: Any]], _ expected: [String: Any]) throws {
        XCTAssertEqual(report["spectrum_kind"] as? String, "data_aware")
        let statistics = try XCTUnwrap(report["statistics"] as? [String: Any])
        XCTAssertEqual(statistics["path"] as? String, stats)
        let fingerprint = try XCTUnwrap(statistics["fingerprint"] as? String)
        XCTAssertTrue(fingerprint.hasPrefix(try XCTUnwrap(expected["fingerprint_prefix"] as? String)), fingerprint)
        XCTAssertGreaterThan(fingerprint.count, (expected["fingerprint_prefix"] as? String ?? "").count)
        for (name, kind, shiftKey) in [(up, "cholesky", "up_shift"), (down, "diagonal", "down_shift")] {
            let item = try XCTUnwrap(items[name], name)
            XCTAssertEqual(item["whitening"] as? String, kind, name)
            let want = try XCTUnwrap(expected[shiftKey] as? Double)
            XCTAssertEqual(try XCTUnwrap(item["whitening_shift"] as? Double, name), want, accuracy: 1e-12 * want, name)
        }
    }

    func testSpectraJSONStatesTheKindStatisticsAndWhitening() throws {
        let expected = try expected()
        let plain = try run(["spectra", model, "--json"])
        XCTAssertEqual(plain["spectrum_kind"] as? String, "weights")
        XCTAssertNil(plain["statistics"])
        for item in try byName(plain["matrices"]).values {
            XCTAssertNil(item["whitening"])
            XCTAssertNil(item["whitening_shift"])
        }

        for pass in ["computed", "cached"] {
            let report = try run(["spectra", model, "--stats", stats, "--json", "--values"])
            let matrices = try byName(report["matrices"])
            try assertDataAware(report, matrices, expected)
            for (name, key) in [(up, "up_values"), (down, "down_values")] {
                XCTAssertEqual(matrices[name]?["from_cache"] as? Bool, pass == "cached", name)
                let got = try XCTUnwrap(matrices[name]?["singular_values"] as? [Double]), want = try XCTUnwrap(expected[key] as? [Double])
                XCTAssertEqual(got.count, want.count)
                for (g, w) in zip(got, want) { XCTAssertEqual(g, w, accuracy: 1e-9 * want[0], "\(pass) \(name)") }
            }
        }
    }

    func testPlanJSONStatesTheKindStatisticsAndWhitening() throws {
        let expected = try expected()
        let plain = try run(["plan", model, "--target-params", "90%", "--json"])  // a target weighs every matrix
        XCTAssertEqual(plain["spectrum_kind"] as? String, "weights")
        XCTAssertNil(plain["statistics"])
        XCTAssertTrue(try byName(plain["layers"]).values.allSatisfy { $0["whitening"] == nil && $0["whitening_shift"] == nil })

        let report = try run(["plan", model, "--stats", stats, "--target-params", "90%", "--json"])
        try assertDataAware(report, try byName(report["layers"]), expected)
    }

    func testCSVKindColumnReadsWithPandasAndNumpy() throws {
        _ = try expected()
        for (arguments, kind) in [([String](), "weights"), (["--stats", stats], "data_aware")] {
            let csv = directory + "/\(kind).csv", json = directory + "/\(kind).json"
            let outcome = try Harness.rankscope(["spectra", model, "--csv", csv, "--json", "--values"] + arguments, cacheHome: directory + "/cache")
            XCTAssertEqual(outcome.status, 0, outcome.stderr)
            try outcome.stdout.write(toFile: json, atomically: true, encoding: .utf8)
            let check = try PythonOracle.run("""
            import json, sys
            import numpy as np, pandas as pd
            csv, report, kind = sys.argv[1], json.load(open(sys.argv[2])), sys.argv[3]
            values = {m["name"]: m["singular_values"] for m in report["matrices"]}
            df = pd.read_csv(csv)
            assert list(df.columns) == ["tensor", "block", "role", "rows", "columns", "index", "singular_value", "spectrum_kind"], list(df.columns)
            assert (df.spectrum_kind == kind).all() and report["spectrum_kind"] == kind
            for name, group in df.groupby("tensor"):
                assert group["index"].tolist() == list(range(len(values[name])))
                assert group.singular_value.tolist() == values[name], name
            table = np.genfromtxt(csv, delimiter=",", names=True, dtype=None, encoding="utf-8")
            assert table.dtype.names[-1] == "spectrum_kind" and set(table["spectrum_kind"]) == {kind}
            assert np.array_equal(table["singular_value"], df.singular_value.to_numpy())
            numeric = np.genfromtxt(csv, delimiter=",", skip_header=1, usecols=(5, 6))
            assert np.array_equal(numeric[:, 1], df.singular_value.to_numpy())
            print(len(df))
            """, [csv, json, kind])
            XCTAssertEqual(check.trimmingCharacters(in: .whitespacesAndNewlines), "20", kind)
        }
    }
}
