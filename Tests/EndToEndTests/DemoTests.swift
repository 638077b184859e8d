import Foundation
import PythonOracle
import XCTest

final class DemoTests: XCTestCase {
    func testDemoWritesALlamaCheckpointPythonCanLoadAndReusesIt() throws {
        let directory = try Harness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let out = directory + "/demo"
        let first = try Harness.rankscope(["demo", "--out", out, "--write-only"], cacheHome: directory)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(first.stdout.trimmingCharacters(in: .whitespacesAndNewlines), out)
        let attributes = try FileManager.default.attributesOfItem(atPath: out + "/model.safetensors")

        // Python's safetensors opens it; numpy, decoding the BF16 bits from the documented
        // layout, finds the same 99%-energy ranks rankscope reports.
        let check = """
        import json, sys, numpy as np
        from safetensors import safe_open
        path = sys.argv[1] + "/model.safetensors"
        with safe_open(path, "np") as f:
            names = list(f.keys())
        assert "model.layers.0.self_attn.q_proj.weight" in names and "lm_head.weight" in names, names[:5]
        cfg = json.load(open(sys.argv[1] + "/config.json"))
        assert cfg["num_hidden_layers"] == 8 and cfg["model_type"] == "llama"
        raw = open(path, "rb").read()
        n = int.from_bytes(raw[:8], "little")
        header = json.loads(raw[8:8 + n])
        def r99(name):
            t = header[name]
            assert t["dtype"] == "BF16"
            b, e = t["data_offsets"]
            bits = np.frombuffer(raw[8 + n + b:8 + n + e], dtype="<u2").astype(np.uint32) << 16
            a = bits.view(np.float32).reshape(t["shape"]).astype(np.float64)
            s = np.linalg.svd(a, compute_uv=False)
            c = np.cumsum(s**2)
            return int(np.argmax(c >= 0.99 * c[-1]) + 1)
        print(r99("model.layers.4.self_attn.q_proj.weight"), r99("model.layers.4.mlp.up_proj.weight"))
        """
        let numpyRanks = try PythonOracle.run(check, [out]).split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        let spectra = try Harness.rankscope(["spectra", out, "--json", "--filter", "layers\\.4\\."], cacheHome: directory)
        XCTAssertEqual(spectra.status, 0, spectra.stderr)
        let matrices = try XCTUnwrap((Harness.json(spectra.stdout) as? [String: Any])?["matrices"] as? [[String: Any]])
        XCTAssertEqual(matrices.count, 7)
        let ranks = Dictionary(uniqueKeysWithValues: matrices.compactMap { m in (m["role"] as? String).map { ($0, m["energy_rank_99"] as? Int ?? -1) } })
        XCTAssertEqual(numpyRanks, [ranks["attn.q_proj"], ranks["mlp.up_proj"]].compactMap { $0 })
        XCTAssertLessThan(ranks["attn.q_proj"] ?? .max, ranks["mlp.up_proj"] ?? 0, "query projections are designed to decay faster: \(ranks)")

        // Without a terminal, demo prints the spectra table rather than starting curses.
        let piped = try Harness.rankscope(["demo", "--out", out], cacheHome: directory)
        XCTAssertEqual(piped.status, 0, piped.stderr)
        XCTAssertTrue(piped.stdout.contains("56 matrices"), piped.stdout)

        let second = try Harness.rankscope(["demo", "--out", out, "--write-only"], cacheHome: directory)
        XCTAssertEqual(second.status, 0)
        let again = try FileManager.default.attributesOfItem(atPath: out + "/model.safetensors")
        XCTAssertEqual(attributes[.modificationDate] as? Date, again[.modificationDate] as? Date, "an intact demo is reused, not rewritten")
    }
}
