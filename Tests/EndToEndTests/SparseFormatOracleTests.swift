import Foundation
import PythonOracle
import XCTest

/// The bitmask and 2:4 sizes `plan` states are the bytes compressed-tensors writes. Its Python
/// package needs torch, so the oracle is a numpy reimplementation of its documented layouts
/// (`BitmaskTensor` and `Sparse24BitMaskTensor` of `compressors/sparse_compressors`):
/// - `sparse-bitmask`: `shape` (int64 [m, n]), `compressed` (the kept values in row-major order),
///   `bitmask` (`numpy.packbits(W != 0, axis=-1, bitorder="little")`: uint8, m × ⌈n/8⌉) and
///   `row_offsets` (int64, where each row's values start);
/// - `sparse-24-bitmask`: the top two magnitudes of every group of four kept, `shape` (int64
///   [[m], [n]]), `compressed` (m × n/2 values) and the same packed bitmask.
/// Each case is pruned to the count `plan --sparse-params` gives, written as a real safetensors
/// file, read back and decompressed to the pruned matrix (so the layout is a working one), and
/// the file's tensor data (its size less the 8-byte length and the JSON header) is compared
/// with the bytes `plan --json` reports, value widths 16 (float16) and 8 (int8, as
/// compressed-tensors stores FP8 values).
final class SparseFormatOracleTests: XCTestCase {
    private static let oracle = #"""
    import json, os, sys, numpy as np
    from safetensors.numpy import save_file, load_file
    cases, folder = json.loads(sys.argv[1]), sys.argv[2]
    name = "model.layers.0.mlp.up_proj.weight"

    def data_bytes(path):
        with open(path, "rb") as f:
            header = int.from_bytes(f.read(8), "little")
        return os.path.getsize(path) - 8 - header

    def values(rng, shape, bits):
        if bits == 16:
            w = rng.standard_normal(shape).astype(np.float16)
            w[w == 0] = 1
            return w
        return (rng.integers(1, 128, shape) * rng.choice([-1, 1], shape)).astype(np.int8)

    def unpack(bitmask, m, n):
        return np.unpackbits(bitmask, axis=-1, count=n, bitorder="little").reshape(m, n).astype(bool)

    def bitmask_file(w, path):
        mask = w != 0
        counts = mask.sum(axis=-1).astype(np.int64)
        tensors = {name + ".shape": np.array(w.shape, np.int64), name + ".compressed": w[mask],
                   name + ".bitmask": np.packbits(mask, axis=-1, bitorder="little"),
                   name + ".row_offsets": np.cumsum(counts) - counts}
        save_file(tensors, path)
        t = load_file(path)
        m, n = (int(x) for x in t[name + ".shape"])
        got = np.zeros((m, n), w.dtype)
        got[unpack(t[name + ".bitmask"], m, n)] = t[name + ".compressed"]
        assert np.array_equal(got, w) and t[name + ".bitmask"].shape == (m, (n + 7) // 8)
        for r in range(m):
            start = int(t[name + ".row_offsets"][r])
            assert np.array_equal(t[name + ".compressed"][start:start + int(counts[r])], w[r][w[r] != 0])
        return data_bytes(path)

    def two_four_file(w, path):
        m, n = w.shape
        groups = np.abs(w.reshape(-1, 4).astype(np.float64))
        keep = np.zeros(groups.shape, bool)
        np.put_along_axis(keep, np.argsort(-groups, axis=1, kind="stable")[:, :2], True, axis=1)
        mask = keep.reshape(m, n)
        prefix = name[:-len(".weight")]
        save_file({prefix + ".shape": np.array([m, n], np.int64).reshape(-1, 1),
                   prefix + ".compressed": w[mask].reshape(m, n // 2),
                   prefix + ".bitmask": np.packbits(mask, axis=-1, bitorder="little")}, path)
        t = load_file(path)
        got = np.zeros((m, n), w.dtype)
        got[unpack(t[prefix + ".bitmask"], m, n)] = t[prefix + ".compressed"].reshape(-1)
        assert np.array_equal(got, w)
        return data_bytes(path)

    results = []
    for i, case in enumerate(cases):
        m, n, nnz, bits = case["m"], case["n"], case["nnz"], case["bits"]
        rng = np.random.default_rng(i)
        w = values(rng, (m, n), bits)
        flat = w.reshape(-1)
        flat[rng.permutation(m * n)[nnz:]] = 0  # unstructured: nnz values kept
        result = {"bitmask": bitmask_file(w, f"{folder}/bitmask-{i}.safetensors"), "2:4": None}
        if n % 4 == 0 and 2 * nnz <= m * n:
            # A 2:4 pattern (the top two of every four), then pruned further to nnz: still half the values stored.
            v = values(rng, (m, n), bits)
            groups = v.reshape(-1, 4)
            order = np.argsort(-np.abs(groups.astype(np.float64)), axis=1, kind="stable")
            np.put_along_axis(groups, order[:, 2:], 0, axis=1)
            kept = np.flatnonzero(v.reshape(-1))
            v.reshape(-1)[kept[rng.permutation(len(kept))[nnz:]]] = 0
            result["2:4"] = two_four_file(v, f"{folder}/two-four-{i}.safetensors")
        results.append(result)
    print(json.dumps(results))
    """#

    func testBitmaskAndTwoFourBytesAreWhatCompressedTensorsWrites() throws {
        let directory = try Harness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Rows whose bitmask needs padding (n = 12, 13, 100, 1), n not a multiple of 4 (13, 1: no 2:4), one row.
        let shapes = [(4, 8), (7, 12), (5, 13), (16, 100), (3, 1), (33, 64), (1, 40)]
        var cases: [[String: Int]] = []
        var runs: [(folder: String, bits: Int, nnz: Int)] = []
        for (index, (m, n)) in shapes.enumerated() {
            let folder = directory + "/shape-\(index)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try PythonOracle.run("""
            import sys, numpy as np
            from safetensors.numpy import save_file
            save_file({"model.layers.0.mlp.up_proj.weight": np.ones((\(m), \(n)), np.float32)}, sys.argv[1] + "/model.safetensors")
            """, [folder])
            for nnz in Set([1, m * n / 4, m * n / 2, m * n * 4 / 5]).sorted() where nnz > 0 {
                for bits in [16, 8] {
                    cases.append(["m": m, "n": n, "nnz": nnz, "bits": bits])
                    runs.append((folder, bits, nnz))
                }
            }
        }
        let casesJSON = String(decoding: try JSONSerialization.data(withJSONObject: cases), as: UTF8.self)
        let written = try XCTUnwrap(Harness.json(PythonOracle.run(Self.oracle, [casesJSON, directory])) as? [[String: Any]])
        XCTAssertEqual(written.count, cases.count)
        var compared = 0
        for (run, want) in zip(runs, written) {
            let outcome = try Harness.rankscope(["plan", run.folder, "--factor-bits", String(run.bits), "--sparse-params", String(run.nnz), "--json"],
                                                cacheHome: directory + "/cache")
            XCTAssertEqual(outcome.status, 0, outcome.stderr)
            let sparse = try XCTUnwrap((Harness.json(outcome.stdout) as? [String: Any])?["sparse"] as? [[String: Any]])
            let asked = try XCTUnwrap(sparse.last)
            XCTAssertEqual(asked["kept_parameters"] as? Int, run.nnz)
            let formats = try XCTUnwrap(asked["formats"] as? [[String: Any]])
            for format in ["bitmask", "2:4"] {
                let got = try XCTUnwrap(formats.first { $0["format"] as? String == format })["bytes"] as? Int
                XCTAssertEqual(got, want[format] as? Int, "\(format) of \(run)")
                compared += 1
            }
        }
        XCTAssertGreaterThanOrEqual(compared, 80)
        print("sparse formats: \(compared) sizes compared with the numpy compressed-tensors layout, \(written.filter { $0["2:4"] is Int }.count) of them 2:4 files")
    }
}
