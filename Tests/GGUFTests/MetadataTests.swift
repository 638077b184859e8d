import Foundation
import GGUF
import PythonOracle
import XCTest

/// Metadata of every value type (arrays of numbers, strings and arrays included), `general.alignment`
/// and tensor infos, as `gguf.GGUFWriter` writes them and `gguf.GGUFReader` reads them back.
final class MetadataTests: XCTestCase {
    static let writer = """
    import sys, numpy as np, gguf
    path = sys.argv[1]
    w = gguf.GGUFWriter(path, "llama")
    w.add_custom_alignment(64)
    V = gguf.GGUFValueType
    w.add_uint8("t.u8", 200); w.add_int8("t.i8", -100); w.add_uint16("t.u16", 60000); w.add_int16("t.i16", -30000)
    w.add_uint32("t.u32", 4000000000); w.add_int32("t.i32", -2000000000); w.add_uint64("t.u64", 2**63 + 5)
    w.add_int64("t.i64", -2**62); w.add_float32("t.f32", 0.1); w.add_float64("t.f64", 1e-300); w.add_bool("t.bool", True)
    w.add_string("t.str", "héllo ✓")
    w.add_array("t.strings", ["a", "", "ünï", "<|im_start|>"])
    w.add_array("t.ints", [1, -2, 3])
    w.add_array("t.floats", [0.5, -1.25])
    w.add_key_value("t.nested", [[1, 2], [3]], V.ARRAY, sub_type=V.ARRAY)
    w.add_tensor("a", np.arange(6, dtype=np.float32).reshape(2, 3))
    w.add_tensor("b", np.ones((5,), dtype=np.float16))
    w.write_header_to_file(); w.write_kv_data_to_file(); w.write_tensors_to_file(); w.close()
    r = gguf.GGUFReader(path)
    for t in r.tensors:
        print(t.name, t.data_offset, sep="\\t")
    print("types", ",".join(f"{k}:{int(f.types[0])}" for k, f in r.fields.items() if k.startswith("t.")), sep="\\t")
    """

    func testEveryValueTypeAndTheAlignment() throws {
        try TemporaryFolder.with("gguf-meta") { folder in
            let path = folder.appendingPathComponent("meta.gguf").path
            let output = try PythonOracle.run(Self.writer, [path])
            let file = try GGUFFile(path: path)
            let header = file.header
            XCTAssertEqual(header.version, 3)
            XCTAssertEqual(header.alignment, 64)
            XCTAssertEqual(header["general.architecture"], .string("llama"))
            XCTAssertEqual(header["t.u8"], .uint8(200))
            XCTAssertEqual(header["t.i8"], .int8(-100))
            XCTAssertEqual(header["t.u16"], .uint16(60000))
            XCTAssertEqual(header["t.i16"], .int16(-30000))
            XCTAssertEqual(header["t.u32"], .uint32(4_000_000_000))
            XCTAssertEqual(header["t.i32"], .int32(-2_000_000_000))
            XCTAssertEqual(header["t.u64"], .uint64((1 << 63) + 5))
            XCTAssertEqual(header["t.i64"], .int64(-(1 << 62)))
            XCTAssertEqual(header["t.f32"], .float32(0.1))
            XCTAssertEqual(header["t.f64"], .float64(1e-300))
            XCTAssertEqual(header["t.bool"], .bool(true))
            XCTAssertEqual(header["t.str"], .string("héllo ✓"))
            XCTAssertEqual(header["t.strings"]?.arrayValue?.strings, ["a", "", "ünï", "<|im_start|>"])
            XCTAssertEqual(header["t.ints"]?.arrayValue?.integers, [1, -2, 3])
            XCTAssertEqual(header["t.floats"]?.arrayValue?.floats, [0.5, -1.25])
            XCTAssertEqual(header["t.nested"]?.arrayValue?.arrays?.map { $0.integers ?? [] }, [[1, 2], [3]])
            let lines = output.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
            let types = lines.last![1].split(separator: ",").map { $0.split(separator: ":") }
            for pair in types {
                XCTAssertEqual(header[String(pair[0])]?.type.rawValue, UInt32(pair[1]), String(pair[0]))
            }
            for (tensor, line) in zip(file.tensors, lines.dropLast()) {
                XCTAssertEqual(tensor.name, line[0])
                XCTAssertEqual(header.dataStart + tensor.offset, Int(line[1]))
                XCTAssertEqual(tensor.offset % 64, 0)
            }
            let a = try XCTUnwrap(file.tensor(named: "a"))
            XCTAssertEqual(a.dimensions, [3, 2])
            XCTAssertEqual(a.shape, [2, 3])
            XCTAssertEqual(try file.dequantized(a), [0, 1, 2, 3, 4, 5])
            XCTAssertEqual(try file.dequantized(XCTUnwrap(file.tensor(named: "b"))), [1, 1, 1, 1, 1])
        }
    }
}
