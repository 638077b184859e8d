import Foundation
import GGUF
import PythonOracle
import XCTest

/// Every dequantizable type against `gguf.quants.dequantize`: Python writes a GGUF with
/// `gguf.GGUFWriter` (blocks from `gguf.quants.quantize` where the package can quantize, random
/// block bytes with finite F16 scales for the K-quants and as a second tensor for every type,
/// so every bit pattern of quants and packed scales is decoded), and the float32 bits Python
/// dequantizes; Swift must match every bit.
final class DequantizationTests: XCTestCase {
    static let writer = """
    import sys, numpy as np, gguf
    from gguf.quants import quantize, dequantize
    path, ref = sys.argv[1], sys.argv[2]
    T = gguf.GGMLQuantizationType
    rng = np.random.default_rng(16)
    w = gguf.GGUFWriter(path, "llama")
    for name in sys.argv[3].split(","):
        t = T[name]
        block, size = gguf.GGML_QUANT_SIZES[t]
        rows, cols = 3, 2 * 256
        values = (rng.standard_normal((rows, cols)) * 0.05).astype(np.float32)
        if t in (T.F32, T.F16, T.BF16, T.Q4_0, T.Q4_1, T.Q5_0, T.Q5_1, T.Q8_0):
            w.add_tensor(f"{name}.quantized", quantize(values, t), raw_dtype=t)
        raw = rng.integers(0, 256, size=(rows * cols // block, size), dtype=np.uint8)
        scale = lambda n: (rng.standard_normal(n) * 0.01).astype(np.float16).view(np.uint8).reshape(n, 2)
        n = raw.shape[0]
        fields = {T.Q4_0: [0], T.Q4_1: [0, 2], T.Q5_0: [0], T.Q5_1: [0, 2], T.Q8_0: [0], T.Q2_K: [80, 82],
                  T.Q3_K: [108], T.Q4_K: [0, 2], T.Q5_K: [0, 2], T.Q6_K: [208]}.get(t, [])
        for at in fields:
            raw[:, at:at + 2] = scale(n)
        if t == T.F16:
            raw = scale(raw.size // 2).reshape(raw.shape[0], -1)
        if t == T.F32:
            raw = rng.standard_normal(raw.size // 4).astype(np.float32).view(np.uint8).reshape(raw.shape[0], -1)
        w.add_tensor(f"{name}.random", raw.reshape(rows, -1), raw_dtype=t)
    w.write_header_to_file(); w.write_kv_data_to_file(); w.write_tensors_to_file(); w.close()
    r = gguf.GGUFReader(path)
    with open(ref, "wb") as f:
        for t in r.tensors:
            out = dequantize(t.data, t.tensor_type).astype(np.float32)
            assert out.shape == tuple(int(x) for x in reversed(t.shape)), (t.name, out.shape, t.shape)
            f.write(out.tobytes())
            print(t.name, t.tensor_type.name, ",".join(str(int(x)) for x in t.shape), t.data_offset, sep="\\t")
    """

    static let types: [GGMLType] = [.F32, .F16, .BF16, .Q8_0, .Q4_0, .Q4_1, .Q5_0, .Q5_1, .Q2_K, .Q3_K, .Q4_K, .Q5_K, .Q6_K]

    func testEveryTypeMatchesTheGGUFPackageBitForBit() throws {
        try TemporaryFolder.with("gguf-dequant") { folder in
            let path = folder.appendingPathComponent("types.gguf").path
            let reference = folder.appendingPathComponent("reference.f32").path
            let listing = try PythonOracle.run(Self.writer, [path, reference, Self.types.map(\.name).joined(separator: ",")])
            let file = try GGUFFile(path: path)
            let expected = try Data(contentsOf: URL(fileURLWithPath: reference))
            let lines = listing.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
            XCTAssertEqual(file.tensors.count, lines.count)
            XCTAssertEqual(Set(file.tensors.map(\.type)), Set(Self.types), "every type is in the file")
            var position = 0
            for (tensor, line) in zip(file.tensors, lines) {
                XCTAssertEqual([tensor.name, tensor.type.name, tensor.dimensions.map(String.init).joined(separator: ","),
                                String(file.header.dataStart + tensor.offset)], line)
                let values = try file.dequantized(tensor)
                let bytes = values.count * 4
                let reference: [UInt32] = expected[position..<(position + bytes)].withUnsafeBytes { Array($0.bindMemory(to: UInt32.self)) }
                position += bytes
                let mismatches = zip(values.map(\.bitPattern), reference).enumerated().filter { $0.element.0 != $0.element.1 }
                XCTAssertTrue(mismatches.isEmpty, "\(tensor.name): \(mismatches.count) of \(values.count) values differ, first at \(mismatches.first.map { "\($0.offset): \(Float(bitPattern: $0.element.0)) vs \(Float(bitPattern: $0.element.1))" } ?? "")")
            }
            XCTAssertEqual(position, expected.count)
        }
    }

    func testRowRangesDecodeTheSameAsTheWhole() throws {
        try TemporaryFolder.with("gguf-rows") { folder in
            let path = folder.appendingPathComponent("types.gguf").path
            try PythonOracle.run(Self.writer, [path, folder.appendingPathComponent("ref").path, "Q4_K,Q8_0"])
            let file = try GGUFFile(path: path)
            for tensor in file.tensors {
                let whole = try file.dequantized(tensor)
                var middle = [Float](repeating: .nan, count: tensor.rowLength)
                try middle.withUnsafeMutableBufferPointer { try file.dequantize(tensor, rows: 1..<2, into: $0) }
                XCTAssertEqual(middle.map(\.bitPattern), whole[tensor.rowLength..<(2 * tensor.rowLength)].map(\.bitPattern))
            }
        }
    }
}
