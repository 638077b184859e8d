import Foundation
import PythonOracle
import XCTest

/// `rankscope plan` on the demo checkpoint, checked against figures numpy derives from the
/// checkpoint's own bytes with docs/planning.md's formulas.
final class PlanCommandTests: XCTestCase {
    private static var directory = ""
    private var demo: String { Self.directory + "/demo" }
    private var cache: String { Self.directory + "/cache" }

    override class func setUp() {
        super.setUp()
        directory = (try? Harness.temporaryDirectory()) ?? NSTemporaryDirectory()
        _ = try? Harness.rankscope(["demo", "--out", directory + "/demo", "--write-only"], cacheHome: directory + "/cache")
    }

    override class func tearDown() {
        try? FileManager.default.removeItem(atPath: directory)
        super.tearDown()
    }

    /// numpy: singular values of every linear matrix (BF16 decoded from the documented layout),
    /// then every figure of a plan given as {name: [kind, rank-or-bits, factor bits, group size]}.
    /// The singular values are kept in the test's folder for the next call.
    private static let oracle = """
    import os
    os.environ["OPENBLAS_NUM_THREADS"] = "1"  # one small SVD at a time: threads only contend
    import json, sys, math, numpy as np
    from scipy.stats import norm
    path, plan, saved = sys.argv[1] + "/model.safetensors", json.loads(sys.argv[2]), sys.argv[1] + "/../numpy-spectra.npz"
    spectra = dict(np.load(saved)) if os.path.exists(saved) else {}
    raw = open(path, "rb").read()
    n = int.from_bytes(raw[:8], "little")
    header = {k: v for k, v in json.loads(raw[8:8 + n]).items() if k != "__metadata__"}
    def c_group(bits, g):
        # docs/planning.md's noise model: (g − 2 + 6u²)/g · ρ₂(g)² / (12·(2^b − 1 − u)²), u the zero-point slack.
        if bits >= 16 or g <= 2: return 0.0
        u = 2 * 2.0 ** (math.floor(math.log2(1.5 * (2 ** bits - 1))) - 10)
        rho = 2 * norm.ppf((g - 0.4225) / (g + 0.155))
        return (g - 2 + 6 * u * u) / g * rho * rho / (12 * (2 ** bits - 1 - u) ** 2)
    def c(bits, g, length):
        # Rows of `length` in groups of g: full groups and the shorter last one, weighted by length.
        g = min(g, length)
        full, rest = divmod(length, g)
        return (full * g * c_group(bits, g) + rest * c_group(bits, rest)) / length
    def qbytes(elements, groups, bits):
        return (elements * bits + (32 * groups if bits < 16 else 0) + 7) // 8
    out = {"parameters_before": 0, "parameters_after": 0, "bytes_before": 0, "bytes_after": 0, "err": 0.0, "norm": 0.0,
           "ranks": {}, "kept": 0, "shapes": []}
    for name, t in header.items():
        shape = t["shape"]
        count = int(np.prod(shape))
        out["parameters_before"] += count
        out["bytes_before"] += 2 * count
        linear = len(shape) == 2 and name.startswith("model.layers.")
        if not linear:
            out["parameters_after"] += count
            out["bytes_after"] += 2 * count
            continue
        m, k_n = shape
        if name not in spectra:
            b, e = t["data_offsets"]
            bits16 = np.frombuffer(raw[8 + n + b:8 + n + e], dtype="<u2").astype(np.uint32) << 16
            spectra[name] = np.linalg.svd(bits16.view(np.float32).reshape(shape).astype(np.float64), compute_uv=False)
        s = spectra[name]
        E = float(np.sum(s ** 2))
        if plan.get(name, ["keep"])[0] == "excluded":  # kept as stored, and in no error total
            out["parameters_after"] += count
            out["bytes_after"] += 2 * count
            out["shapes"].append([m, k_n])
            out["kept"] += count
            continue
        out["norm"] += E
        out["shapes"].append([m, k_n])
        kind, value, fbits, g = plan.get(name, ["keep", 0, 16, 128])
        if kind == "energy":
            cum = np.cumsum(s ** 2)
            value = int(np.argmax(cum >= value * cum[-1]) + 1)
            kind = "rank"
        if kind == "fraction":
            value, kind = int(math.ceil(value * min(m, k_n) - 1e-9)), "rank"
        if kind == "rank":
            k = value
            out["ranks"][name] = k
            out["parameters_after"] += k * (m + k_n)
            out["kept"] += k * (m + k_n)
            out["bytes_after"] += qbytes(m * k, k * -(-m // g), fbits) + qbytes(k * k_n, k * -(-k_n // g), fbits)
            tail = float(np.sum(s[k:] ** 2))
            cA, cB = c(fbits, g, m), c(fbits, g, k_n)
            out["err"] += tail + (cA + cB + cA * cB) * (E - tail)
        elif kind == "dense":
            out["parameters_after"] += count
            out["kept"] += count
            out["bytes_after"] += qbytes(count, m * -(-k_n // g), value)
            out["err"] += c(value, g, k_n) * E
        else:
            out["parameters_after"] += count
            out["kept"] += count
            out["bytes_after"] += 2 * count
    out["relative_error"] = math.sqrt(out["err"] / out["norm"])
    # Sparse formats at the plan's parameter count over the linear matrices, 16-bit values.
    total = sum(m * k_n for m, k_n in out["shapes"])
    d = out["kept"] / total
    sizes = {"csr-int64": 0, "coo-int64": 0, "index16": 0, "bitmask": 0}
    for m, k_n in out["shapes"]:
        nnz = int(math.floor(d * m * k_n + 0.5))
        sizes["csr-int64"] += nnz * (16 + 64) + 64 * (m + 1)
        sizes["coo-int64"] += nnz * (16 + 128)
        sizes["index16"] += nnz * (16 + 16) + 32 * (m + 1)
        sizes["bitmask"] += nnz * 16 + 8 * m * -(-k_n // 8) + 64 * m + 128  # compressed-tensors' layout
    out["sparse"] = {k: (v + 7) // 8 for k, v in sizes.items()}
    out["sparse"]["2:4"] = (sum(m * k_n // 2 * 16 + 8 * m * -(-k_n // 8) + 128 for m, k_n in out["shapes"]) + 7) // 8 if d <= 0.5 else None
    del out["shapes"]
    np.savez(saved, **spectra)
    print(json.dumps(out))
    """

    private func numpyFigures(plan: [String: [Any]]) throws -> [String: Any] {
        let planJSON = String(decoding: try JSONSerialization.data(withJSONObject: plan), as: UTF8.self)
        return try XCTUnwrap(Harness.json(PythonOracle.run(Self.oracle, [demo, planJSON])) as? [String: Any])
    }

    private func run(_ arguments: [String]) throws -> Harness.Outcome {
        try Harness.rankscope(["plan", demo] + arguments, cacheHome: cache)
    }

    private func report(_ arguments: [String]) throws -> [String: Any] {
        let outcome = try run(arguments + ["--json"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        return try XCTUnwrap(Harness.json(outcome.stdout) as? [String: Any])
    }

    private func model(_ report: [String: Any]) throws -> [String: Any] {
        try XCTUnwrap((report["totals"] as? [String: Any])?["model"] as? [String: Any])
    }

    /// A plan file with rules, an exclusion and overrides: every total equals numpy's.
    func testPlanFileFiguresMatchNumpy() throws {
        let planPath = Self.directory + "/rules.json"
        try """
        {
          "format": "rankscope-plan",
          "version": 1,
          "rules": [
            {"match": "self_attn\\\\.(q|k)_proj", "rank": 16},
            {"match": "mlp\\\\.", "rank": {"fraction": 0.125}, "bits": 4, "group_size": 64},
            {"match": "^model\\\\.layers\\\\.7\\\\.", "exclude": true}
          ],
          "overrides": {
            "model.layers.3.self_attn.o_proj.weight": {"rank": {"energy": 0.9}},
            "model.layers.2.self_attn.v_proj.weight": {"keep_dense": true, "dense_bits": 8}
          }
        }
        """.write(toFile: planPath, atomically: true, encoding: .utf8)
        var plan: [String: [Any]] = [:]
        for block in 0..<7 {
            for role in ["q_proj", "k_proj"] { plan["model.layers.\(block).self_attn.\(role).weight"] = ["rank", 16, 16, 128] }
            for role in ["gate_proj", "up_proj", "down_proj"] { plan["model.layers.\(block).mlp.\(role).weight"] = ["fraction", 0.125, 4, 64] }
        }
        plan["model.layers.3.self_attn.o_proj.weight"] = ["energy", 0.9, 16, 128]
        plan["model.layers.2.self_attn.v_proj.weight"] = ["dense", 8, 16, 128]
        for role in ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"] {
            plan["model.layers.7.\(role).weight"] = ["excluded", 0, 16, 128]
        }
        let want = try numpyFigures(plan: plan)

        let got = try report(["--plan", planPath])
        let figures = try model(got)
        for key in ["parameters_before", "parameters_after", "bytes_before", "bytes_after"] {
            XCTAssertEqual(figures[key] as? Int, want[key] as? Int, key)
        }
        let error = try XCTUnwrap(figures["relative_error"] as? Double)
        XCTAssertEqual(error, try XCTUnwrap(want["relative_error"] as? Double), accuracy: 1e-6 * error)
        let layers = try XCTUnwrap(got["layers"] as? [[String: Any]])
        XCTAssertEqual(layers.count, 56)
        let o3 = try XCTUnwrap(layers.first { $0["name"] as? String == "model.layers.3.self_attn.o_proj.weight" })
        XCTAssertEqual((o3["choice"] as? [String: Any])?["rank"] as? Int, (want["ranks"] as? [String: Int])?["model.layers.3.self_attn.o_proj.weight"])
        XCTAssertEqual(o3["decided_by"] as? String, "override (line 10)")
        let excluded = try XCTUnwrap(layers.first { $0["name"] as? String == "model.layers.7.mlp.up_proj.weight" })
        XCTAssertEqual(excluded["constraint"] as? String, "excluded")
        XCTAssertEqual(excluded["decided_by"] as? String, "rule 3 (line 7)")

        let sparse = try XCTUnwrap((got["sparse"] as? [[String: Any]])?.first)
        XCTAssertEqual(sparse["kept_parameters"] as? Int, want["kept"] as? Int)
        let wantSizes = try XCTUnwrap(want["sparse"] as? [String: Any])
        for format in try XCTUnwrap(sparse["formats"] as? [[String: Any]]) {
            let name = try XCTUnwrap(format["format"] as? String)
            XCTAssertEqual(format["bytes"] as? Int, wantSizes[name] as? Int, name)
        }

        let table = try run(["--plan", planPath])
        XCTAssertEqual(table.status, 0, table.stderr)
        for heading in ["group ", "block ", "role ", "sparse versus dense", "pruned, csr-int64", "break-even density"] {
            XCTAssertTrue(table.stdout.contains(heading), "missing \(heading): \(table.stdout)")
        }
    }

    /// A parameter target: met, better than the uniform rank, and the written plan evaluates to the same figures,
    /// which numpy recomputes from the ranks in the file.
    func testTargetAllocatesWritesAPlanAndReloadsIt() throws {
        let out = Self.directory + "/allocated.json"
        let allocated = try report(["--target-params", "15M", "--out", out])
        let figures = try model(allocated)
        let after = try XCTUnwrap(figures["parameters_after"] as? Int)
        XCTAssertLessThanOrEqual(after, 15_000_000)
        XCTAssertGreaterThan(after, 14_900_000, "the budget is used")
        let allocation = try XCTUnwrap(allocated["allocation"] as? [String: Any])
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(allocation["error_improvement"] as? Double), 1)
        XCTAssertEqual((allocated["target"] as? [String: Any])?["value"] as? Double, 15_000_000)

        let saved = try XCTUnwrap(Harness.json(String(contentsOfFile: out, encoding: .utf8)) as? [String: Any])
        XCTAssertEqual(saved["format"] as? String, "rankscope-plan")
        var plan: [String: [Any]] = [:]
        for (name, value) in try XCTUnwrap(saved["overrides"] as? [String: [String: Any]]) {
            plan[name] = ["rank", try XCTUnwrap(value["rank"] as? Int), 16, 128]
        }
        let want = try numpyFigures(plan: plan)
        XCTAssertEqual(after, want["parameters_after"] as? Int)
        XCTAssertEqual(try XCTUnwrap(figures["relative_error"] as? Double), try XCTUnwrap(want["relative_error"] as? Double), accuracy: 1e-6)

        let reloaded = try model(report(["--plan", out]))
        for key in ["parameters_after", "bytes_after"] { XCTAssertEqual(reloaded[key] as? Int, figures[key] as? Int, key) }
        XCTAssertEqual(reloaded["relative_error"] as? Double, figures["relative_error"] as? Double)

        // Bytes and bits targets are met too.
        let bytes = try model(report(["--target-bytes", "30MB", "--factor-bits", "8"]))
        XCTAssertLessThanOrEqual(try XCTUnwrap(bytes["bytes_after"] as? Int), 30_000_000)
        let bits = try model(report(["--target-bits", "9.5"]))
        XCTAssertLessThanOrEqual(try XCTUnwrap(bits["bits_per_weight"] as? Double), 9.5)
        // Letting the allocator choose factor bits among 16, 8 and 4 meets the same size with less error.
        let fixedBits = try model(report(["--target-bytes", "25MB"]))
        let chosen = try report(["--target-bytes", "25MB", "--allow-bits", "16,8,4"])
        XCTAssertLessThanOrEqual(try XCTUnwrap(model(chosen)["bytes_after"] as? Int), 25_000_000)
        XCTAssertLessThan(try XCTUnwrap(model(chosen)["relative_error"] as? Double), try XCTUnwrap(fixedBits["relative_error"] as? Double))
        // Each matrix takes factors or the dense matrix at one of the allowed widths (quantized dense is a candidate of its own).
        let widths = Set(try XCTUnwrap(chosen["layers"] as? [[String: Any]]).compactMap { layer -> Int? in
            let choice = layer["choice"] as? [String: Any]
            return (choice?["factor_bits"] as? Int) ?? (choice?["dense_bits"] as? Int)
        })
        XCTAssertTrue(widths.isSubset(of: [16, 8, 4]) && widths.count > 1, "\(widths)")
        // Shares: 60% of the model, 60%lin of the linear matrices with the rest as it is.
        let before = try XCTUnwrap(figures["parameters_before"] as? Int)
        let share = try report(["--target-params", "60%"])
        XCTAssertLessThanOrEqual(try XCTUnwrap(model(share)["parameters_after"] as? Int), before * 60 / 100)
        XCTAssertGreaterThan(try XCTUnwrap(model(share)["parameters_after"] as? Int), before * 59 / 100, "the budget is used")
        XCTAssertEqual((share["target"] as? [String: Any])?["kind"] as? String, "parameters_percent")
        let linearShare = try model(report(["--target-params", "60%lin"]))
        XCTAssertGreaterThan(try XCTUnwrap(linearShare["parameters_after"] as? Int), try XCTUnwrap(model(share)["parameters_after"] as? Int),
                             "60% of the linear matrices keeps more than 60% of the model")
        let error = try model(report(["--max-error", "0.1"]))
        XCTAssertLessThanOrEqual(try XCTUnwrap(error["relative_error"] as? Double), 0.1 + 1e-12)
    }

    /// The default rule (relative errors, half the uniform rank as a floor) is stated and kept; `--out-uniform`
    /// writes the uniform plan that numpy evaluates to the figures the report gives it; the other objectives and
    /// `--min-rank 0` are honoured and written into the plan file.
    func testObjectiveMinimumRankAndUniformPlan() throws {
        let out = Self.directory + "/relative.json"
        let uniformOut = Self.directory + "/uniform.json"
        let text = try run(["--target-params", "15M", "--out", out, "--out-uniform", uniformOut])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("rule: minimise the RMS of the matrices' relative errors (objective relative); "
                                           + "every free matrix at least rank a share of its uniform rank growing with the cut"), text.stdout)
        XCTAssertFalse(text.stdout.contains("× the allocated error"), "the plan is the uniform plan: no ratio of a plan to itself\n" + text.stdout)
        let light = try run(["--target-params", "90%lin"])
        XCTAssertEqual(light.status, 0, light.stderr)
        XCTAssertTrue(light.stdout.contains("× the allocated error, in the allocator's proxy (RMS of the matrices' relative errors; not a measured quality"),
                      light.stdout)
        XCTAssertTrue(text.stdout.contains("uniform plan written to \(uniformOut)"), text.stdout)
        // 15M of 26.4M is a deep cut: without a profile it gets uniform ranks (auto), and plan says so in one line.
        XCTAssertTrue(text.stdout.contains("(the uniform plan was as good and is used)\n  without a sensitivity profile this cut gets uniform ranks; "
                                           + "`rankscope sensitivity` measures one"), text.stdout)
        func ranks(_ path: String) throws -> [String: Int] {
            let saved = try XCTUnwrap(Harness.json(String(contentsOfFile: path, encoding: .utf8)) as? [String: Any])
            XCTAssertEqual((saved["defaults"] as? [String: Any])?["objective"] as? String, path == out || path == uniformOut ? "relative" : "squared-error")
            return try XCTUnwrap(saved["overrides"] as? [String: [String: Any]]).compactMapValues { $0["rank"] as? Int }
        }
        let allocated = try ranks(out)
        let uniform = try ranks(uniformOut)
        XCTAssertFalse(uniform.isEmpty)
        for (name, rank) in uniform {
            XCTAssertGreaterThanOrEqual(allocated[name] ?? Int.max, (rank + 1) / 2, name)
            XCTAssertGreaterThan(allocated[name] ?? Int.max, 0, name)
        }
        let json = try report(["--target-params", "15M"])
        let allocation = try XCTUnwrap(json["allocation"] as? [String: Any])
        XCTAssertEqual(allocation["objective"] as? String, "relative")
        XCTAssertEqual(allocation["min_rank"] as? String, "auto")
        let proxy = try XCTUnwrap(allocation["proxy_error"] as? Double)
        let uniformFigures = try XCTUnwrap(allocation["uniform"] as? [String: Any])
        XCTAssertEqual(try XCTUnwrap(allocation["error_improvement"] as? Double),
                       try XCTUnwrap(uniformFigures["proxy_error"] as? Double) / proxy, accuracy: 1e-9)
        let want = try numpyFigures(plan: uniform.mapValues { ["rank", $0, 16, 128] })
        XCTAssertEqual(try XCTUnwrap(uniformFigures["relative_error"] as? Double), try XCTUnwrap(want["relative_error"] as? Double), accuracy: 1e-6)
        XCTAssertEqual(uniformFigures["parameters_after"] as? Int, want["parameters_after"] as? Int)

        let legacyOut = Self.directory + "/squared.json"
        let legacy = try report(["--target-params", "15M", "--objective", "squared-error", "--min-rank", "0", "--out", legacyOut])
        XCTAssertEqual((legacy["allocation"] as? [String: Any])?["objective"] as? String, "squared-error")
        XCTAssertEqual(try XCTUnwrap((legacy["allocation"] as? [String: Any])?["proxy_error"] as? Double),
                       try XCTUnwrap(model(legacy)["relative_error"] as? Double), accuracy: 1e-12, "squared error: the proxy is the model's relative error")
        XCTAssertNotEqual(try ranks(legacyOut), allocated)
        XCTAssertLessThanOrEqual(try XCTUnwrap(model(legacy)["relative_error"] as? Double), try XCTUnwrap(model(json)["relative_error"] as? Double),
                                 "the squared-error objective minimises the model's relative error")
    }

    /// Bad input: one sentence on standard error, exit 1, no plan written.
    func testErrorsAreOneSentenceAndExitOne() throws {
        let out = Self.directory + "/never.json"
        let badPlan = Self.directory + "/bad.json"
        try "{\n  \"format\": \"rankscope-plan\",\n  \"version\": 1,\n  \"rules\": [\n    {\"match\": \"mlp\", \"bits\": 5}\n  ]\n}\n"
            .write(toFile: badPlan, atomically: true, encoding: .utf8)
        let cases: [([String], String)] = [
            (["--target-params", "13.2X"], "--target-params '13.2X' is not a parameter count"),
            (["--target-params", "0.9"], "--target-params '0.9' is not a parameter count or share; write e.g. 13.2B, 500M, 90%"),
            (["--target-bytes", "lots"], "--target-bytes 'lots' is not a size"),
            (["--target-params", "1K"], "cannot be met"),
            (["--plan", badPlan], "\(badPlan):5: 5 bits"),
            (["--plan", Self.directory + "/missing.json"], "missing.json: no such file."),
            (["--factor-bits", "5"], "--factor-bits 5 is not supported"),
            (["--target-params", "15M", "--min-rank", "50%x"], "--min-rank '50%x' is not a minimum rank"),
            (["--target-params", "15M", "--objective", "l1"], "--objective 'l1' is not an objective"),
            (["--out-uniform", Self.directory + "/never-uniform.json"], "--out-uniform needs a target"),
        ]
        for (arguments, fragment) in cases {
            let outcome = try run(arguments + ["--out", out])
            XCTAssertEqual(outcome.status, 1, "\(arguments): \(outcome.stderr)")
            let lines = outcome.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, outcome.stderr)
            XCTAssertTrue(outcome.stderr.contains(fragment), "\(arguments): \(outcome.stderr)")
            XCTAssertTrue(outcome.stdout.isEmpty, outcome.stdout)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        XCTAssertEqual(try run(["--target-params", "1B", "--max-error", "0.1"]).status, 2, "two targets is a usage error")
    }

    /// Spectra only where a figure needs them: a matrix of NaNs would stop any spectrum run, so a
    /// plan that succeeds with one in the checkpoint computed none for it. Sizes, no plan and
    /// plans that only exclude answer from the headers; an excluded matrix gets no spectrum even
    /// under a target, and its energy is in no error total (numpy: Σ‖W‖² is q_proj's alone).
    func testSpectraOnlyWhereAFigureNeedsThem() throws {
        let folder = Self.directory + "/nan"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let norm = try XCTUnwrap(Double(PythonOracle.run("""
        import sys, numpy as np
        from safetensors.numpy import save_file
        q = np.random.default_rng(3).standard_normal((24, 32)).astype(np.float32)
        save_file({"model.layers.0.mlp.up_proj.weight": np.full((40, 32), np.nan, np.float32),
                   "model.layers.0.self_attn.q_proj.weight": q}, sys.argv[1] + "/model.safetensors")
        print(repr(float(np.sum(q.astype(np.float64) ** 2))))
        """, [folder]).trimmingCharacters(in: .whitespacesAndNewlines)))
        let excludeUp = folder + "/exclude-up.json"
        let excludeAll = folder + "/exclude-all.json"
        try #"{"format": "rankscope-plan", "version": 1, "rules": [{"match": "up_proj", "exclude": true}]}"#
            .write(toFile: excludeUp, atomically: true, encoding: .utf8)
        try #"{"format": "rankscope-plan", "version": 1, "rules": [{"match": "proj", "exclude": true}]}"#
            .write(toFile: excludeAll, atomically: true, encoding: .utf8)
        func plan(_ arguments: [String]) throws -> Harness.Outcome {
            try Harness.rankscope(["plan", folder] + arguments, cacheHome: folder + "/cache")
        }
        for arguments in [[], ["--sparse-params", "1K"], ["--plan", excludeAll, "--sparse-params", "1K"]] {
            let outcome = try plan(arguments + ["--json"])
            XCTAssertEqual(outcome.status, 0, "\(arguments): \(outcome.stderr)")
            let report = try XCTUnwrap(Harness.json(outcome.stdout) as? [String: Any])
            XCTAssertEqual(try model(report)["parameters_before"] as? Int, 40 * 32 + 24 * 32)
            XCTAssertTrue(try XCTUnwrap(report["layers"] as? [[String: Any]]).allSatisfy { $0["spectrum_kind"] == nil })
        }
        let target = try plan(["--plan", excludeUp, "--target-params", "90%", "--json"])
        XCTAssertEqual(target.status, 0, target.stderr)
        let report = try XCTUnwrap(Harness.json(target.stdout) as? [String: Any])
        XCTAssertEqual(try XCTUnwrap(model(report)["squared_norm"] as? Double), norm, accuracy: 1e-9 * norm)
        let kinds = try XCTUnwrap(report["layers"] as? [[String: Any]]).map { "\($0["name"]!)=\($0["spectrum_kind"] ?? "none")" }
        XCTAssertEqual(kinds, ["model.layers.0.mlp.up_proj.weight=none", "model.layers.0.self_attn.q_proj.weight=weights"], "\(kinds)")
        // compress (and eval --plan) take the spectra plan takes: the same plan with its target compresses q_proj
        // without touching the excluded NaN matrix's spectrum, and allocates what plan allocated.
        let targeted = folder + "/exclude-up-target.json"
        try #"{"format": "rankscope-plan", "version": 1, "target": {"parameters": "90%"}, "rules": [{"match": "up_proj", "exclude": true}]}"#
            .write(toFile: targeted, atomically: true, encoding: .utf8)
        let compressed = try Harness.rankscope(["compress", folder, "--plan", targeted, "--out", folder + "/out", "--json"], cacheHome: folder + "/cache")
        XCTAssertEqual(compressed.status, 0, compressed.stderr)
        let planned = try XCTUnwrap(try XCTUnwrap(report["layers"] as? [[String: Any]]).first { $0["name"] as? String == "model.layers.0.self_attn.q_proj.weight" })
        let written = try XCTUnwrap((Harness.json(compressed.stdout) as? [String: Any])?["layers"] as? [[String: Any]])
        XCTAssertEqual(written.map { $0["name"] as? String }, ["model.layers.0.self_attn.q_proj.weight"])
        XCTAssertEqual(written.first?["rank"] as? Int, try XCTUnwrap((planned["choice"] as? [String: Any])?["rank"] as? Int))
        // Not excluded, the NaN matrix is weighed, and its spectrum fails.
        let weighed = try plan(["--target-params", "90%"])
        XCTAssertEqual(weighed.status, 1)
        XCTAssertTrue(weighed.stderr.contains("model.layers.0.mlp.up_proj.weight"), weighed.stderr)
    }
}
