import Foundation
import PythonOracle
import XCTest

/// Checkpoints written by the Python `safetensors` package, read by the real binary, checked
/// against numpy.
final class SpectraInteropTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws { directory = try Harness.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    /// Writes `model.safetensors` with F32, F16 and BF16 matrices of varied decay, and
    /// `expected.json` with numpy's float64 singular values of the values as stored.
    private let writer = """
    import json, sys, numpy as np
    from safetensors.numpy import save_file
    out = sys.argv[1]
    rng = np.random.default_rng(7)
    def designed(m, n, decay):
        u, _ = np.linalg.qr(rng.standard_normal((m, min(m, n))))
        v, _ = np.linalg.qr(rng.standard_normal((n, min(m, n))))
        s = decay ** np.arange(min(m, n)) + 1e-3 * rng.random(min(m, n))
        return (u * s) @ v.T
    def to_bf16_bits(a):
        bits = a.astype(np.float32).view(np.uint32).astype(np.uint64)
        rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
        return rounded.astype(np.uint16)
    tensors, stored = {}, {}
    tensors["model.layers.0.self_attn.q_proj.weight"] = designed(48, 48, 0.8).astype(np.float32)
    tensors["model.layers.0.mlp.up_proj.weight"] = designed(80, 32, 0.95).astype(np.float32)
    tensors["model.layers.1.mlp.down_proj.weight"] = designed(32, 80, 0.9).astype(np.float16)
    tensors["model.layers.1.self_attn.o_proj.weight"] = rng.standard_normal((40, 40)).astype(np.float64)
    tensors["model.layers.0.input_layernorm.weight"] = np.ones(48, dtype=np.float32)
    for name, a in tensors.items():
        stored[name] = a.astype(np.float64)
    bf = designed(24, 64, 0.85)
    bits = to_bf16_bits(bf)
    tensors["model.layers.2.self_attn.k_proj.weight"] = bits
    stored["model.layers.2.self_attn.k_proj.weight"] = (bits.astype(np.uint32) << 16).view(np.float32).astype(np.float64)
    save_file(tensors, out + "/model.safetensors", metadata={"format": "pt"})
    # Patch the BF16 tensor's dtype: numpy has no bfloat16, so it was saved as U16 bits.
    raw = bytearray(open(out + "/model.safetensors", "rb").read())
    n = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8:8 + n])
    header["model.layers.2.self_attn.k_proj.weight"]["dtype"] = "BF16"
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (n - len(text))
    assert len(text) == n
    raw[8:8 + n] = text
    open(out + "/model.safetensors", "wb").write(bytes(raw))
    expected = {name: {"shape": list(a.shape), "values": np.linalg.svd(a, compute_uv=False).tolist()}
                for name, a in stored.items() if a.ndim == 2}
    json.dump(expected, open(out + "/expected.json", "w"))
    """

    func testSingularValuesAgreeWithNumpy() throws {
        try PythonOracle.run(writer, [directory])
        let expected = try XCTUnwrap(Harness.json(String(contentsOfFile: directory + "/expected.json", encoding: .utf8)) as? [String: [String: Any]])
        let outcome = try Harness.rankscope(["spectra", directory, "--json", "--values", "--no-cache"], cacheHome: directory + "/cache")
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let report = try XCTUnwrap(Harness.json(outcome.stdout) as? [String: Any])
        let matrices = try XCTUnwrap(report["matrices"] as? [[String: Any]])
        XCTAssertEqual(Set(matrices.compactMap { $0["name"] as? String }), Set(expected.keys))
        for matrix in matrices {
            let name = try XCTUnwrap(matrix["name"] as? String)
            let want = try XCTUnwrap(expected[name]?["values"] as? [Double])
            let got = try XCTUnwrap(matrix["singular_values"] as? [Double])
            XCTAssertEqual(got.count, want.count, name)
            let tolerance = 1e-6 * want[0]
            for (index, (g, w)) in zip(got, want).enumerated() {
                XCTAssertEqual(g, w, accuracy: tolerance, "\(name) σ[\(index)]")
            }
            let shape = try XCTUnwrap(expected[name]?["shape"] as? [Int])
            XCTAssertEqual([matrix["rows"] as? Int, matrix["columns"] as? Int], shape.map { Optional($0) }, name)
            let frobenius = want.map { $0 * $0 }.reduce(0, +).squareRoot()
            XCTAssertEqual(try XCTUnwrap(matrix["frobenius_norm"] as? Double), frobenius, accuracy: 1e-9 * frobenius, name)
            XCTAssertEqual(try XCTUnwrap(matrix["spectral_norm"] as? Double), want[0], accuracy: tolerance, name)
        }
    }

    func testCSVHoldsEveryValueForPandas() throws {
        try PythonOracle.run(writer, [directory])
        let csv = directory + "/spectra.csv"
        let outcome = try Harness.rankscope(["spectra", directory + "/model.safetensors", "--csv", csv, "--filter", "mlp"], cacheHome: directory + "/cache")
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let check = """
        import csv, json, sys
        import numpy as np
        rows = list(csv.DictReader(open(sys.argv[1])))
        expected = json.load(open(sys.argv[2]))
        names = sorted({r["tensor"] for r in rows})
        assert names == ["model.layers.0.mlp.up_proj.weight", "model.layers.1.mlp.down_proj.weight"], names
        for name in names:
            mine = [r for r in rows if r["tensor"] == name]
            assert [int(r["index"]) for r in mine] == list(range(len(mine)))
            got = np.array([float(r["singular_value"]) for r in mine])
            want = np.array(expected[name]["values"])
            assert got.shape == want.shape, (name, got.shape, want.shape)
            assert np.max(np.abs(got - want)) <= 1e-6 * want[0], (name, np.max(np.abs(got - want)))
            assert mine[0]["role"] in ("mlp.up_proj", "mlp.down_proj")
        print(len(rows))
        """
        let result = try PythonOracle.run(check, [csv, directory + "/expected.json"])
        XCTAssertEqual(result.trimmingCharacters(in: .whitespacesAndNewlines), String(32 + 32))
    }

    func testSecondRunComesFromTheCache() throws {
        try PythonOracle.run(writer, [directory])
        let cacheHome = directory + "/cache"
        let first = try Harness.rankscope(["spectra", directory, "--json"], cacheHome: cacheHome)
        XCTAssertEqual(first.status, 0, first.stderr)
        let second = try Harness.rankscope(["spectra", directory, "--json"], cacheHome: cacheHome)
        let matrices = try XCTUnwrap((Harness.json(second.stdout) as? [String: Any])?["matrices"] as? [[String: Any]])
        XCTAssertFalse(matrices.isEmpty)
        XCTAssertTrue(matrices.allSatisfy { $0["from_cache"] as? Bool == true })
        XCTAssertTrue(FileManager.default.fileExists(atPath: cacheHome + "/rankscope"))
    }
}
