import Foundation
import XCTest
import PythonOracle
import StrictJSON
@testable import SafeTensors

/// Checks files against the Python `safetensors` package, in both directions.
final class PythonInteropTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = try makeTemporaryFolder("interop")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Writes checkpoints with Python and dumps, per file, every tensor's dtype, shape, raw bytes
    /// (hex) and float values, plus the header's key order and FNV-1a fingerprint.
    private static let pythonWriter = #"""
import sys, json, struct, os
import numpy as np
from safetensors import serialize_file, TensorSpec
from safetensors.numpy import save_file

out = sys.argv[1]
rng = np.random.default_rng(20240611)
expected = {}

def fnv(data):
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h

def describe(path, tensors, bf16_values=None):
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n], object_pairs_hook=lambda pairs: pairs)
    order = [k for k, _ in header if k != "__metadata__"]
    meta = [v for k, v in header if k == "__metadata__"]
    entry = {"order": order, "fingerprint": str(fnv(raw[8:8 + n])), "tensors": {},
             "metadata": dict(meta[0]) if meta else None}
    for name, (dtype, shape, data, values) in tensors.items():
        entry["tensors"][name] = {"dtype": dtype, "shape": list(shape), "hex": data.hex(), "values": values}
    expected[os.path.relpath(path, out)] = entry

def np_entry(arr):
    names = {"float32": "F32", "float16": "F16", "float64": "F64", "int64": "I64", "int32": "I32",
             "int16": "I16", "int8": "I8", "uint8": "U8", "uint16": "U16", "uint32": "U32",
             "uint64": "U64", "bool": "BOOL", "complex64": "C64"}
    values = [float(x) for x in arr.reshape(-1)] if arr.dtype.kind == "f" else None
    return (names[arr.dtype.name], arr.shape, arr.astype(arr.dtype.newbyteorder("<")).tobytes(), values)

# 1. Every numpy dtype, a scalar and an empty tensor.
mixed = {
    "model.f32.weight": rng.standard_normal((3, 5)).astype(np.float32),
    "model.f16.weight": (rng.standard_normal((4, 2)) * 100).astype(np.float16),
    "model.f64.scalar": np.array(3.141592653589793, dtype=np.float64),
    "model.i64": np.array([-(2**63), -1, 0, 2**63 - 1], dtype=np.int64),
    "model.i32": np.arange(-5, 5, dtype=np.int32),
    "model.i16": np.array([-32768, 32767], dtype=np.int16),
    "model.i8": np.array([-128, 127, 0], dtype=np.int8),
    "model.u8": np.arange(0, 256, 17, dtype=np.uint8),
    "model.u16": np.array([65535, 1], dtype=np.uint16),
    "model.u32": np.array([4294967295, 7], dtype=np.uint32),
    "model.u64": np.array([18446744073709551615, 9007199254740993], dtype=np.uint64),
    "model.bool": np.array([True, False, True]),
    "model.c64": np.array([1 + 2j, -3.5 - 0.25j], dtype=np.complex64),
    "model.empty": np.zeros((0, 4), dtype=np.float32),
}
save_file(mixed, os.path.join(out, "mixed.safetensors"))
describe(os.path.join(out, "mixed.safetensors"), {k: np_entry(v) for k, v in mixed.items()})

# 2. BF16, through the package's own serializer with dtype "bfloat16".
f32 = (rng.standard_normal((6, 4)) * 10).astype(np.float32)
bits = (f32.view(np.uint32) >> 16).astype(np.uint16)
bf16_values = [float(x) for x in (bits.astype(np.uint32) << 16).view(np.float32).reshape(-1)]
side = rng.standard_normal((2, 3)).astype(np.float32)
specs = {
    "layers.0.attn.q_proj.weight": TensorSpec(dtype="bfloat16", shape=bits.shape, data_ptr=bits.ctypes.data, data_len=bits.nbytes),
    "layers.0.norm.weight": TensorSpec(dtype="float32", shape=side.shape, data_ptr=side.ctypes.data, data_len=side.nbytes),
}
serialize_file(specs, os.path.join(out, "bf16.safetensors"), metadata={"format": "pt"})
describe(os.path.join(out, "bf16.safetensors"), {
    "layers.0.attn.q_proj.weight": ("BF16", bits.shape, bits.tobytes(), bf16_values),
    "layers.0.norm.weight": np_entry(side),
})

# 3. A sharded folder with an index.
os.makedirs(os.path.join(out, "sharded"))
shard1 = {"embed.weight": rng.standard_normal((8, 4)).astype(np.float32)}
shard2 = {"layers.0.weight": rng.standard_normal((4, 4)).astype(np.float16),
          "lm_head.weight": rng.standard_normal((8, 4)).astype(np.float32)}
names = ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]
for name, tensors in zip(names, [shard1, shard2]):
    save_file(tensors, os.path.join(out, "sharded", name), metadata={"format": "np"})
    describe(os.path.join(out, "sharded", name), {k: np_entry(v) for k, v in tensors.items()})
weight_map = {}
for name, tensors in zip(names, [shard1, shard2]):
    for k in tensors:
        weight_map[k] = name
total = sum(a.nbytes for t in (shard1, shard2) for a in t.values())
with open(os.path.join(out, "sharded", "model.safetensors.index.json"), "w") as f:
    json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2)
with open(os.path.join(out, "sharded", "config.json"), "w") as f:
    json.dump({"architectures": ["LlamaForCausalLM"], "num_hidden_layers": 1, "hidden_size": 4}, f)

# 4. Metadata with non-ASCII text.
meta_t = {"w": np.arange(6, dtype=np.float32).reshape(2, 3)}
save_file(meta_t, os.path.join(out, "meta.safetensors"), metadata={"format": "np", "note": "héllo \"quoted\"\n"})
describe(os.path.join(out, "meta.safetensors"), {k: np_entry(v) for k, v in meta_t.items()})

with open(os.path.join(out, "expected.json"), "w") as f:
    json.dump(expected, f)
"""#

    /// Decodes one float element as Python's `float(x)` sees it.
    private func decode(_ dtype: String, _ bytes: UnsafeRawBufferPointer, _ i: Int) -> Double? {
        switch dtype {
        case "F32": return Double(Float(bitPattern: bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
        case "F64": return Double(bitPattern: bytes.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))
        case "BF16": return Double(Float(bitPattern: UInt32(bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) << 16))
        case "F16":
            let h = UInt32(bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
            let sign: Double = h & 0x8000 != 0 ? -1 : 1
            let exponent = Int((h >> 10) & 0x1F)
            let mantissa = Double(h & 0x3FF)
            if exponent == 0 { return sign * mantissa * pow(2, -24) }
            if exponent == 31 { return mantissa == 0 ? sign * .infinity : .nan }
            return sign * (1 + mantissa / 1024) * pow(2, Double(exponent - 15))
        default: return nil
        }
    }

    func testReadingFilesWrittenByPython() throws {
        try PythonOracle.run(Self.pythonWriter, [folder])
        let expectedData = try XCTUnwrap(FileManager.default.contents(atPath: folder + "/expected.json"))
        let expected = try XCTUnwrap(JSONParser.parse(expectedData).objectValue)
        XCTAssertEqual(expected.count, 5)

        var checkedTensors = 0
        for member in expected {
            let path = folder + "/" + member.key
            let entry = try XCTUnwrap(member.value.objectValue)
            let checkpoint = try Checkpoint(path: path)
            XCTAssertEqual(checkpoint.kind, .file)
            let file = checkpoint.files[0]
            XCTAssertEqual(checkpoint.tensors.map(\.name), entry["order"]?.arrayValue?.compactMap(\.stringValue), member.key)
            XCTAssertEqual(String(file.headerFingerprint), entry["fingerprint"]?.stringValue, member.key)
            if let metadata = entry["metadata"]?.objectValue {
                XCTAssertEqual(checkpoint.metadata, Dictionary(uniqueKeysWithValues: metadata.members.map { ($0.key, $0.value.stringValue ?? "?") }))
            } else {
                XCTAssertNil(checkpoint.metadata)
            }
            let tensors = try XCTUnwrap(entry["tensors"]?.objectValue)
            XCTAssertEqual(checkpoint.tensors.count, tensors.count)
            for t in tensors {
                let tensor = try XCTUnwrap(checkpoint.tensor(named: t.key), t.key)
                let dtype = try XCTUnwrap(t.value["dtype"]?.stringValue)
                XCTAssertEqual(tensor.info.dtype.rawValue, dtype, t.key)
                XCTAssertEqual(tensor.info.shape, t.value["shape"]?.arrayValue?.compactMap(\.intValue), t.key)
                let bytes = try checkpoint.withBytes(of: tensor) { Array($0) }
                XCTAssertEqual(hex(bytes), t.value["hex"]?.stringValue, t.key)
                if let values = t.value["values"]?.arrayValue {
                    XCTAssertEqual(values.count, tensor.info.elementCount)
                    try checkpoint.withBytes(of: tensor) { raw in
                        for (i, value) in values.enumerated() {
                            XCTAssertEqual(decode(dtype, raw, i), value.doubleValue, "\(t.key)[\(i)]")
                        }
                    }
                }
                checkedTensors += 1
            }
        }
        XCTAssertEqual(checkedTensors, 14 + 2 + 1 + 2 + 1)

        // The sharded folder as a whole.
        let sharded = try Checkpoint(path: folder + "/sharded")
        XCTAssertEqual(sharded.kind, .sharded)
        XCTAssertEqual(sharded.files.count, 2)
        XCTAssertEqual(sharded.tensors.map(\.name), ["embed.weight", "lm_head.weight", "layers.0.weight"])
        XCTAssertEqual(sharded.totalParameters, 32 + 32 + 16)
        XCTAssertEqual(sharded.totalBytes, (32 + 32) * 4 + 16 * 2)
        XCTAssertEqual(sharded.index?.metadata?["total_size"]?.intValue, sharded.totalBytes)
        XCTAssertEqual(sharded.config?.architecture, "LlamaForCausalLM")
        XCTAssertEqual(sharded.metadata, ["format": "np"])
    }

    /// Loads Swift-written files with Python, checks values, and writes Python's own files for
    /// the same tensors so the test can compare bytes.
    private static let pythonChecker = #"""
import sys, json, os
import numpy as np
from safetensors import deserialize, serialize_file, TensorSpec
from safetensors.numpy import load_file, save_file

out = sys.argv[1]
spec = json.load(open(os.path.join(out, "spec.json")))
np_types = {"F32": np.float32, "F16": np.float16, "F64": np.float64, "I64": np.int64, "I32": np.int32,
            "I16": np.int16, "I8": np.int8, "U8": np.uint8, "U16": np.uint16, "U32": np.uint32,
            "U64": np.uint64, "BOOL": np.bool_}
raw_names = {"BF16": "bfloat16", "F8_E4M3": "float8_e4m3fn", "F8_E5M2": "float8_e5m2"}
report = {}

# Python loads our numpy-typed file with numpy and must see the same values.
loaded = load_file(os.path.join(out, "ours_np.safetensors"))
for t in spec["np"]["tensors"]:
    arr = np.frombuffer(bytes.fromhex(t["hex"]), dtype=np_types[t["dtype"]]).reshape(t["shape"])
    got = loaded[t["name"]]
    report[t["name"]] = bool(got.dtype == arr.dtype and list(got.shape) == t["shape"] and got.tobytes() == arr.tobytes())
report["__count__"] = len(loaded)
# Python's own save_file for the same arrays.
arrays = {t["name"]: np.frombuffer(bytes.fromhex(t["hex"]), dtype=np_types[t["dtype"]]).reshape(t["shape"]) for t in spec["np"]["tensors"]}
save_file(arrays, os.path.join(out, "ref_np.safetensors"), metadata=spec["np"]["metadata"])

# The raw-typed file (BF16, FP8) through the package's generic reader and serializer.
with open(os.path.join(out, "ours_raw.safetensors"), "rb") as f:
    views = dict(deserialize(f.read()))
keep = []
specs = {}
for t in spec["raw"]["tensors"]:
    view = views[t["name"]]
    report[t["name"]] = bool(view["dtype"] == t["dtype"] and list(view["shape"]) == t["shape"] and bytes(view["data"]).hex() == t["hex"])
    buf = np.frombuffer(bytes.fromhex(t["hex"]), dtype=np.uint8).copy()
    keep.append(buf)
    name = raw_names.get(t["dtype"]) or np.dtype(np_types[t["dtype"]]).name
    specs[t["name"]] = TensorSpec(dtype=name, shape=tuple(t["shape"]), data_ptr=buf.ctypes.data, data_len=buf.nbytes)
serialize_file(specs, os.path.join(out, "ref_raw.safetensors"), metadata=spec["raw"]["metadata"])
print(json.dumps(report))
"""#

    private func specJSON(_ tensors: [(TensorSpec, [UInt8])], metadata: [String: String]?) -> JSONValue {
        var object = JSONObject()
        object["tensors"] = .array(tensors.map { spec, data in
            ["name": .string(spec.name), "dtype": .string(spec.dtype.rawValue),
             "shape": .array(spec.shape.map { .number(JSONNumber($0)) }), "hex": .string(hex(data))]
        })
        object["metadata"] = metadata.map { .object(JSONObject($0.map { ($0.key, JSONValue.string($0.value)) })) } ?? .null
        return .object(object)
    }

    private func data(_ spec: TensorSpec, seed: UInt64) -> [UInt8] {
        let count = TensorInfo(name: spec.name, dtype: spec.dtype, shape: spec.shape)?.byteCount ?? 0
        if spec.dtype == .BOOL { return pseudoRandomBytes(count, seed: seed).map { $0 & 1 } }
        if spec.dtype == .F16 || spec.dtype == .F32 || spec.dtype == .F64 {
            // Avoid NaN payloads, which numpy may canonicalise: use small integers as floats.
            return (0..<(count / spec.dtype.byteWidth)).flatMap { i -> [UInt8] in
                let v = Double(i % 7) - 3.5
                switch spec.dtype {
                case .F32: return withUnsafeBytes(of: Float(v).bitPattern.littleEndian) { Array($0) }
                case .F64: return withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) }
                default: return [0x00, UInt8(truncatingIfNeeded: 0x40 + i % 3)]
                }
            }
        }
        return pseudoRandomBytes(count, seed: seed)
    }

    func testFilesWrittenBySwiftLoadInPythonAndMatchItsBytes() throws {
        let npSpecs = [
            TensorSpec(name: "z.f32", dtype: .F32, shape: [3, 4]),
            TensorSpec(name: "a.f16", dtype: .F16, shape: [5]),
            TensorSpec(name: "scalar", dtype: .F64, shape: []),
            TensorSpec(name: "ids", dtype: .I64, shape: [3]),
            TensorSpec(name: "mask", dtype: .BOOL, shape: [2, 2]),
            TensorSpec(name: "bytes", dtype: .U8, shape: [7]),
            TensorSpec(name: "empty", dtype: .F32, shape: [0, 3]),
            TensorSpec(name: "u16", dtype: .U16, shape: [3]),
            TensorSpec(name: "é.ünïcode", dtype: .F32, shape: [1]),
            TensorSpec(name: "e.second", dtype: .F32, shape: [1]),
        ]
        let rawSpecs = [
            TensorSpec(name: "layers.0.q.weight", dtype: .BF16, shape: [4, 3]),
            TensorSpec(name: "layers.0.k.weight", dtype: .BF16, shape: [2, 3]),
            TensorSpec(name: "fp8", dtype: .F8_E4M3, shape: [5]),
            TensorSpec(name: "norm", dtype: .F32, shape: [3]),
        ]
        let npTensors = npSpecs.enumerated().map { ($0.element, data($0.element, seed: UInt64($0.offset))) }
        let rawTensors = rawSpecs.enumerated().map { ($0.element, data($0.element, seed: UInt64($0.offset) + 100)) }
        let npMeta = ["format": "np"]
        let rawMeta = ["note": "written by rankscope \"tests\" ✓"]

        try SafeTensorsWriter.write(path: folder + "/ours_np.safetensors", tensors: npTensors, metadata: npMeta)
        // The raw file goes through the streaming API in small uneven chunks.
        let writer = try SafeTensorsWriter(path: folder + "/ours_raw.safetensors", tensors: rawSpecs, metadata: rawMeta)
        let byName = Dictionary(uniqueKeysWithValues: rawTensors.map { ($0.0.name, $0.1) })
        let stream = writer.layout.flatMap { byName[$0.name] ?? [] }
        var position = 0
        var chunk = 1
        while position < stream.count {
            let end = min(stream.count, position + chunk)
            try writer.append(Array(stream[position..<end]))
            position = end
            chunk = chunk % 5 + 1
        }
        try writer.finish()

        let spec: JSONValue = ["np": specJSON(npTensors, metadata: npMeta), "raw": specJSON(rawTensors, metadata: rawMeta)]
        try writeFile(JSONWriter.bytes(spec), folder, "spec.json")
        let output = try PythonOracle.run(Self.pythonChecker, [folder])
        let report = try XCTUnwrap(JSONParser.parse(output).objectValue)
        XCTAssertEqual(report["__count__"]?.intValue, npSpecs.count)
        for spec in npSpecs + rawSpecs {
            XCTAssertEqual(report[spec.name], .bool(true), "Python read different data for \(spec.name)")
        }
        for kind in ["np", "raw"] {
            let ours = try XCTUnwrap(FileManager.default.contents(atPath: folder + "/ours_\(kind).safetensors"))
            let reference = try XCTUnwrap(FileManager.default.contents(atPath: folder + "/ref_\(kind).safetensors"))
            XCTAssertEqual(ours.count, reference.count, kind)
            XCTAssertTrue(ours == reference, "\(kind): bytes differ from Python's\nours: \(String(decoding: ours.prefix(400), as: UTF8.self))\nref:  \(String(decoding: reference.prefix(400), as: UTF8.self))")
        }
        // And the files read back here too.
        let back = try SafeTensorsFile(path: folder + "/ours_raw.safetensors")
        XCTAssertEqual(back.metadata, rawMeta)
        for (spec, bytes) in rawTensors {
            XCTAssertEqual(try back.bytes(of: XCTUnwrap(back.tensor(named: spec.name))), bytes)
        }
    }
}
