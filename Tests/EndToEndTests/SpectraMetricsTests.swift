import Foundation
import PythonOracle
import XCTest

/// `rankscope spectra --metrics` from the binary's own (cached) spectra against the real
/// `weightwatcher` 0.7.7 on the same matrices, read the way a notebook reads WeightWatcher's
/// details: `pd.read_csv` and `pd.DataFrame(doc["details"])`, by column name.
final class SpectraMetricsTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws { directory = try Harness.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    /// Writes `heavy/model.safetensors`: Student-t and Cauchy-like matrices (F32) of Llama names.
    private let writer = """
    import sys, numpy as np
    from safetensors.numpy import save_file
    rng = np.random.default_rng(1818)
    t = {
        "model.layers.0.self_attn.q_proj.weight": rng.standard_t(2.5, size=(160, 160)),
        "model.layers.0.mlp.up_proj.weight": rng.standard_t(3.5, size=(320, 128)),
        "model.layers.0.mlp.down_proj.weight": rng.standard_t(3.0, size=(128, 320)),
        "model.layers.1.self_attn.k_proj.weight": rng.standard_normal((64, 160)) * 0.05,
        "model.layers.1.self_attn.v_proj.weight": rng.standard_t(1.5, size=(12, 160)) * 0.01,
    }
    save_file({k: v.astype(np.float32) for k, v in t.items()}, sys.argv[1] + "/model.safetensors")
    """

    /// Reads the checkpoint at argv[1] (F32 or BF16 as stored, in float64), writes each matrix the
    /// CSV names as WeightWatcher flat files, analyses them, and compares every shared column with
    /// the CSV and the JSON details: x_min, α, D to 1e-5 relative, norms to 1e-9, counts exactly.
    /// Prints the largest relative difference per column.
    private let oracle = """
    import json, sys, os, logging, numpy as np, pandas as pd
    logging.disable(logging.CRITICAL)
    import weightwatcher as ww
    ckpt, work = sys.argv[1], sys.argv[2]
    raw = open(ckpt + "/model.safetensors", "rb").read()
    n = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8:8 + n])
    def tensor(name):
        t = header[name]; b, e = t["data_offsets"]; buf = raw[8 + n + b:8 + n + e]
        if t["dtype"] == "BF16":
            a = (np.frombuffer(buf, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
        else:
            a = np.frombuffer(buf, dtype="<f4")
        return a.reshape(t["shape"]).astype(np.float64)
    ours = pd.read_csv(work + "/metrics.csv")
    doc = json.load(open(work + "/metrics.json"))
    from_json = pd.DataFrame(doc["details"])
    assert list(from_json["name"]) == list(ours["name"])
    flat = work + "/flat"; os.makedirs(flat)
    layers = {}
    for i, name in enumerate(ours["name"]):
        w = tensor(name); np.save(f"{flat}/{i}.weight.npy", w)
        layers[str(i)] = dict(name=name, longname=name, weightfile=f"{i}.weight.npy", biasfile=None, type="dense",
                              dims=json.dumps(list(w.shape)))
    json.dump(dict(weights_dir=flat, layers=layers), open(flat + "/ww_config.json", "w"))
    theirs = ww.WeightWatcher(model=flat).analyze(min_evals=0, mp_fit=True).set_index("name").loc[list(ours["name"])]
    tolerances = {"xmin": 1e-5, "alpha": 1e-5, "D": 1e-5, "sigma": 1e-5, "alpha_weighted": 1e-5, "log_alpha_norm": 1e-5,
                  "norm": 1e-9, "log_norm": 1e-9, "spectral_norm": 1e-9, "log_spectral_norm": 1e-9, "lambda_max": 1e-9,
                  "stable_rank": 1e-9, "entropy": 1e-9, "sv_max": 1e-9, "xmax": 1e-9, "W_scale": 1e-9, "Q": 1e-15,
                  "sigma_mp": 1e-6, "mp_softrank": 1e-6, "bulk_max": 1e-6, "bulk_min": 1e-6}
    exact = ["layer_id", "M", "N", "num_evals", "num_pl_spikes", "num_spikes", "matrix_rank", "rank_loss", "weak_rank_loss", "rf"]
    worst = {}
    for frame in (ours, from_json):
        frame = frame.set_index("name")
        for column, tolerance in tolerances.items():
            a, b = frame[column].to_numpy(float), theirs[column].to_numpy(float)
            rel = np.abs(a - b) / np.maximum(np.abs(b), 1e-300)
            worst[column] = max(worst.get(column, 0.0), float(rel.max()))
            assert (rel <= tolerance).all(), (column, list(zip(frame.index, a, b)))
        for column in exact:
            if column == "layer_id":
                assert list(frame[column]) == list(range(len(frame))), column
            else:
                assert list(frame[column].astype(int)) == list(theirs[column].astype(int)), (column, list(frame[column]), list(theirs[column]))
        assert list(frame["warning"].fillna("")) == list(theirs["warning"].fillna("")), (list(frame["warning"]), list(theirs["warning"]))
        assert list(frame["status"]) == list(theirs["status"])
    assert ours["has_esd"].dtype == bool and ours["alpha"].dtype == float and ours["num_spikes"].dtype == np.int64
    print(json.dumps(worst, sort_keys=True))
    """

    private func check(_ checkpoint: String, filter: String?) throws {
        let work = directory + "/work-" + URL(fileURLWithPath: checkpoint).lastPathComponent
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let selection = filter.map { ["--filter", $0] } ?? []
        let csv = try Harness.rankscope(["spectra", checkpoint, "--metrics", "--csv", work + "/metrics.csv"] + selection,
                                        cacheHome: directory + "/cache")
        XCTAssertEqual(csv.status, 0, csv.stderr)
        XCTAssertTrue(csv.stdout.contains("alpha") && csv.stdout.contains("num_spikes"), csv.stdout)
        // The second run reads the cached spectra.
        let json = try Harness.rankscope(["spectra", checkpoint, "--metrics", "--json"] + selection, cacheHome: directory + "/cache")
        XCTAssertEqual(json.status, 0, json.stderr)
        try json.stdout.write(toFile: work + "/metrics.json", atomically: true, encoding: .utf8)
        let worst = try PythonOracle.run(oracle, [checkpoint, work])
        let figures = worst.split(separator: "\n").last.map(String.init) ?? ""
        print("largest relative differences from weightwatcher (\(checkpoint)): \(figures)")
    }

    func testHeavyTailedCheckpointMatchesWeightWatcher() throws {
        let checkpoint = directory + "/heavy"
        try FileManager.default.createDirectory(atPath: checkpoint, withIntermediateDirectories: true)
        try PythonOracle.run(writer, [checkpoint])
        try check(checkpoint, filter: nil)

        // plan marks the same cautions, by the same metrics, in its JSON layers and its table.
        let metrics = try Harness.rankscope(["spectra", checkpoint, "--metrics", "--json"], cacheHome: directory + "/cache")
        let details = try XCTUnwrap((Harness.json(metrics.stdout) as? [String: Any])?["details"] as? [[String: Any]])
        let byName = Dictionary(uniqueKeysWithValues: details.compactMap { row in (row["name"] as? String).map { ($0, row) } })
        // A target weighs every matrix (with nothing asked, plan computes no spectrum).
        let plan = try Harness.rankscope(["plan", checkpoint, "--target-params", "90%", "--json"], cacheHome: directory + "/cache")
        XCTAssertEqual(plan.status, 0, plan.stderr)
        let layers = try XCTUnwrap((Harness.json(plan.stdout) as? [String: Any])?["layers"] as? [[String: Any]])
        XCTAssertEqual(layers.count, details.count)
        var cautions = 0
        for layer in layers {
            let name = try XCTUnwrap(layer["name"] as? String)
            let row = try XCTUnwrap(byName[name], name)
            XCTAssertEqual(layer["alpha"] as? Double, row["alpha"] as? Double, name)
            XCTAssertEqual(layer["num_spikes"] as? Int, row["num_spikes"] as? Int, name)
            XCTAssertEqual(layer["caution"] as? String, row["caution"] as? String, name)
            if (layer["caution"] as? String ?? "") != "" { cautions += 1 }
        }
        XCTAssertGreaterThan(cautions, 0, "the Cauchy-like v_proj has alpha < 2: \(details.map { ($0["name"] ?? "", $0["alpha"] ?? "") })")
        let table = try Harness.rankscope(["plan", checkpoint, "--target-params", "90%"], cacheHome: directory + "/cache")
        XCTAssertTrue(table.stdout.contains("cautions (\(cautions) matrices"), table.stdout)
    }

    /// A real trained checkpoint: all-MiniLM-L6-v2's first and last encoder blocks (12 F32
    /// matrices, 384×384 and 384×1536), from `scripts/test-models`' cache.
    func testRealCheckpointMatchesWeightWatcher() throws {
        let folder: URL
        do { folder = try TestModels.folder(TestModels.miniLM) } catch let unavailable as TestModels.Unavailable {
            throw XCTSkip(unavailable.description)
        }
        try check(folder.path, filter: "encoder\\.layer\\.(0|5)\\.")
    }

    func testDemoCheckpointMatchesWeightWatcher() throws {
        let demo = directory + "/demo"
        let written = try Harness.rankscope(["demo", "--out", demo, "--write-only"], cacheHome: directory + "/cache")
        XCTAssertEqual(written.status, 0, written.stderr)
        try check(demo, filter: "layers\\.(0|5)\\.")
    }
}
