import Foundation
import XCTest
import LinearAlgebra
import Planning
import PythonOracle
import SafeTensors
@testable import Compression

/// numpy decodes each folder `compress`'s job wrote from docs/compression.md alone (the `rankscope` section
/// of config.json, the factor names and the "Quantized tensor layout" `dequantize`), and finds the
/// float32 matrices ``CompressedFolder`` gives bit for bit, and the report's error.
final class DecodedLayersNumpyTests: XCTestCase {
    private var fixture: DecodeFixture!

    override func setUpWithError() throws { fixture = try DecodeFixture() }
    override func tearDown() { fixture.remove() }

    /// What numpy found for one layer.
    struct Layer: Decodable {
        /// The decoded file's float32 parts equal numpy's `dequantize(…).astype(float32)` bit for bit.
        let equal: Bool
        /// ‖W − Ŵ‖/‖W‖ of numpy's float64 Ŵ, and of Ŵ from the float32 parts (products in float64).
        let doubleError: Double, floatError: Double
        /// ‖Ŵ_float32 − Ŵ_float64‖/‖W‖: how far the float32 rounding can move the error.
        let roundingBound: Double
        /// For an incoherence-processed layer, max |Ŵ_float32 − Ŵ_numpy| / |Ŵ_numpy| over its entries.
        let deviation: Double
    }

    static let script = #"""
import sys, json, struct, numpy as np
d = sys.argv[1]
manifest = json.load(open(d + "/manifest.json"))

def load(path):
    raw = open(path, "rb").read()
    size = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + size])
    data = raw[8 + size:]
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        b = data[t["data_offsets"][0]:t["data_offsets"][1]]
        kind = t["dtype"]
        if kind == "U8":
            a = np.frombuffer(b, np.uint8)
        elif kind == "U16":
            a = np.frombuffer(b, "<u2")
        elif kind == "F32":
            a = np.frombuffer(b, "<f4")
        elif kind == "F16":
            a = np.frombuffer(b, "<f2")
        elif kind == "BF16":
            a = (np.frombuffer(b, "<u2").astype(np.uint32) << 16).view(np.float32)
        else:
            raise SystemExit("unexpected dtype " + kind)
        out[name] = a.reshape(t["shape"])
    return out

def folder(path):
    index = json.load(open(path + "/model.safetensors.index.json"))
    state = {}
    for shard in sorted(set(index["weight_map"].values())):
        state.update(load(path + "/" + shard))
    return state

def dequantize(qweight, scales, zeros, R, C, b, g):
    bits = np.unpackbits(qweight, bitorder="little")[: R * C * b].reshape(R * C, b)
    codes = (bits.astype(np.int64) << np.arange(b)).sum(axis=1).reshape(R, C)
    group = np.arange(C) // g
    return (codes - zeros.astype(np.float64)[:, group]) * scales.astype(np.float64)[:, group]

\#(NumpyLayouts.e8pAndIncoherence)
def e8p_residual_decode(codes, scales):    # P.backbone.e8p_residual [m, n/8]: uint8 signs (3 bits) or uint16 E8P codes (4 bits)
    if codes.dtype == np.uint8:            # bit j of a byte set: entry j is -s, else +s
        bits = np.unpackbits(codes[..., None], axis=-1, bitorder="little")
        return (1 - 2.0 * bits).reshape(len(codes), -1) * scales.astype(np.float64)[:, None]
    return e8p_decode(codes, scales)

model = load(manifest["model"])
results = {}
for run in manifest["runs"]:
    state = folder(run["folder"])
    mine = load(run["decoded"])
    section = json.load(open(run["folder"] + "/config.json"))["rankscope"]
    for module, e in section["layers"].items():
        m, n = e["shape"]
        def matrix(prefix, R, C, b, transposed=False):
            if prefix + ".weight" in state:
                return state[prefix + ".weight"].astype(np.float64)
            x = dequantize(state[prefix + ".qweight"], state[prefix + ".scales"], state[prefix + ".zeros"], R, C, b, e["group_size"])
            return x.T if transposed else x
        if section["dense"] or e["method"] == "dense":
            parts = {"w": matrix(module, m, n, e["bits"])}
            bias = module + ".bias"
            what = parts["w"]
        else:
            k = e["rank"]
            parts = {"b": matrix(module + ".0", k, n, e["bits"]), "a": matrix(module + ".1", k, m, e["bits"], transposed=True)}
            if e["method"] == "caldera" and e.get("backbone_codebook") == "e8p":
                parts["q"] = e8p_decode(state[module + ".backbone.e8p"], state[module + ".backbone.e8p_scales"])
                if e["backbone_bits"] > 2:
                    parts["q"] = parts["q"] + e8p_residual_decode(state[module + ".backbone.e8p_residual"],
                                                                  state[module + ".backbone.e8p_residual_scales"])
            elif e["method"] == "caldera":
                parts["q"] = matrix(module + ".backbone", m, n, e["backbone_bits"])
            bias = module + ".1.bias"
            what = parts["a"] @ parts["b"] + parts.get("q", 0)
        if "incoherence_seed" in e and not section["dense"]:
            signs = splitmix_signs(e["incoherence_seed"], m + n)
            what = transform(signs[:m]).T @ what @ transform(signs[m:])
            parts = {"w": what}
            # Swift un-rotates by butterflies, numpy by dense products: equal up to float32 rounding.
            mine_w = mine[module + ".w"].astype(np.float64)
            deviation = float(np.max(np.abs(mine_w - what) / (np.abs(what) + 1e-300)))
            equal = bool(np.all(np.abs(mine_w - what) <= 2.0 ** -24 * np.abs(what) + 1e-13 * np.abs(what).max()))
        else:
            equal, deviation = True, 0.0
        equal = equal and all(np.array_equal(v.astype(np.float32).view(np.uint32), mine[module + "." + p].view(np.uint32)) for p, v in parts.items() if "incoherence_seed" not in e or section["dense"])
        if bias in state:
            equal = equal and np.array_equal(state[bias].astype(np.float32), mine[module + ".bias"])
        else:
            equal = equal and (module + ".bias") not in mine
        f = {p: mine[module + "." + p].astype(np.float64) for p in parts}
        approx = f["w"] if "w" in f else f["a"] @ f["b"] + f.get("q", 0)
        w = model[module + ".weight"].astype(np.float64)
        norm = np.linalg.norm(w)
        results[run["label"] + " " + module] = {
            "equal": bool(equal), "deviation": deviation,
            "doubleError": float(np.linalg.norm(w - what) / norm),
            "floatError": float(np.linalg.norm(w - approx) / norm),
            "roundingBound": float(np.linalg.norm(approx - what) / norm),
        }
json.dump(results, open(d + "/results.json", "w"))
"""#

    func testNumpyDecodesTheFolderToTheSameFloat32LayersAndTheReportedError() throws {
        var runs: [[String: String]] = []
        var reported: [String: Double] = [:]
        for (label, choices, settings) in DecodedLayersTests.cases {
            let report = try fixture.compress(choices, into: label, settings: settings)
            let folder = fixture.directory + "/" + label
            let decoded = try CompressedFolder.read(folder)
            let path = fixture.directory + "/\(label).decoded.safetensors"
            try Self.write(decoded, to: path)
            runs.append(["label": label, "folder": folder, "decoded": path])
            for row in report.layers { reported["\(label) \(FactorNaming.modulePath(ofWeight: row.name)!)"] = row.measuredRelativeError }
        }
        let manifest = try JSONSerialization.data(withJSONObject: ["model": fixture.modelFolder + "/model.safetensors", "runs": runs])
        let numpy: [String: Layer] = try PythonOracle.results(of: Self.script) { folder in
            try manifest.write(to: folder.appendingPathComponent("manifest.json"))
        }
        XCTAssertEqual(Set(numpy.keys), Set(reported.keys))
        var largest = 0.0
        for (key, layer) in numpy {
            let error = try XCTUnwrap(reported[key])
            XCTAssertTrue(layer.equal, "\(key): numpy's float32 layer is ours (deviation \(layer.deviation))")
            XCTAssertEqual(layer.doubleError, error, accuracy: 1e-12 * max(error, 1e-300), "\(key): numpy's Ŵ has the report's error")
            XCTAssertLessThanOrEqual(abs(layer.floatError - error), layer.roundingBound + 1e-15, "\(key): within the float32 rounding")
            XCTAssertLessThan(layer.roundingBound, 1e-7, key)
            largest = max(largest, abs(layer.floatError - error) / max(error, 1e-300))
        }
        print("decode numpy: largest |float32 error − reported| / reported = \(largest)")
    }

    /// Writes every decoded matrix of `model` as F32 `P.w` or `P.a`, `P.b`, `P.q`, and `P.bias`.
    static func write(_ model: DecodedModel, to path: String) throws {
        var tensors: [(TensorSpec, [UInt8])] = []
        func add(_ name: String, _ shape: [Int], _ values: [Float]) {
            tensors.append((TensorSpec(name: name, dtype: .F32, shape: shape),
                            values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }))
        }
        for module in model.replacedModules {
            let layer = model.layers[module]!
            switch layer {
            case .dense(let w, _):
                add(module + ".w", [w.rows, w.columns], w.values)
            case .factored(let a, let b, _):
                add(module + ".a", [a.rows, a.columns], a.values)
                add(module + ".b", [b.rows, b.columns], b.values)
            case .caldera(let q, let a, let b, _):
                add(module + ".a", [a.rows, a.columns], a.values)
                add(module + ".b", [b.rows, b.columns], b.values)
                add(module + ".q", [q.rows, q.columns], q.values)
            case .packedCaldera:
                XCTFail("\(module): CompressedFolder.read without packedBackbones gives no packed layer")
            }
            if let bias = layer.bias { add(module + ".bias", [bias.count], bias) }
        }
        try SafeTensorsWriter.write(path: path, tensors: tensors)
    }
}
